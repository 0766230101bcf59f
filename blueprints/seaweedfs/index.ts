/**
 * bp-seaweedfs (kit slot 18): the Sovereign's object store. SeaweedFS master, volume servers, a
 * filer, and an S3 gateway with authentication; Harbor, Langfuse and (optionally) Loki, Mimir and
 * Tempo keep their objects here.
 *
 * Consumers never copy its Service names: `s3Endpoint` gives the URL, `bucket()` creates a
 * bucket and returns where it is, and `credentialsFor()` copies the S3 keys into the consumer's
 * namespace. The keys themselves are generated in-cluster by the chart (Secret
 * `<fullname>-s3-secret`, a pre-install hook kept across upgrades through `lookup`); nothing
 * secret is written to Git.
 */
import { Static, Type } from '@sinclair/typebox';
import { ApiObject, Chart } from 'cdk8s';
import { IntOrString, KubeJob, KubeNetworkPolicy, Quantity as K8sQuantity } from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { Blueprint, blueprintSpec, helmChart, helmFullname, UpstreamChart } from '../../src/blueprint';
import { CatalystError } from '../../src/errors';
import { ImageTag, Quantity, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';
import { Flux } from '../flux';
import { appLabels, GeneratedSecret, SECRET_GENERATOR_IMAGE } from '../keycloak';

export const SEAWEEDFS_CHART = helmChart('seaweedfs', '4.22.0', 'https://seaweedfs.github.io/seaweedfs/helm');

/** Port every component serves Prometheus metrics on (`*.metricsPort`, as curated). */
export const SEAWEEDFS_METRICS_PORT = 9327;

/** Where a consumer stores objects: one bucket on the S3 gateway. */
export interface S3Bucket {
  readonly name: string;
  /** `http://<service>.<namespace>.svc.cluster.local:<port>` */
  readonly endpoint: string;
  /** `<service>.<namespace>.svc.cluster.local:<port>` (for clients that take host:port). */
  readonly hostPort: string;
  /** SeaweedFS ignores the region; clients that insist on one get this. */
  readonly region: string;
  /** SeaweedFS serves buckets as paths, not as virtual hosts. */
  readonly forcePathStyle: true;
  /** The in-cluster endpoint is plain HTTP (Cilium encrypts pod traffic with WireGuard). */
  readonly insecure: true;
}

/** The S3 access keys, copied into a consumer's namespace. */
export interface S3Credentials {
  readonly secretName: string;
  readonly accessKeyIdKey: string;
  readonly secretAccessKeyKey: string;
}

/** A PVC-backed data directory of one component. */
const Data = strictObject({
  size: Quantity,
  /** StorageClass; '' uses the cluster default. */
  storageClass: Type.String({ pattern: '^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$' }),
});

export const SeaweedFsValues = strictObject({
  image: strictObject({
    /** Registry prefix the chart prepends, with its trailing '/'. */
    registry: Type.String({ pattern: '^[a-z0-9]([-a-z0-9.:/]*[a-z0-9])?/$' }),
    name: Type.String({ pattern: '^[a-z0-9]([-a-z0-9._/]*[a-z0-9])?$' }),
    tag: ImageTag,
  }),
  /**
   * mTLS between components (certificates from cert-manager). Off: the chart renders it with
   * `fromToml`, which the cluster's helm-controller does not support (upstream b8d7a8b).
   */
  enableSecurity: Type.Boolean(),
  /** Passed to the chart as the upstream curated it. */
  enableNamePrefix: Type.Boolean(),
  /** Default replica placement, `<dc><rack><server>` copies; "000" keeps one copy. */
  replicationPlacement: Type.String({ pattern: '^[0-9]{3}$' }),
  /** Host directory under which components write their logs (`logs.type: hostPath`). */
  logsHostPathPrefix: Type.String({ pattern: '^/[^\\s]*$' }),
  master: strictObject({
    /** Raft voters (odd). */
    replicas: Type.Integer({ minimum: 1, maximum: 7 }),
    data: Data,
    /** Size at which a volume is sealed. */
    volumeSizeLimitMB: Type.Integer({ minimum: 1, maximum: 30000 }),
    volumePreallocate: Type.Boolean(),
    resources: Resources,
  }),
  volume: strictObject({
    replicas: Type.Integer({ minimum: 1, maximum: 100 }),
    data: Data,
    /** Volumes per data directory; 0 lets SeaweedFS decide from free space. */
    maxVolumes: Type.Integer({ minimum: 0 }),
    /** Seconds an idle connection stays open. */
    idleTimeout: Type.Integer({ minimum: 1 }),
    resources: Resources,
  }),
  filer: strictObject({
    replicas: Type.Integer({ minimum: 1, maximum: 10 }),
    data: Data,
    resources: Resources,
  }),
  /** The standalone S3 gateway. */
  s3: strictObject({
    enabled: Type.Boolean(),
    replicas: Type.Integer({ minimum: 1, maximum: 10 }),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    /** Require signed requests (keys in the chart-generated Secret). */
    enableAuth: Type.Boolean(),
    allowEmptyFolder: Type.Boolean(),
    resources: Resources,
  }),
  /** Observability toggles: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({
    /** Metrics ports on every component (`global.monitoring.enabled`). */
    metrics: Type.Boolean(),
    /**
     * A ServiceMonitor for those ports (turns `metrics` on). Dropped with a warning when no
     * installed Blueprint provides monitoring.coreos.com/v1.
     */
    serviceMonitor: Type.Boolean(),
    serviceMonitorInterval: Type.String({ pattern: '^[0-9]+(s|m)$' }),
  }),
  /**
   * An extra allow on top of the namespace's default-deny baseline, which admits only the
   * Blueprints that depend on bp-seaweedfs: the S3 port (and the metrics port, when monitoring
   * is on) from every namespace, for consumers outside the Blueprint graph such as tenant
   * Applications. Master, volume and filer stay reachable from this namespace only.
   */
  networkPolicy: strictObject({ enabled: Type.Boolean() }),
});
export type SeaweedFsValues = Static<typeof SeaweedFsValues>;

