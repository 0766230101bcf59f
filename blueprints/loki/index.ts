/**
 * bp-loki (kit slot 22): Grafana Loki in single-binary mode, the Sovereign's log store.
 *
 * Storage: `filesystem` (the PVC, as upstream curated) or `seaweedfs` (buckets on
 * bp-seaweedfs's S3 gateway, endpoint and keys from that Blueprint's typed outputs; Loki reads
 * the keys from the environment, so no key appears in its configuration). Choose at install:
 * switching an existing Loki needs a new schema period.
 *
 * `queryEndpoint` is what Grafana's Loki datasource points at.
 */
import { Static, Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import { Blueprint, blueprintSpec, helmChart, helmFullname, UpstreamChart } from '../../src/blueprint';
import { Image, oneOf, Quantity, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { bitnamiImage } from '../keycloak';
import { SeaweedFs } from '../seaweedfs';

export const LOKI_CHART = helmChart('loki', '7.0.0', 'https://grafana.github.io/helm-charts');

/** Loki's HTTP port (`loki.server.http_listen_port`, chart default). */
export const LOKI_HTTP_PORT = 3100;

/** A bucket name (also a directory name in filesystem mode). */
const BucketName = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$' });

export const LokiValues = strictObject({
  /** Require the X-Scope-OrgID header (multi-tenancy). */
  authEnabled: Type.Boolean(),
  replicationFactor: Type.Integer({ minimum: 1, maximum: 5 }),
  /** The index schema period in force since `from`. */
  schema: strictObject({
    from: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
    store: oneOf('tsdb', 'boltdb-shipper'),
    schema: oneOf('v13', 'v12', 'v11'),
    indexPrefix: Type.String({ pattern: '^[a-z0-9_]+$' }),
    period: Type.String({ pattern: '^[0-9]+h$' }),
  }),
  storage: strictObject({
    backend: oneOf('filesystem', 'seaweedfs'),
    buckets: strictObject({ chunks: BucketName, ruler: BucketName, admin: BucketName }),
    /** Prefix of the bucket names on bp-seaweedfs, so they cannot collide with another Blueprint's. */
    s3BucketPrefix: Type.String({ pattern: '^([a-z0-9][a-z0-9-]{0,20})?$' }),
  }),
  image: Image,
  singleBinary: strictObject({
    replicas: Type.Integer({ minimum: 1, maximum: 5 }),
    persistence: strictObject({ enabled: Type.Boolean(), size: Quantity }),
    resources: Resources,
  }),
  /** Observability toggles: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({
    serviceMonitor: Type.Boolean(),
    dashboards: Type.Boolean(),
    rules: Type.Boolean(),
    selfMonitoring: Type.Boolean(),
    canary: Type.Boolean(),
  }),
});
export type LokiValues = Static<typeof LokiValues>;

export class Loki extends Blueprint<typeof LokiValues> {
  public static readonly spec = blueprintSpec({
    name: 'loki',
    version: '1.0.0',
    slot: 22,
    section: 'pts-3-observability',
    card: {
      title: 'Grafana Loki',
      summary: 'Log aggregation indexed by labels: every pod\'s logs, queryable from Grafana with LogQL.',
      documentation: 'https://grafana.com/docs/loki/latest/',
      license: 'AGPL-3.0-only',
    },
    visibility: 'unlisted',
    upstream: [LOKI_CHART],
    namespace: 'loki',
    releaseName: 'loki',
    depends: [SeaweedFs],
    install: { timeout: '15m' },
    network: {
      // Log shippers (Alloy, applications) push from any namespace.
      ingressFromCluster: [{ port: LOKI_HTTP_PORT }],
    },
    values: LokiValues,
    defaults: {
      authEnabled: false,
      replicationFactor: 1,
      schema: { from: '2024-04-01', store: 'tsdb', schema: 'v13', indexPrefix: 'loki_index_', period: '24h' },
      storage: { backend: 'filesystem', buckets: { chunks: 'chunks', ruler: 'ruler', admin: 'admin' }, s3BucketPrefix: 'loki-' },
      image: { repository: 'docker.io/grafana/loki', tag: '3.6.7' },
      singleBinary: {
        replicas: 1,
        persistence: { enabled: true, size: '10Gi' },
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      },
      monitoring: { serviceMonitor: false, dashboards: false, rules: false, selfMonitoring: false, canary: false },
    },
  });

  /** Name of the single-binary Service (the chart's fullname). */
  public get serviceName(): string {
    return helmFullname(this.releaseName, LOKI_CHART.chart);
  }

  /** In-cluster URL Grafana's Loki datasource queries, e.g. `http://loki.loki.svc.cluster.local:3100`. */
  public get queryEndpoint(): string {
    return `http://${this.serviceName}.${this.namespace}.svc.cluster.local:${LOKI_HTTP_PORT}`;
  }

  /** Push URL for log shippers. */
  public get pushEndpoint(): string {
    return `${this.queryEndpoint}/loki/api/v1/push`;
  }

  /** The S3 bucket names used on bp-seaweedfs. */
  public get s3Buckets(): { readonly chunks: string; readonly ruler: string; readonly admin: string } {
    const { buckets, s3BucketPrefix: p } = this.values.storage;
    return { chunks: `${p}${buckets.chunks}`, ruler: `${p}${buckets.ruler}`, admin: `${p}${buckets.admin}` };
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    const s3 = v.storage.backend === 'seaweedfs';
    const m = v.monitoring;
    const off = { enabled: false };
    let storage: PlainObject = { type: 'filesystem', bucketNames: { ...v.storage.buckets } };
    let extraEnv: PlainObject[] | undefined;
    if (s3) {
      const seaweedfs = this.dependency(SeaweedFs);
      storage = {
        type: 's3',
        bucketNames: { ...this.s3Buckets },
        // No keys here: Loki's S3 client takes them from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.
        s3: { endpoint: seaweedfs.s3HostPort, region: 'us-east-1', s3ForcePathStyle: true, insecure: true },
      };
      extraEnv = seaweedfs.consumerKeyEnv;
    }
    return {
      deploymentMode: 'SingleBinary',
      loki: {
        auth_enabled: v.authEnabled,
        commonConfig: { replication_factor: v.replicationFactor },
        schemaConfig: {
          configs: [{
            from: v.schema.from,
            store: v.schema.store,
            object_store: s3 ? 's3' : 'filesystem',
            schema: v.schema.schema,
            index: { prefix: v.schema.indexPrefix, period: v.schema.period },
          }],
        },
        storage,
        image: { ...bitnamiImage(v.image), pullPolicy: 'IfNotPresent' },
        // Deliberate addition: the chart's pod security context (non-root uid 10001) lacks a seccomp
        // profile, which the namespace's `restricted` Pod Security level requires. Helm merges it in.
        podSecurityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      },
      singleBinary: {
        replicas: v.singleBinary.replicas,
        persistence: { enabled: v.singleBinary.persistence.enabled, size: v.singleBinary.persistence.size },
        resources: v.singleBinary.resources,
        ...(extraEnv ? { extraEnv } : {}),
      },
      // Single-binary mode: the simple-scalable targets stay at zero.
      read: { replicas: 0 },
      write: { replicas: 0 },
      backend: { replicas: 0 },
      gateway: off,
      chunksCache: off,
      resultsCache: off,
      lokiCanary: { enabled: m.canary },
      test: off,
      minio: off,
      monitoring: {
        dashboards: { enabled: m.dashboards },
        rules: { enabled: m.rules },
        serviceMonitor: { enabled: m.serviceMonitor },
        selfMonitoring: { enabled: m.selfMonitoring, grafanaAgent: { installOperator: false } },
        lokiCanary: { enabled: m.canary },
      },
    };
  }

  protected overlays(scope: Chart): void {
    if (this.values.storage.backend !== 'seaweedfs') return;
    const seaweedfs = this.dependency(SeaweedFs);
    for (const bucket of Object.values(this.s3Buckets)) seaweedfs.bucket(scope, this, bucket);
    seaweedfs.credentialsFor(scope, this);
  }

  public outputs(): { readonly [name: string]: string } {
    return { queryEndpoint: this.queryEndpoint, pushEndpoint: this.pushEndpoint };
  }
}
