/**
 * bp-mimir (kit slot 23): Grafana Mimir (microservices chart, one replica per component), the
 * Sovereign's long-term Prometheus metrics store.
 *
 * Object storage: `minio` (the chart's bundled MinIO, as upstream curated) or `seaweedfs`
 * (three buckets on bp-seaweedfs's S3 gateway, endpoint and keys from that Blueprint's typed
 * outputs; Mimir reads the keys from the environment). Choose at install.
 *
 * `queryEndpoint` is what Grafana's Prometheus datasource points at (through the gateway).
 */
import { Static, Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import { Blueprint, blueprintSpec, helmChart, helmFullname, UpstreamChart } from '../../src/blueprint';
import { CatalystError } from '../../src/errors';
import { Image, oneOf } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { SeaweedFs } from '../seaweedfs';

export const MIMIR_CHART = helmChart('mimir-distributed', '6.0.6', 'https://grafana.github.io/helm-charts');

/** The chart's name infix: its objects are `<release>-<component>` when the release contains it. */
const MIMIR_INFIX = 'mimir';
/** Port of the query-frontend when the gateway is off (`server.http_listen_port`). */
const MIMIR_HTTP_PORT = 8080;

const Replicas = Type.Integer({ minimum: 1, maximum: 50 });

export const MimirValues = strictObject({
  image: Image,
  /** Replicas of each Mimir component. */
  replicas: strictObject({
    alertmanager: Replicas,
    distributor: Replicas,
    ingester: Replicas,
    querier: Replicas,
    queryFrontend: Replicas,
    queryScheduler: Replicas,
    storeGateway: Replicas,
    compactor: Replicas,
    ruler: Replicas,
    overridesExporter: Replicas,
    gateway: Replicas,
    rolloutOperator: Replicas,
  }),
  /** Spread alertmanager, ingester and store-gateway replicas over zones (needs 3+ replicas). */
  zoneAwareReplication: Type.Boolean(),
  /** The nginx gateway in front of the read and write paths (what Grafana and remote-write use). */
  gateway: Type.Boolean(),
  /** The rollout-operator that coordinates zone-aware rollouts. */
  rolloutOperator: Type.Boolean(),
  /** Ingest through Kafka (Mimir's ingest-storage architecture); off: classic ingesters. */
  kafka: Type.Boolean(),
  storage: strictObject({
    backend: oneOf('minio', 'seaweedfs'),
    /** Bucket names on bp-seaweedfs. */
    buckets: strictObject({
      blocks: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$' }),
      alertmanager: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$' }),
      ruler: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$' }),
    }),
  }),
  /** Observability toggles: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({
    serviceMonitor: Type.Boolean(),
    dashboards: Type.Boolean(),
    grafanaAgent: Type.Boolean(),
    smokeTest: Type.Boolean(),
    continuousTest: Type.Boolean(),
  }),
});
export type MimirValues = Static<typeof MimirValues>;

export class Mimir extends Blueprint<typeof MimirValues> {
  public static readonly spec = blueprintSpec({
    name: 'mimir',
    version: '1.0.0',
    slot: 23,
    section: 'pts-3-observability',
    card: {
      title: 'Grafana Mimir',
      summary: 'Long-term, horizontally scalable Prometheus metrics storage with a PromQL query API for Grafana.',
      documentation: 'https://grafana.com/docs/mimir/latest/',
      license: 'AGPL-3.0-only',
    },
    visibility: 'unlisted',
    upstream: [MIMIR_CHART],
    namespace: 'mimir',
    releaseName: 'mimir',
    depends: [SeaweedFs],
    install: { timeout: '15m' },
    network: {
      // Remote-write from Prometheus-compatible agents anywhere in the cluster, through the gateway.
      ingressFromCluster: [{ port: 8080 }],
    },
    podSecurity: {
      level: 'baseline',
      reason: 'the bundled MinIO subchart (storage.backend minio, as curated) sets no seccomp profile and drops no capabilities',
    },
    values: MimirValues,
    defaults: {
      image: { repository: 'grafana/mimir', tag: '3.0.4' },
      replicas: {
        alertmanager: 1,
        distributor: 1,
        ingester: 1,
        querier: 1,
        queryFrontend: 1,
        queryScheduler: 1,
        storeGateway: 1,
        compactor: 1,
        ruler: 1,
        overridesExporter: 1,
        gateway: 1,
        rolloutOperator: 1,
      },
      zoneAwareReplication: false,
      gateway: true,
      rolloutOperator: true,
      kafka: false,
      storage: { backend: 'minio', buckets: { blocks: 'mimir-blocks', alertmanager: 'mimir-alertmanager', ruler: 'mimir-ruler' } },
      monitoring: { serviceMonitor: false, dashboards: false, grafanaAgent: false, smokeTest: false, continuousTest: false },
    },
  });

  /** The chart's fullname: every Service is `<fullname>-<component>`. */
  public get fullname(): string {
    return helmFullname(this.releaseName, MIMIR_INFIX);
  }

  /**
   * In-cluster Prometheus-compatible query URL for Grafana, e.g.
   * `http://mimir-gateway.mimir.svc.cluster.local/prometheus` (the query-frontend when the
   * gateway is off).
   */
  public get queryEndpoint(): string {
    const base = this.values.gateway
      ? `http://${this.fullname}-gateway.${this.namespace}.svc.cluster.local`
      : `http://${this.fullname}-query-frontend.${this.namespace}.svc.cluster.local:${MIMIR_HTTP_PORT}`;
    return `${base}/prometheus`;
  }

  /** Prometheus remote-write URL. */
  public get remoteWriteEndpoint(): string {
    const base = this.values.gateway
      ? `http://${this.fullname}-gateway.${this.namespace}.svc.cluster.local`
      : `http://${this.fullname}-distributor.${this.namespace}.svc.cluster.local:${MIMIR_HTTP_PORT}`;
    return `${base}/api/v1/push`;
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    const r = v.replicas;
    const m = v.monitoring;
    const zone = { zoneAwareReplication: { enabled: v.zoneAwareReplication } };
    if (v.zoneAwareReplication && (r.alertmanager < 3 || r.ingester < 3 || r.storeGateway < 3)) {
      throw CatalystError.at(`${this.path}.values.zoneAwareReplication`, 'zone-aware replication needs at least 3 alertmanager, ingester and store-gateway replicas (one per zone)');
    }
    const seaweedfs = v.storage.backend === 'seaweedfs' ? this.dependency(SeaweedFs) : undefined;
    return {
      image: {
        repository: v.image.repository,
        tag: v.image.digest ? `${v.image.tag}@${v.image.digest}` : v.image.tag,
        pullPolicy: 'IfNotPresent',
      },
      ...(seaweedfs ? {
        // No keys here: Mimir's S3 client falls back to AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.
        global: { extraEnv: seaweedfs.consumerKeyEnv },
        mimir: {
          structuredConfig: {
            common: { storage: { backend: 's3', s3: { endpoint: seaweedfs.s3HostPort, region: 'us-east-1', insecure: true } } },
            blocks_storage: { s3: { bucket_name: v.storage.buckets.blocks } },
            alertmanager_storage: { s3: { bucket_name: v.storage.buckets.alertmanager } },
            ruler_storage: { s3: { bucket_name: v.storage.buckets.ruler } },
          },
        },
      } : {}),
      alertmanager: { replicas: r.alertmanager, ...zone },
      distributor: { replicas: r.distributor },
      ingester: { replicas: r.ingester, ...zone },
      querier: { replicas: r.querier },
      query_frontend: { replicas: r.queryFrontend },
      query_scheduler: { replicas: r.queryScheduler },
      store_gateway: { replicas: r.storeGateway, ...zone },
      compactor: { replicas: r.compactor },
      ruler: { replicas: r.ruler },
      overrides_exporter: { replicas: r.overridesExporter },
      gateway: { enabled: v.gateway, replicas: r.gateway },
      minio: { enabled: v.storage.backend === 'minio' },
      kafka: { enabled: v.kafka },
      metaMonitoring: {
        serviceMonitor: { enabled: m.serviceMonitor },
        dashboards: { enabled: m.dashboards },
        grafanaAgent: { installOperator: m.grafanaAgent, logs: { enabled: m.grafanaAgent }, metrics: { enabled: m.grafanaAgent } },
      },
      smoke_test: { enabled: m.smokeTest },
      continuous_test: { enabled: m.continuousTest },
      rollout_operator: { enabled: v.rolloutOperator, replicas: r.rolloutOperator },
      serviceAccount: { create: true },
    };
  }

  protected overlays(scope: Chart): void {
    if (this.values.storage.backend !== 'seaweedfs') return;
    const seaweedfs = this.dependency(SeaweedFs);
    for (const bucket of Object.values(this.values.storage.buckets)) seaweedfs.bucket(scope, this, bucket);
    seaweedfs.credentialsFor(scope, this);
  }

  public outputs(): { readonly [name: string]: string } {
    return { queryEndpoint: this.queryEndpoint, remoteWriteEndpoint: this.remoteWriteEndpoint };
  }
}