/** Name of the copy of the S3 keys in a consumer's namespace. */
export const S3_CREDENTIALS_SECRET = 'seaweedfs-s3-credentials';

const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** Keys of the chart's S3 Secret that hold the admin identity. */
const ACCESS_KEY = 'admin_access_key_id';
const SECRET_KEY = 'admin_secret_access_key';

/** The SeaweedFS master's maintenance script, as curated upstream. */
export const MASTER_MAINTENANCE_CONFIG = [
  '[master.maintenance]',
  'scripts = """',
  '  lock',
  '  ec.encode -fullPercent=95 -quietFor=1h',
  '  ec.rebuild -force',
  '  ec.balance -force',
  '  volume.deleteEmpty -quietFor=24h -force',
  '  volume.balance -force',
  '  volume.fix.replication',
  '  s3.clean.uploads -timeAgo=24h',
  '  unlock',
  '"""',
  'sleep_minutes = 17',
].join('\n');

export class SeaweedFs extends Blueprint<typeof SeaweedFsValues> {
  public static readonly spec = blueprintSpec({
    name: 'seaweedfs',
    // One version for blueprint.yaml, the chart and the kit pin: upstream had 1.0.0 vs 1.0.1 (§10 #4).
    version: '1.0.1',
    slot: 18,
    section: 'pts-3-5-storage-and-data',
    card: {
      title: 'SeaweedFS',
      summary: 'S3-compatible object storage for the Sovereign: registry blobs, traces, logs and application objects stay in-region.',
      documentation: 'https://github.com/seaweedfs/seaweedfs/wiki',
      license: 'Apache-2.0',
    },
    visibility: 'unlisted',
    upstream: [SEAWEEDFS_CHART],
    namespace: 'seaweedfs',
    releaseName: 'seaweedfs',
    // The kit HelmRelease waited for both; the upstream blueprint.yaml listed only cert-manager.
    depends: [Flux, CertManager],
    values: SeaweedFsValues,
    defaults: {
      image: { registry: 'chrislusf/', name: 'seaweedfs', tag: '4.22' },
      enableSecurity: false,
      enableNamePrefix: true,
      replicationPlacement: '000',
      logsHostPathPrefix: '/storage',
      master: {
        replicas: 1,
        data: { size: '10Gi', storageClass: '' },
        volumeSizeLimitMB: 30000,
        volumePreallocate: false,
        resources: { requests: { memory: '256Mi', cpu: '100m' }, limits: { memory: '1Gi', cpu: '1' } },
      },
      volume: {
        replicas: 3,
        data: { size: '100Gi', storageClass: '' },
        maxVolumes: 0,
        idleTimeout: 30,
        resources: { requests: { memory: '1Gi', cpu: '500m' }, limits: { memory: '4Gi', cpu: '2' } },
      },
      filer: {
        replicas: 1,
        data: { size: '8Gi', storageClass: '' },
        resources: { requests: { memory: '256Mi', cpu: '100m' }, limits: { memory: '1Gi', cpu: '1' } },
      },
      s3: {
        enabled: true,
        replicas: 2,
        port: 8333,
        enableAuth: true,
        allowEmptyFolder: false,
        resources: { requests: { memory: '256Mi', cpu: '100m' }, limits: { memory: '1Gi', cpu: '1' } },
      },
      monitoring: { metrics: false, serviceMonitor: false, serviceMonitorInterval: '30s' },
      networkPolicy: { enabled: false },
    },
    placement: { modes: ['single-region'], default: 'single-region' },
    podSecurity: {
      level: 'privileged',
      reason: 'master, volume and filer write their logs to hostPath volumes under logsHostPathPrefix (logs.type: hostPath, as curated); hostPath is forbidden below privileged',
    },
    upgradesFrom: ['0.x'],
  });

