import { CLUSTER_DIR, expectIssueAt, instanceOf, kitSlot, kustomizeCluster, slotBlueprintVersion, sovereignWith, upstreamValues } from './kit-helpers';
import { imagesIn, inventory, objectNamed, quantitiesAsStrings, synthSlot } from './wave2b-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { Cilium } from '../../blueprints/cilium';
import { SYFT_GRYPE_REPORTS_DIR, SyftGrype } from '../../blueprints/syft-grype';
import { use } from '../../src/sovereign';

const SLOT = kitSlot('33-syft-grype');
const FILE = '33-syft-grype.yaml';
const base = () => [use(Cilium), use(CertManager)];
const TARGET = 'harbor.example.test/library/app:1.2.3';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Env = { name: string; value?: string; valueFrom?: any };
type Container = { name: string; image: string; args: string[]; env: Env[]; securityContext: any; resources: any; volumeMounts: any[] };
interface PodSpec {
  initContainers?: Container[];
  containers: Container[];
  securityContext: any;
  serviceAccountName: string;
  automountServiceAccountToken: boolean;
  volumes: any[];
}
interface CronJobSpec {
  schedule: string;
  suspend: boolean;
  concurrencyPolicy: string;
  successfulJobsHistoryLimit: number;
  failedJobsHistoryLimit: number;
  jobTemplate: { spec: { template: { spec: PodSpec } } };
}
type CronJob = { spec: CronJobSpec };
/* eslint-enable @typescript-eslint/no-explicit-any */

const pod = (c: CronJob) => c.spec.jobTemplate.spec.template.spec;

