/**
 * bp-velero (kit slot 34): Kubernetes backup and restore. Installed with backups off, as the
 * upstream curated it (an empty BackupStorageLocation, `backupsEnabled: false`). Turning
 * `backups.enabled` on wires the location to bp-seaweedfs through its typed outputs: the bucket
 * is created on the S3 gateway, the S3 keys are copied into Velero's namespace in-cluster, and
 * the location's endpoint comes from `SeaweedFs.s3Endpoint`; no Service name, key or password
 * is written here.
 */
import { Static, Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import { Blueprint, blueprintSpec, helmChart, UpstreamChart } from '../../src/blueprint';
import { DnsLabel, Image, ImageTag, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { SECRET_GENERATOR_IMAGE } from '../keycloak';
import { SeaweedFs } from '../seaweedfs';

export const VELERO_CHART = helmChart('velero', '12.0.1', 'https://vmware-tanzu.github.io/helm-charts');

/** Where the init container writes the AWS credentials file the S3 plugin reads. */
export const VELERO_AWS_CREDENTIALS_FILE = '/aws/cloud';

/**
 * The chart's own "no location" entry, as the upstream curated it: a placeholder that renders
 * nothing while backups (resp. snapshots) are off.
 */
const UNSET_BACKUP_LOCATION = {
  name: null,
  provider: '',
  bucket: '',
  default: false,
  accessMode: 'ReadWrite',
  credential: { name: null, key: null },
  config: {},
};
const UNSET_SNAPSHOT_LOCATION = { name: null, provider: '', credential: { name: null, key: null }, config: {} };

export const VeleroValues = strictObject({
  image: Image,
  imagePullPolicy: Type.Union([Type.Literal('IfNotPresent'), Type.Literal('Always'), Type.Literal('Never')]),
  /** Image of the CRD upgrade Job. Without a tag the chart uses the cluster's own Kubernetes version. */
  kubectlImage: strictObject({
    repository: Image.properties.repository,
    tag: Type.Optional(ImageTag),
  }),
  /** The S3 object-store plugin (init container that copies it into /plugins). */
  awsPlugin: Image,
  resources: Resources,
  /**
   * Velero's /metrics endpoint on port 8085. On, unlike the other observability switches: it
   * needs no CRD, and the chart serves the server's liveness and readiness probes from the same
   * endpoint (it renders the probes only when this is on).
   */
  metricsEndpoint: Type.Boolean(),
  /** Observability toggles: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({
    serviceMonitor: Type.Boolean(),
    nodeAgentPodMonitor: Type.Boolean(),
    prometheusRule: Type.Boolean(),
  }),
  /** Run the Job that upgrades Velero's CRDs on every chart upgrade. */
  upgradeCRDs: Type.Boolean(),
  /** Delete Velero's CRDs on uninstall (destroys backups' metadata; CI only). */
  cleanUpCRDs: Type.Boolean(),
  /** Backups to bp-seaweedfs's S3 gateway. */
  backups: strictObject({
    /** Off by default, as upstream: a Sovereign turns it on once SeaweedFS has capacity for it. */
    enabled: Type.Boolean(),
    /** Bucket on the S3 gateway (created in-cluster when backups are on). */
    bucket: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$' }),
    /** Folder inside the bucket. */
    prefix: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9/_.-]*$' })),
  }),
  /** Volume snapshots through a cloud provider's snapshot API; off (none configured). */
  snapshotsEnabled: Type.Boolean(),
  /** The node agent DaemonSet for file-system backups of volumes. */
  deployNodeAgent: Type.Boolean(),
  /** Name of the server's ServiceAccount. */
  serviceAccountName: DnsLabel,
  rbac: strictObject({
    create: Type.Boolean(),
    /** Bind cluster-admin: Velero backs up and restores objects of every kind. */
    clusterAdministrator: Type.Boolean(),
  }),
});
export type VeleroValues = Static<typeof VeleroValues>;

export class Velero extends Blueprint<typeof VeleroValues> {
  public static readonly spec = blueprintSpec({
    name: 'velero',
    version: '1.0.0',
    slot: 34,
    section: 'pts-3-observability',
    card: {
      title: 'Velero',
      summary: "Kubernetes-native backup and disaster recovery into the Sovereign's own S3 object storage.",
      category: 'infrastructure',
      tags: ['insights', 'backup'],
      documentation: 'https://velero.io/docs/',
      license: 'Apache-2.0',
    },
    visibility: 'unlisted',
    upstream: [VELERO_CHART],
    namespace: 'velero',
    releaseName: 'velero',
    depends: [SeaweedFs],
    values: VeleroValues,
    defaults: {
      image: { repository: 'docker.io/velero/velero', tag: 'v1.18.0' },
      imagePullPolicy: 'IfNotPresent',
      kubectlImage: { repository: 'registry.k8s.io/kubectl' },
      awsPlugin: { repository: 'velero/velero-plugin-for-aws', tag: 'v1.14.0' },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      metricsEndpoint: true,
      monitoring: { serviceMonitor: false, nodeAgentPodMonitor: false, prometheusRule: false },
      upgradeCRDs: true,
      cleanUpCRDs: false,
      backups: { enabled: false, bucket: 'velero' },
      snapshotsEnabled: false,
      deployNodeAgent: false,
      serviceAccountName: 'velero',
      rbac: { create: true, clusterAdministrator: true },
    },
    providesApis: ['velero.io/v1', 'velero.io/v2alpha1'],
    // Backups go to bp-seaweedfs only (a dependency: the namespace flow follows from the graph).
    podSecurity: {
      level: 'baseline',
      reason: 'the velero chart sets no pod or container securityContext on the server, its CRD-upgrade Job or the plugin init container; baseline still forbids privileged pods and host access',
    },
  });

  private imageRef(i: Image): string {
    return `${i.repository}:${i.tag}${i.digest ? `@${i.digest}` : ''}`;
  }

  /** The backup location (BackupStorageLocation `default`), or undefined while backups are off. */
  public get backupLocation(): { readonly name: string; readonly bucket: string; readonly s3Url: string } | undefined {
    const b = this.values.backups;
    if (!b.enabled) return undefined;
    return { name: 'default', bucket: b.bucket, s3Url: this.dependency(SeaweedFs).s3Endpoint };
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    const m = v.monitoring;
    const plugin = {
      name: 'velero-plugin-for-aws',
      image: this.imageRef(v.awsPlugin),
      imagePullPolicy: v.imagePullPolicy,
      volumeMounts: [{ mountPath: '/target', name: 'plugins' }],
    };
    const values: Record<string, unknown> = {
      image: {
        repository: v.image.repository,
        tag: v.image.tag,
        ...(v.image.digest ? { digest: v.image.digest } : {}),
        pullPolicy: v.imagePullPolicy,
      },
      kubectl: { image: { repository: v.kubectlImage.repository, ...(v.kubectlImage.tag ? { tag: v.kubectlImage.tag } : {}) } },
      initContainers: [plugin],
      resources: v.resources,
      metrics: {
        enabled: v.metricsEndpoint,
        serviceMonitor: { autodetect: false, enabled: m.serviceMonitor },
        nodeAgentPodMonitor: { autodetect: false, enabled: m.nodeAgentPodMonitor },
        prometheusRule: { autodetect: false, enabled: m.prometheusRule },
      },
      upgradeCRDs: v.upgradeCRDs,
      cleanUpCRDs: v.cleanUpCRDs,
      configuration: {
        backupStorageLocation: [UNSET_BACKUP_LOCATION],
        volumeSnapshotLocation: [UNSET_SNAPSHOT_LOCATION],
      },
      backupsEnabled: v.backups.enabled,
      snapshotsEnabled: v.snapshotsEnabled,
      deployNodeAgent: v.deployNodeAgent,
      // The chart's empty `velero` Secret: nothing is put in it (no credentials in values).
      credentials: { useSecret: true, existingSecret: '', secretContents: {} },
      serviceAccount: { server: { create: true, name: v.serviceAccountName } },
      rbac: { create: v.rbac.create, clusterAdministrator: v.rbac.clusterAdministrator },
    };
    return v.backups.enabled ? { ...values, ...this.backupValues(plugin) } : values;
  }

  /**
   * The values that turn backups on. The S3 plugin reads an AWS credentials file; the keys
   * SeaweedFS generated are copied into this namespace (`credentialsFor`, in overlays) and an
   * init container writes them as that file into an in-memory volume, so the keys exist only
   * in-cluster: not in Git, not in the Helm values, not in the chart's Secret.
   */
  private backupValues(plugin: PlainObject): PlainObject {
    const v = this.values;
    const seaweed = this.dependency(SeaweedFs);
    const keys = seaweed.consumerCredentials;
    const location = this.backupLocation!;
    const fromSecret = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: keys.secretName, key } } });
    // Plain `$NAME` shell variables: Flux's post-build substitution only touches the braced form.
    const script = [
      'set -eu',
      'umask 022',
      `printf '[default]\\naws_access_key_id=%s\\naws_secret_access_key=%s\\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" > ${VELERO_AWS_CREDENTIALS_FILE}`,
    ].join('\n');
    const credentialsWriter = {
      name: 'aws-credentials',
      image: this.imageRef(SECRET_GENERATOR_IMAGE),
      imagePullPolicy: v.imagePullPolicy,
      command: ['/bin/sh', '-c', script],
      env: [fromSecret('AWS_ACCESS_KEY_ID', keys.accessKeyIdKey), fromSecret('AWS_SECRET_ACCESS_KEY', keys.secretAccessKeyKey)],
      volumeMounts: [{ mountPath: '/aws', name: 'aws-credentials' }],
      resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } },
      // The image's user (curl_user, 100) by number, so the kubelet can check runAsNonRoot.
      securityContext: { runAsNonRoot: true, runAsUser: 100, runAsGroup: 101, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    };
    return {
      initContainers: [plugin, credentialsWriter],
      extraVolumes: [{ name: 'aws-credentials', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }],
      extraVolumeMounts: [{ name: 'aws-credentials', mountPath: '/aws', readOnly: true }],
      configuration: {
        backupStorageLocation: [{
          name: location.name,
          provider: 'aws',
          bucket: location.bucket,
          ...(v.backups.prefix ? { prefix: v.backups.prefix } : {}),
          default: true,
          accessMode: 'ReadWrite',
          // SeaweedFS ignores the region (S3Bucket.region); the AWS SDK requires one. Paths, not virtual hosts.
          config: { region: 'us-east-1', s3ForcePathStyle: 'true', s3Url: location.s3Url },
        }],
        volumeSnapshotLocation: [UNSET_SNAPSHOT_LOCATION],
        extraEnvVars: { AWS_SHARED_CREDENTIALS_FILE: VELERO_AWS_CREDENTIALS_FILE },
      },
      // No chart Secret: the credentials file comes from the init container.
      credentials: { useSecret: false, existingSecret: '', secretContents: {} },
    };
  }

  protected overlays(scope: Chart): void {
    if (!this.values.backups.enabled) return;
    const seaweed = this.dependency(SeaweedFs);
    // The bucket (a Job in SeaweedFS's namespace) and the copy of the S3 keys in this namespace.
    seaweed.bucket(scope, this, this.values.backups.bucket);
    seaweed.credentialsFor(scope, this);
  }

  public outputs(): { readonly [name: string]: string } {
    const location = this.backupLocation;
    return location ? { backupStorageLocation: location.name, backupBucket: location.bucket } : {};
  }
}