  /** The chart's fullname, prefix of every Service and Secret it creates. */
  public get fullname(): string {
    return helmFullname(this.releaseName, SEAWEEDFS_CHART.chart);
  }

  /** Port of the S3 gateway's Service. */
  public get s3Port(): number {
    return this.values.s3.port;
  }

  /** `<service>.<namespace>.svc.cluster.local:<port>` of the S3 gateway. */
  public get s3HostPort(): string {
    return `${this.fullname}-s3.${this.namespace}.svc.cluster.local:${this.s3Port}`;
  }

  /** In-cluster URL of the S3 gateway, e.g. `http://seaweedfs-s3.seaweedfs.svc.cluster.local:8333`. */
  public get s3Endpoint(): string {
    return `http://${this.s3HostPort}`;
  }

  /** The chart-generated Secret with the S3 admin keys, in this Blueprint's namespace. */
  public get s3Secret(): S3Credentials & { readonly namespace: string } {
    return { namespace: this.namespace, secretName: `${this.fullname}-s3-secret`, accessKeyIdKey: ACCESS_KEY, secretAccessKeyKey: SECRET_KEY };
  }

  /**
   * Creates bucket `name` on the S3 gateway (a Job in this namespace that PUTs it with the admin
   * keys, idempotent) and returns where it is. Call it from the consumer's `overlays()` scope;
   * the Job is part of the consumer's objects.
   */
  public bucket(scope: Construct, consumer: Blueprint, name: string): S3Bucket {
    this.requireS3(consumer, `bucket ${JSON.stringify(name)}`);
    if (!BUCKET.test(name)) {
      throw CatalystError.at(consumer.path, `bucket name ${JSON.stringify(name)} must be 3-63 lowercase letters, digits or '-', starting and ending with a letter or digit`);
    }
    const secret = this.s3Secret;
    const jobName = `s3-bucket-${name}`.slice(0, 63).replace(/-+$/, '');
    const labels = appLabels('seaweedfs', this.releaseName, 'bucket', this.spec.version);
    const url = `${this.s3Endpoint}/${name}`;
    const script = [
      'set -eu',
      'i=0',
      'while :; do',
      // SigV4 signing by curl itself; SeaweedFS accepts any region in the scope.
      `  code=$(curl -sS -o /dev/null -w '%{http_code}' -X PUT --aws-sigv4 'aws:amz:us-east-1:s3' --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" '${url}' || echo 000)`,
      '  case "$code" in',
      `    200) echo "created bucket ${name}"; exit 0 ;;`,
      `    409) echo "bucket ${name} exists"; exit 0 ;;`,
      '  esac',
      '  i=$((i + 1))',
      `  if [ "$i" -ge 120 ]; then echo "gave up creating bucket ${name} (HTTP $code)" >&2; exit 1; fi`,
      '  echo "S3 gateway answered HTTP $code; retrying"',
      '  sleep 10',
      'done',
    ].join('\n') + '\n';
    new KubeJob(scope, `s3-bucket-${name}`, {
      metadata: {
        name: jobName,
        namespace: this.namespace,
        labels: { ...labels, 'catalyst.openova.io/bucket-owner': consumer.publishedName },
        annotations: {
          'kustomize.toolkit.fluxcd.io/force': 'enabled',
          'kustomize.toolkit.fluxcd.io/substitute': 'disabled',
        },
      },
      spec: {
        backoffLimit: 3,
        activeDeadlineSeconds: 1800,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: 'OnFailure',
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 100, runAsGroup: 101, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{
              name: 'create-bucket',
              image: `${SECRET_GENERATOR_IMAGE.repository}:${SECRET_GENERATOR_IMAGE.tag}`,
              imagePullPolicy: 'IfNotPresent',
              command: ['/bin/sh', '-c', script],
              env: [
                { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: secret.secretName, key: secret.accessKeyIdKey } } },
                { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: secret.secretName, key: secret.secretAccessKeyKey } } },
              ],
              resources: {
                requests: { cpu: K8sQuantity.fromString('10m'), memory: K8sQuantity.fromString('16Mi') },
                limits: { memory: K8sQuantity.fromString('64Mi') },
              },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
            }],
          },
        },
      },
    });
    return { name, endpoint: this.s3Endpoint, hostPort: this.s3HostPort, region: 'us-east-1', forcePathStyle: true, insecure: true };
  }

  /** Where a consumer reads the S3 keys once `credentialsFor()` copied them into its namespace. */
  public get consumerCredentials(): S3Credentials {
    return { secretName: S3_CREDENTIALS_SECRET, accessKeyIdKey: ACCESS_KEY, secretAccessKeyKey: SECRET_KEY };
  }

  /**
   * Container environment that gives an S3 client the keys copied by `credentialsFor()`: the
   * AWS SDKs (and minio-go) read AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY when their
   * configuration names no keys, so none appears in a ConfigMap or in Helm values.
   */
  public get consumerKeyEnv(): PlainObject[] {
    const c = this.consumerCredentials;
    return [
      { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: c.secretName, key: c.accessKeyIdKey } } },
      { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: c.secretName, key: c.secretAccessKeyKey } } },
    ];
  }

  /**
   * Copies the S3 keys into `namespace` (the consumer's by default) as Secret
   * `seaweedfs-s3-credentials` (see `consumerCredentials`), in-cluster and once (a Pod reads Secrets of its own namespace
   * only). Call it from the consumer's `overlays()` scope.
   */
  public credentialsFor(scope: Construct, consumer: Blueprint, namespace: string = consumer.namespace): S3Credentials {
    this.requireS3(consumer, 'S3 credentials');
    const secret = this.s3Secret;
    const copy = new GeneratedSecret(scope, S3_CREDENTIALS_SECRET, {
      namespace,
      secretName: S3_CREDENTIALS_SECRET,
      mirrorOf: { namespace: secret.namespace, secretName: secret.secretName, keys: [secret.accessKeyIdKey, secret.secretAccessKeyKey] },
      labels: appLabels(consumer.name, consumer.releaseName, 's3-credentials', consumer.spec.version),
    });
    return { secretName: copy.secretName, accessKeyIdKey: secret.accessKeyIdKey, secretAccessKeyKey: secret.secretAccessKeyKey };
  }

  private requireS3(consumer: Blueprint, what: string): void {
    const s3 = this.values.s3;
    if (!s3.enabled || !s3.enableAuth) {
      throw CatalystError.at(`${this.path}.values.s3`, `${consumer.publishedName} needs ${what} from the S3 gateway with authentication; set s3.enabled and s3.enableAuth to true`);
    }
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    const metrics = v.monitoring.metrics || v.monitoring.serviceMonitor;
    const logs = { type: 'hostPath', size: '', storageClass: '', hostPathPrefix: v.logsHostPathPrefix };
    const security = {
      podSecurityContext: { enabled: true, fsGroup: 1000 },
      securityContext: { enabled: true, runAsUser: 1000, runAsNonRoot: true, readOnlyRootFilesystem: false },
    };
    // Per-component image keys stay null: every component runs the global image.
    const image = { repository: null, imageName: null, imageTag: null, imageOverride: null, restartPolicy: null };
    const placement = { nodeSelector: null, affinity: null, tolerations: null };
    const pvc = (d: SeaweedFsValues['master']['data']) => ({ type: 'persistentVolumeClaim', size: d.size, storageClass: d.storageClass });
    return {
      enableNamePrefix: v.enableNamePrefix,
      global: {
        enableSecurity: v.enableSecurity,
        registry: v.image.registry,
        repository: '',
        imageName: v.image.name,
        imageTag: v.image.tag,
        imagePullPolicy: 'IfNotPresent',
        serviceAccountName: 'seaweedfs',
        // (sic) the chart's own spelling of the key.
        replicationPlacment: v.replicationPlacement,
        monitoring: { enabled: metrics, gatewayHost: null, gatewayPort: null },
      },
      master: {
        enabled: true,
        ...image,
        replicas: v.master.replicas,
        port: 9333,
        grpcPort: 19333,
        metricsPort: SEAWEEDFS_METRICS_PORT,
        ipBind: '0.0.0.0',
        volumePreallocate: v.master.volumePreallocate,
        volumeSizeLimitMB: v.master.volumeSizeLimitMB,
        loggingOverrideLevel: null,
        data: pvc(v.master.data),
        logs,
        resources: v.master.resources,
        ...placement,
        config: MASTER_MAINTENANCE_CONFIG,
        ...security,
      },
      volume: {
        enabled: true,
        ...image,
        replicas: v.volume.replicas,
        port: 8080,
        grpcPort: 18080,
        metricsPort: SEAWEEDFS_METRICS_PORT,
        ipBind: '0.0.0.0',
        dataDirs: [{ name: 'data', ...pvc(v.volume.data), maxVolumes: v.volume.maxVolumes }],
        logs,
        idleTimeout: v.volume.idleTimeout,
        resources: v.volume.resources,
        ...placement,
        ...security,
      },
      filer: {
        enabled: true,
        ...image,
        replicas: v.filer.replicas,
        port: 8888,
        grpcPort: 18888,
        metricsPort: SEAWEEDFS_METRICS_PORT,
        ipBind: '0.0.0.0',
        // The filer's embedded S3 stays off: the standalone gateway below serves S3.
        s3: { enabled: false, port: 8333, enableAuth: false, skipAuthSecretCreation: false },
        webdav: { enabled: false },
        data: pvc(v.filer.data),
        logs,
        extraVolumes: '',
        extraVolumeMounts: '',
        notificationConfig: null,
        extraEnvironmentVars: { WEED_LEVELDB2_ENABLED: 'true' },
        resources: v.filer.resources,
        ...placement,
        ...security,
      },
      s3: {
        enabled: v.s3.enabled,
        ...image,
        replicas: v.s3.replicas,
        port: v.s3.port,
        httpsPort: 0,
        metricsPort: SEAWEEDFS_METRICS_PORT,
        allowEmptyFolder: v.s3.allowEmptyFolder,
        enableAuth: v.s3.enableAuth,
        // The chart generates the keys (in-cluster, kept across upgrades).
        skipAuthSecretCreation: false,
        s3ConfigContents: '',
        extraEnvironmentVars: { WEED_FILER_BUCKETS_FOLDER: '/buckets' },
        resources: v.s3.resources,
        serviceType: 'ClusterIP',
        ...placement,
        // The chart's own ServiceMonitor stays off; the overlay's is gated on the CRD.
        metricsServiceMonitor: { enabled: false },
        ...security,
      },
      cosi: { enabled: false },
      certificates: {
        commonName: 'SeaweedFS CA',
        keySize: 2048,
        duration: '2160h',
        renewBefore: '360h',
        issuer: { name: '', kind: 'ClusterIssuer' },
      },
    };
  }

  protected overlays(scope: Chart): void {
    const v = this.values;
    const selector = { 'app.kubernetes.io/name': SEAWEEDFS_CHART.chart, 'app.kubernetes.io/instance': this.releaseName };
    if (v.networkPolicy.enabled) {
      // Component labels are the chart's; the name avoids the namespace baseline's policy names.
      const tcp = (port: number) => ({ protocol: 'TCP', port: IntOrString.fromNumber(port) });
      new KubeNetworkPolicy(scope, 'network-policy', {
        metadata: { name: this.fullname, labels: appLabels('seaweedfs', this.releaseName, 'network-policy', this.spec.version) },
        spec: {
          podSelector: { matchLabels: selector },
          policyTypes: ['Ingress'],
          ingress: [
            // Consumers in any namespace reach the S3 gateway's port (only that port).
            { from: [{ namespaceSelector: {} }], ports: [tcp(v.s3.port)] },
            // Prometheus, wherever it runs, scrapes the metrics port.
            ...(v.monitoring.metrics || v.monitoring.serviceMonitor
              ? [{ from: [{ namespaceSelector: {} }], ports: [tcp(SEAWEEDFS_METRICS_PORT)] }]
              : []),
          ],
        },
      });
    }
    if (v.monitoring.serviceMonitor) {
      this.optional(new ApiObject(scope, 'service-monitor', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { name: this.fullname, labels: appLabels('seaweedfs', this.releaseName, 'monitoring', this.spec.version) },
        spec: {
          selector: { matchLabels: { 'app.kubernetes.io/name': SEAWEEDFS_CHART.chart } },
          namespaceSelector: { matchNames: [this.namespace] },
          endpoints: [{ port: 'metrics', path: '/metrics', interval: v.monitoring.serviceMonitorInterval }],
        },
      }));
    }
  }

  public outputs(): { readonly [name: string]: string } {
    return this.values.s3.enabled ? { s3Endpoint: this.s3Endpoint, s3Secret: this.s3Secret.secretName } : {};
  }
}
