/**
 * bp-tempo (kit slot 24): Grafana Tempo (single-binary chart), the Sovereign's trace store.
 *
 * Storage: `local` (the PVC, as upstream curated) or `seaweedfs` (a bucket on bp-seaweedfs's S3
 * gateway, endpoint and keys from that Blueprint's typed outputs; Tempo reads the keys from the
 * environment). Choose at install.
 *
 * `queryEndpoint` is what Grafana's Tempo datasource points at.
 */
import { Static, Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import { Blueprint, blueprintSpec, helmChart, helmFullname, UpstreamChart } from '../../src/blueprint';
import { Image, oneOf, Quantity, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { bitnamiImage } from '../keycloak';
import { SeaweedFs } from '../seaweedfs';

export const TEMPO_CHART = helmChart('tempo', '1.24.4', 'https://grafana.github.io/helm-charts');

/** Tempo's HTTP port (query API), chart default. */
export const TEMPO_HTTP_PORT = 3100;
/** OTLP ports Tempo's Service exposes (chart defaults). */
export const TEMPO_OTLP_GRPC_PORT = 4317;

const Path = Type.String({ pattern: '^/[^\\s]*$' });

export const TempoValues = strictObject({
  replicas: Type.Integer({ minimum: 1, maximum: 1, description: 'the single-binary chart runs one instance' }),
  image: Image,
  resources: Resources,
  multitenancy: Type.Boolean(),
  /** Usage reporting to Grafana Labs (off: a Sovereign phones nowhere). */
  reporting: Type.Boolean(),
  /** Span metrics and service graphs (needs a remote-write target). */
  metricsGenerator: Type.Boolean(),
  storage: strictObject({
    backend: oneOf('local', 'seaweedfs'),
    localPath: Path,
    walPath: Path,
    /** Bucket name on bp-seaweedfs. */
    bucket: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$' }),
  }),
  persistence: strictObject({
    enabled: Type.Boolean(),
    size: Quantity,
    accessModes: Type.Array(oneOf('ReadWriteOnce', 'ReadWriteMany', 'ReadWriteOncePod'), { minItems: 1 }),
  }),
  serviceType: oneOf('ClusterIP', 'LoadBalancer', 'NodePort'),
  /** The chart's NetworkPolicy. */
  networkPolicy: Type.Boolean(),
  /** The legacy Jaeger query UI (Grafana replaces it). */
  tempoQuery: Type.Boolean(),
  /** Observability toggles: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({ serviceMonitor: Type.Boolean() }),
});
export type TempoValues = Static<typeof TempoValues>;

export class Tempo extends Blueprint<typeof TempoValues> {
  public static readonly spec = blueprintSpec({
    name: 'tempo',
    version: '1.0.0',
    slot: 24,
    section: 'pts-3-observability',
    card: {
      title: 'Grafana Tempo',
      summary: 'Distributed tracing backend: stores OTLP traces and serves them to Grafana by trace id and TraceQL.',
      documentation: 'https://grafana.com/docs/tempo/latest/',
      license: 'AGPL-3.0-only',
    },
    visibility: 'unlisted',
    upstream: [TEMPO_CHART],
    namespace: 'tempo',
    releaseName: 'tempo',
    depends: [SeaweedFs],
    install: { timeout: '15m' },
    network: {
      // Trace ingest (OTLP gRPC and HTTP) from the collector and applications in any namespace.
      ingressFromCluster: [{ port: 4317 }, { port: 4318 }],
    },
    podSecurity: {
      level: 'baseline',
      reason: 'the tempo chart sets no seccomp profile on its pod',
    },
    values: TempoValues,
    defaults: {
      replicas: 1,
      image: { repository: 'docker.io/grafana/tempo', tag: '2.9.0' },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      multitenancy: false,
      reporting: false,
      metricsGenerator: false,
      storage: { backend: 'local', localPath: '/var/tempo/traces', walPath: '/var/tempo/wal', bucket: 'tempo-traces' },
      persistence: { enabled: true, size: '10Gi', accessModes: ['ReadWriteOnce'] },
      serviceType: 'ClusterIP',
      networkPolicy: false,
      tempoQuery: false,
      monitoring: { serviceMonitor: false },
    },
  });

  /** Name of Tempo's Service (the chart's fullname). */
  public get serviceName(): string {
    return helmFullname(this.releaseName, TEMPO_CHART.chart);
  }

  /** In-cluster URL Grafana's Tempo datasource queries, e.g. `http://tempo.tempo.svc.cluster.local:3100`. */
  public get queryEndpoint(): string {
    return `http://${this.serviceName}.${this.namespace}.svc.cluster.local:${TEMPO_HTTP_PORT}`;
  }

  /** OTLP/gRPC ingest endpoint (what the OpenTelemetry Collector exports traces to). */
  public get otlpGrpcEndpoint(): string {
    return `http://${this.serviceName}.${this.namespace}.svc.cluster.local:${TEMPO_OTLP_GRPC_PORT}`;
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    const s3 = v.storage.backend === 'seaweedfs' ? this.dependency(SeaweedFs) : undefined;
    const trace = s3
      ? {
        backend: 's3',
        // No keys here: Tempo's S3 client reads AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.
        s3: { bucket: v.storage.bucket, endpoint: s3.s3HostPort, region: 'us-east-1', insecure: true, forcepathstyle: true },
        wal: { path: v.storage.walPath },
      }
      : { backend: 'local', local: { path: v.storage.localPath }, wal: { path: v.storage.walPath } };
    return {
      replicas: v.replicas,
      tempo: {
        ...bitnamiImage(v.image),
        pullPolicy: 'IfNotPresent',
        resources: v.resources,
        multitenancyEnabled: v.multitenancy,
        reportingEnabled: v.reporting,
        metricsGenerator: { enabled: v.metricsGenerator },
        storage: { trace },
        ...(s3 ? { extraEnv: s3.consumerKeyEnv } : {}),
      },
      persistence: { enabled: v.persistence.enabled, size: v.persistence.size, accessModes: [...v.persistence.accessModes] },
      serviceMonitor: { enabled: v.monitoring.serviceMonitor },
      service: { type: v.serviceType },
      networkPolicy: { enabled: v.networkPolicy },
      tempoQuery: { enabled: v.tempoQuery },
    };
  }

  protected overlays(scope: Chart): void {
    if (this.values.storage.backend !== 'seaweedfs') return;
    const seaweedfs = this.dependency(SeaweedFs);
    seaweedfs.bucket(scope, this, this.values.storage.bucket);
    seaweedfs.credentialsFor(scope, this);
  }

  public outputs(): { readonly [name: string]: string } {
    return { queryEndpoint: this.queryEndpoint, otlpGrpcEndpoint: this.otlpGrpcEndpoint };
  }
}
