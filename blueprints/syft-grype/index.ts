/**
 * bp-syft-grype (kit slot 33): SBOM generation (Syft) and vulnerability scanning (Grype) as a
 * nightly CronJob that writes its reports to a PVC.
 *
 * Anchore publishes no Helm chart for these tools. The upstream Blueprint chart depended on a
 * dummy `common` library chart only to pass the hollow-chart CI gate; that is not reproduced:
 * this Blueprint is made of manifests (ServiceAccount, PersistentVolumeClaim, CronJob).
 *
 * A run: Syft catalogues the target into an SPDX SBOM, Grype scans that SBOM; both files land
 * in the reports volume under the run's pod name. The official images are `FROM scratch` (no
 * shell), so the containers run the binaries with arguments only; Kubernetes expands
 * `$(RUN_ID)` from the downward API. Without a target the CronJob exists suspended (upstream
 * ran a no-op Job every night instead).
 */
import { Static, Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { imageRef, resourceRequirements, RESTRICTED_CONTAINER } from '../../constructs/workload';
import { Blueprint, blueprintSpec } from '../../src/blueprint';
import { CatalystError } from '../../src/errors';
import { DnsLabel, Image, Quantity, Resources } from '../../src/schema';
import { strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';

const PullPolicy = Type.Union([Type.Literal('IfNotPresent'), Type.Literal('Always'), Type.Literal('Never')]);

/** One of the two tools. */
const Tool = strictObject({
  enabled: Type.Boolean(),
  image: Image,
  imagePullPolicy: PullPolicy,
  resources: Resources,
});

/** Five-field cron schedule (minute hour day-of-month month day-of-week) or a @-macro. */
const CronSchedule = Type.String({
  pattern: '^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|([0-9*,/?-]+\\s+){4}[0-9A-Za-z*,/?-]+)$',
  description: 'cron schedule, e.g. "30 2 * * *"',
});

export const SyftGrypeValues = strictObject({
  /** SBOM generator. With Grype on, Syft runs first and Grype scans its SBOM. */
  syft: Tool,
  /** Vulnerability scanner. */
  grype: Tool,
  cronjob: strictObject({
    enabled: Type.Boolean(),
    schedule: CronSchedule,
    successfulJobsHistoryLimit: Type.Integer({ minimum: 0, maximum: 100 }),
    failedJobsHistoryLimit: Type.Integer({ minimum: 0, maximum: 100 }),
    concurrencyPolicy: Type.Union([Type.Literal('Allow'), Type.Literal('Forbid'), Type.Literal('Replace')]),
    /**
     * What to scan: an image reference (`harbor.example/library/app:1.2`) or a Syft source
     * (`registry:…`, `oci-archive:…`). Unset: the CronJob is suspended.
     */
    target: Type.Optional(Type.String({ pattern: '^[^\\s$]+$', minLength: 1, maxLength: 512 })),
  }),
  /** Reports volume (and Grype's vulnerability-DB cache, so runs do not re-download it). */
  persistence: strictObject({
    enabled: Type.Boolean(),
    size: Quantity,
    /** Unset uses the cluster's default StorageClass. */
    storageClassName: Type.Optional(DnsLabel),
    accessModes: Type.Array(
      Type.Union([Type.Literal('ReadWriteOnce'), Type.Literal('ReadWriteOncePod'), Type.Literal('ReadWriteMany'), Type.Literal('ReadOnlyMany')]),
      { minItems: 1 },
    ),
  }),
  serviceAccount: strictObject({
    create: Type.Boolean(),
    /** Name of the ServiceAccount; default the release name (or `default` when not created). */
    name: Type.Optional(DnsLabel),
  }),
  /** UID/GID the scan pods run as. The rest of the hardening is not a knob. */
  securityContext: strictObject({
    runAsUser: Type.Integer({ minimum: 1 }),
    fsGroup: Type.Integer({ minimum: 1 }),
  }),
});
export type SyftGrypeValues = Static<typeof SyftGrypeValues>;

/** Where the reports volume is mounted in both containers. */
export const SYFT_GRYPE_REPORTS_DIR = '/reports';

export class SyftGrype extends Blueprint<typeof SyftGrypeValues> {
  public static readonly spec = blueprintSpec({
    name: 'syft-grype',
    version: '1.0.0',
    slot: 33,
    section: 'pts-3-3-security-and-policy',
    card: {
      title: 'Syft + Grype',
      summary: 'SBOM generation (Syft) and vulnerability scanning (Grype) as a scheduled CronJob, with reports kept on a volume.',
      category: 'security',
      tags: ['guardian', 'sbom', 'vulnerability-scanning'],
      documentation: 'https://github.com/anchore/grype',
      license: 'Apache-2.0',
    },
    visibility: 'unlisted',
    // The upstream's dummy `common` library chart is not reproduced: manifests only.
    upstream: [],
    namespace: 'syft-grype',
    releaseName: 'syft-grype',
    depends: [CertManager],
    // Syft pulls the target image from its registry; Grype downloads its vulnerability DB.
    network: { egressToWorld: [{ port: 443 }] },
    values: SyftGrypeValues,
    defaults: {
      syft: {
        enabled: true,
        image: { repository: 'ghcr.io/anchore/syft', tag: 'v1.43.0' },
        imagePullPolicy: 'IfNotPresent',
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      },
      grype: {
        enabled: true,
        image: { repository: 'ghcr.io/anchore/grype', tag: 'v0.111.1' },
        imagePullPolicy: 'IfNotPresent',
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      },
      cronjob: { enabled: true, schedule: '30 2 * * *', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1, concurrencyPolicy: 'Forbid' },
      persistence: { enabled: true, size: '5Gi', accessModes: ['ReadWriteOnce'] },
      serviceAccount: { create: true },
      securityContext: { runAsUser: 65532, fsGroup: 65532 },
    },
  });

  /** Name of the CronJob (and the prefix of the PVC). */
  public get fullname(): string {
    return this.releaseName;
  }

  /** The ServiceAccount the scan pods run as. */
  public get serviceAccountName(): string {
    const sa = this.values.serviceAccount;
    return sa.name ?? (sa.create ? this.fullname : 'default');
  }

  /** The reports PVC, if persistence is on. */
  public get reportsClaim(): string | undefined {
    return this.values.persistence.enabled ? `${this.fullname}-reports` : undefined;
  }

  private labels(component: string): { [key: string]: string } {
    return {
      ...this.selector,
      'app.kubernetes.io/component': component,
      'app.kubernetes.io/part-of': 'catalyst',
      'app.kubernetes.io/managed-by': 'catalyst-cdk',
      'catalyst.openova.io/blueprint': this.publishedName,
    };
  }

  private get selector(): { [key: string]: string } {
    return { 'app.kubernetes.io/name': this.name, 'app.kubernetes.io/instance': this.releaseName };
  }

  protected overlays(scope: Chart): void {
    const v = this.values;
    if (v.serviceAccount.create) {
      new k8s.KubeServiceAccount(scope, 'service-account', {
        metadata: { name: this.serviceAccountName, labels: this.labels('scanner') },
        // The scans read a registry, not the Kubernetes API.
        automountServiceAccountToken: false,
      });
    }
    if (v.persistence.enabled) {
      new k8s.KubePersistentVolumeClaim(scope, 'reports', {
        metadata: { name: this.reportsClaim!, labels: this.labels('reports') },
        spec: {
          accessModes: [...v.persistence.accessModes],
          resources: { requests: { storage: k8s.Quantity.fromString(v.persistence.size) } },
          ...(v.persistence.storageClassName ? { storageClassName: v.persistence.storageClassName } : {}),
        },
      });
    }
    if (v.cronjob.enabled) this.cronJob(scope);
  }

  /** The containers of one run: Syft then Grype on its SBOM, or whichever of the two is on. */
  private containers(target: string): { init: k8s.Container[]; main: k8s.Container } {
    const v = this.values;
    const sbom = `${SYFT_GRYPE_REPORTS_DIR}/$(RUN_ID).spdx.json`;
    const report = `${SYFT_GRYPE_REPORTS_DIR}/$(RUN_ID).grype.json`;
    const env: k8s.EnvVar[] = [
      // Unique per run: the Job's pod name. Expanded by Kubernetes in `args` as $(RUN_ID).
      { name: 'RUN_ID', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      // The root filesystem is read-only: scratch space and caches go to writable volumes.
      { name: 'HOME', value: '/tmp' },
      { name: 'TMPDIR', value: '/tmp' },
    ];
    const mounts: k8s.VolumeMount[] = [{ name: 'reports', mountPath: SYFT_GRYPE_REPORTS_DIR }, { name: 'tmp', mountPath: '/tmp' }];
    const container = (name: 'syft' | 'grype', args: string[], extraEnv: k8s.EnvVar[]): k8s.Container => ({
      name,
      image: imageRef(v[name].image),
      imagePullPolicy: v[name].imagePullPolicy,
      args,
      env: [...env, ...extraEnv],
      resources: resourceRequirements(v[name].resources),
      securityContext: { ...RESTRICTED_CONTAINER, readOnlyRootFilesystem: true, runAsNonRoot: true },
      volumeMounts: mounts,
    });
    const syftEnv = [{ name: 'SYFT_CHECK_FOR_APP_UPDATE', value: 'false' }];
    const grypeEnv = [
      { name: 'GRYPE_CHECK_FOR_APP_UPDATE', value: 'false' },
      // On the reports volume: the vulnerability DB is downloaded once, then updated.
      { name: 'GRYPE_DB_CACHE_DIR', value: `${SYFT_GRYPE_REPORTS_DIR}/.grype-db` },
    ];
    const syft = (out: string) => container('syft', [target, '--output', `spdx-json=${out}`], syftEnv);
    const grype = (source: string) => container('grype', [source, '--output', 'json', '--file', report], grypeEnv);
    if (v.syft.enabled && v.grype.enabled) return { init: [syft(sbom)], main: grype(`sbom:${sbom}`) };
    if (v.grype.enabled) return { init: [], main: grype(target) };
    return { init: [], main: syft(sbom) };
  }

  private cronJob(scope: Chart): void {
    const v = this.values;
    if (!v.syft.enabled && !v.grype.enabled) {
      throw CatalystError.at(`${this.path}.values.cronjob.enabled`, 'the scan CronJob needs syft or grype (or both) enabled; turn one on, or set cronjob.enabled to false');
    }
    const target = v.cronjob.target;
    // A placeholder argument keeps the suspended CronJob valid; it never runs while suspended.
    const { init, main } = this.containers(target ?? 'registry:unset');
    const reports: k8s.Volume = this.reportsClaim
      ? { name: 'reports', persistentVolumeClaim: { claimName: this.reportsClaim } }
      : { name: 'reports', emptyDir: {} };
    new k8s.KubeCronJob(scope, 'cronjob', {
      metadata: {
        name: this.fullname,
        labels: this.labels('scanner'),
        ...(target ? {} : { annotations: { 'catalyst.openova.io/suspended-because': 'values.cronjob.target is not set' } }),
      },
      spec: {
        schedule: v.cronjob.schedule,
        suspend: !target,
        successfulJobsHistoryLimit: v.cronjob.successfulJobsHistoryLimit,
        failedJobsHistoryLimit: v.cronjob.failedJobsHistoryLimit,
        concurrencyPolicy: v.cronjob.concurrencyPolicy,
        jobTemplate: {
          spec: {
            backoffLimit: 1,
            // A stuck scan would block every later run (concurrencyPolicy Forbid).
            activeDeadlineSeconds: 4 * 3600,
            template: {
              metadata: { labels: this.labels('scanner') },
              spec: {
                restartPolicy: 'OnFailure',
                serviceAccountName: this.serviceAccountName,
                automountServiceAccountToken: false,
                securityContext: {
                  runAsNonRoot: true,
                  runAsUser: v.securityContext.runAsUser,
                  runAsGroup: v.securityContext.fsGroup,
                  fsGroup: v.securityContext.fsGroup,
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                ...(init.length ? { initContainers: init } : {}),
                containers: [main],
                volumes: [reports, { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('2Gi') } }],
              },
            },
          },
        },
      },
    });
  }

  public outputs(): { readonly [name: string]: string } {
    return this.reportsClaim ? { reportsClaim: this.reportsClaim } : {};
  }
}