describe('bp-syft-grype', () => {
  test('spec: manifest-only kit slot 33 in namespace syft-grype, depending on bp-cert-manager as the kit did', () => {
    expect(SyftGrype.spec).toMatchObject({ name: 'syft-grype', slot: 33, namespace: SLOT.targetNamespace, releaseName: SLOT.releaseName, visibility: 'unlisted' });
    // The upstream's only chart dependency was a dummy `common` library chart (no upstream chart exists).
    expect(upstreamValues('syft-grype')).toMatchObject({ catalystBlueprint: { upstream: { chart: '', version: '' } } });
    expect(SyftGrype.spec.upstream).toEqual([]);
    // Its own pods are restricted-ready; they reach registries and the Grype DB over HTTPS.
    expect(SyftGrype.spec.podSecurity).toBeUndefined();
    expect(SyftGrype.spec.network).toEqual({ egressToWorld: [{ port: 443 }] });
    expect(SyftGrype.spec.version).toBe(slotBlueprintVersion(SLOT));
    const bp = instanceOf(sovereignWith([...base(), use(SyftGrype)]), SyftGrype);
    expect(bp.dependencies().map((d) => `bp-${d.blueprint.spec.name}`)).toEqual(SLOT.dependsOn);
  });

  test('defaults are the upstream curated values', () => {
    const up = quantitiesAsStrings(upstreamValues('syft-grype')) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const d = SyftGrype.spec.defaults;
    for (const tool of ['syft', 'grype'] as const) {
      const { pullPolicy, ...image } = up[tool].image;
      expect(d[tool]).toEqual({ enabled: up[tool].enabled, image, imagePullPolicy: pullPolicy, resources: up[tool].resources });
    }
    expect(d.syft.image).toEqual({ repository: 'ghcr.io/anchore/syft', tag: 'v1.43.0' });
    expect(d.grype.image).toEqual({ repository: 'ghcr.io/anchore/grype', tag: 'v0.111.1' });
    // Empty strings upstream mean "unset".
    const { target, ...cronjob } = up.cronjob;
    expect(target).toBe('');
    expect(d.cronjob).toEqual(cronjob);
    const { storageClassName, ...persistence } = up.persistence;
    expect(storageClassName).toBe('');
    expect(d.persistence).toEqual(persistence);
    expect(up.serviceAccount).toEqual({ create: true, name: '' });
    expect(d.serviceAccount).toEqual({ create: true });
  });

  test('the slot file holds Namespace, ServiceAccount, PVC and CronJob, and no HelmRelease', () => {
    const slot = synthSlot([...base(), use(SyftGrype, { values: { cronjob: { target: TARGET } } })], FILE);
    expect(inventory(slot.kit)).toEqual(['CronJob/syft-grype', 'Namespace/syft-grype', 'PersistentVolumeClaim/syft-grype-reports', 'ServiceAccount/syft-grype']);
    for (const o of slot.kit.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace).toBe('syft-grype');
    const pvc = objectNamed<{ spec: unknown }>(slot.kit, 'PersistentVolumeClaim', 'syft-grype-reports');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } });
    expect(slot.result.files.get(`${CLUSTER_DIR}/bootstrap-kit/${FILE}`)).toMatchSnapshot();
  });

  test('a run: Syft writes the SBOM, Grype scans it; pinned images, no shell, per-run file names', () => {
    const slot = synthSlot([...base(), use(SyftGrype, { values: { cronjob: { target: TARGET } } })], FILE);
    const cron = objectNamed<CronJob>(slot.kit, 'CronJob', 'syft-grype');
    expect(cron.spec).toMatchObject({ schedule: '30 2 * * *', suspend: false, concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    const spec = pod(cron);
    const [syft] = spec.initContainers!;
    const [grype] = spec.containers;
    expect(syft.image).toBe('ghcr.io/anchore/syft:v1.43.0');
    expect(grype.image).toBe('ghcr.io/anchore/grype:v0.111.1');
    expect(syft.args).toEqual([TARGET, '--output', `spdx-json=${SYFT_GRYPE_REPORTS_DIR}/$(RUN_ID).spdx.json`]);
    expect(grype.args).toEqual([`sbom:${SYFT_GRYPE_REPORTS_DIR}/$(RUN_ID).spdx.json`, '--output', 'json', '--file', `${SYFT_GRYPE_REPORTS_DIR}/$(RUN_ID).grype.json`]);
    for (const c of [syft, grype]) {
      expect(c).not.toHaveProperty('command');
      expect(c.env.find((e) => e.name === 'RUN_ID')?.valueFrom).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
      expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } });
    }
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, fsGroup: 65532 });
    expect(spec.serviceAccountName).toBe('syft-grype');
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.volumes[0]).toEqual({ name: 'reports', persistentVolumeClaim: { claimName: 'syft-grype-reports' } });
    expect(imagesIn(slot.kit).sort()).toEqual(['ghcr.io/anchore/grype:v0.111.1', 'ghcr.io/anchore/syft:v1.43.0']);
  });

  test('without a target (the upstream default) the CronJob exists but is suspended', () => {
    const slot = synthSlot([...base(), use(SyftGrype)], FILE);
    const cron = objectNamed<CronJob>(slot.kit, 'CronJob', 'syft-grype');
    expect(cron.spec.suspend).toBe(true);
    expect(cron.metadata.annotations).toEqual({ 'catalyst.openova.io/suspended-because': 'values.cronjob.target is not set' });
  });

  test('the toggles shape the objects: Grype alone, no PVC, no ServiceAccount, no CronJob', () => {
    const overrides = { syft: { enabled: false }, persistence: { enabled: false }, serviceAccount: { create: false }, cronjob: { target: TARGET } };
    const grypeOnly = synthSlot([...base(), use(SyftGrype, { values: overrides })], FILE);
    expect(inventory(grypeOnly.kit)).toEqual(['CronJob/syft-grype', 'Namespace/syft-grype']);
    const spec = pod(objectNamed<CronJob>(grypeOnly.kit, 'CronJob', 'syft-grype'));
    expect(spec.initContainers).toBeUndefined();
    expect(spec.containers[0].args[0]).toBe(TARGET);
    expect(spec.serviceAccountName).toBe('default');
    expect(spec.volumes[0]).toEqual({ name: 'reports', emptyDir: {} });
    const none = synthSlot([...base(), use(SyftGrype, { values: { cronjob: { enabled: false } } })], FILE);
    expect(inventory(none.kit)).toEqual(['Namespace/syft-grype', 'PersistentVolumeClaim/syft-grype-reports', 'ServiceAccount/syft-grype']);
  });

  test('bad values fail with the path of the field', () => {
    expectIssueAt(() => sovereignWith([...base(), use(SyftGrype, { values: { grype: { image: { tag: 'latest' } } } })]), 'sovereign.blueprints[2].values.grype.image.tag');
    expectIssueAt(() => sovereignWith([...base(), use(SyftGrype, { values: { cronjob: { schedule: 'every night' } } })]), 'sovereign.blueprints[2].values.cronjob.schedule');
    expectIssueAt(() => sovereignWith([...base(), use(SyftGrype, { values: { cronjob: { target: 'a b' } } })]), 'sovereign.blueprints[2].values.cronjob.target');
    const neither = { syft: { enabled: false }, grype: { enabled: false } };
    expect(() => synthSlot([...base(), use(SyftGrype, { values: neither })], FILE)).toThrow(/sovereign\.blueprints\[2\]\.values\.cronjob\.enabled/);
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignWith([...base(), use(SyftGrype, { values: { cronjob: { target: TARGET } } })]));
    expect(objects.some((o) => o.kind === 'CronJob' && o.metadata.name === 'syft-grype' && o.metadata.namespace === 'syft-grype')).toBe(true);
    expect(objects.some((o) => o.kind === 'Namespace' && o.metadata.name === 'syft-grype')).toBe(true);
  });
});
