/**
 * bp-openmeter (slot 45): OpenMeter real-time usage metering (CloudEvents ingestion,
 * per-subject aggregation, query API), from the upstream `openmeter` chart in OpenMeter's OCI
 * registry, with every bundled dependency (Kafka, ClickHouse, PostgreSQL, Redis, Svix) off.
 *
 * Known gap, kept visible rather than papered over: the upstream's "ClickHouse-less profile"
 * (`backend.kind: cnpg`, `eventBus.kind: jetstream`) names bp-cnpg and bp-nats-jetstream, but
 * OpenMeter itself ingests from Kafka and aggregates in ClickHouse, and the upstream left
 * `config` empty. `backend` and `eventBus` are typed and published (for the catalog and the
 * dependency graph); the runtime endpoints must be given in `config` until a Kafka/ClickHouse
 * Blueprint exists.
 */
import { Static, Type } from '@sinclair/typebox';
import { ApiObject, Chart } from 'cdk8s';
import { Blueprint, blueprintSpec, helmChart, helmFullname, UpstreamChart } from '../../src/blueprint';
import { Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';
import { Cnpg } from '../cnpg';
import { appLabels } from '../keycloak/generated-secret';
import { NatsJetstream } from '../nats-jetstream';
import { ChartImage, literals, ServiceMonitorValues } from '../vllm/app-workload';

export const OPENMETER_CHART = helmChart('openmeter', '1.0.0-beta.213', 'oci://ghcr.io/openmeterio/helm-charts');

export const OpenmeterValues = strictObject({
  /** Aggregation backend: `cnpg` (upstream's ClickHouse-less profile) or an external `clickhouse`. */
  backend: strictObject({ kind: literals('cnpg', 'clickhouse') }),
  /** Event bus: NATS JetStream (bp-nats-jetstream) or Kafka. */
  eventBus: strictObject({ kind: literals('jetstream', 'kafka') }),
  /** Replicas of the API. */
  replicas: Type.Integer({ minimum: 1, maximum: 10 }),
  /** Replicas of each worker (balance, notification, sink). */
  workerReplicas: Type.Integer({ minimum: 1, maximum: 10 }),
  image: ChartImage,
  resources: Resources,
  /**
   * OpenMeter's own `config.yaml` (ingest.kafka, aggregation.clickhouse, postgres, meters…),
   * passed to the chart as is. Credentials belong in Secrets, not here.
   */
  config: Type.Record(Type.String(), Type.Unknown()),
  /** Observability toggle: off by default (upstream #182). */
  serviceMonitor: ServiceMonitorValues,
});
export type OpenmeterValues = Static<typeof OpenmeterValues>;

export class Openmeter extends Blueprint<typeof OpenmeterValues> {
  public static readonly spec = blueprintSpec({
    owner: { team: 'platform', contact: 'platform@openova.io' },
    name: 'openmeter',
    version: '1.0.0',
    slot: 45,
    section: 'pts-4-8-identity-and-metering',
    category: 'application',
    card: {
      title: 'OpenMeter',
      summary: 'Real-time usage metering: CloudEvents ingestion, deterministic per-subject aggregation and an OpenAPI query endpoint, for per-event usage tracking and billing.',
      icon: 'openmeter.svg',
      category: 'application',
      tags: ['metering', 'usage', 'billing', 'cloudevents', 'application'],
      documentation: 'https://openmeter.io/docs',
      license: 'Apache-2.0',
    },
    visibility: 'listed',
    upstream: [OPENMETER_CHART],
    namespace: 'openmeter',
    releaseName: 'openmeter',
    depends: [
      { blueprint: Cnpg, version: '^1' },
      { blueprint: NatsJetstream, version: '^1' },
      { blueprint: CertManager, version: '^1' },
    ],
    podSecurity: {
      level: 'baseline',
      reason: 'the openmeter chart does not set the restricted profile\'s seccomp and capability fields by default; baseline still forbids privileged pods and host access',
    },
    values: OpenmeterValues,
    defaults: {
      backend: { kind: 'cnpg' },
      eventBus: { kind: 'jetstream' },
      replicas: 1,
      workerReplicas: 1,
      image: { repository: 'ghcr.io/openmeterio/openmeter' },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
      config: {},
      serviceMonitor: { enabled: false, interval: '30s', scrapeTimeout: '10s', path: '/metrics' },
    },
    placement: { modes: ['single-region', 'active-active'], default: 'single-region' },
    upgradesFrom: ['0.x'],
  });

  /** The chart's fullname (its Service). */
  public get fullname(): string {
    return helmFullname(this.releaseName, OPENMETER_CHART.chart);
  }

  /** In-cluster base URL of the API (Service port 80). */
  public get url(): string {
    return `http://${this.fullname}.${this.namespace}.svc.cluster.local`;
  }

  /** The event bus OpenMeter is declared against (bp-nats-jetstream's client URL for `jetstream`). */
  public get eventBusUrl(): string | undefined {
    return this.values.eventBus.kind === 'jetstream' ? this.dependency(NatsJetstream).url : undefined;
  }

  public outputs(): { readonly [name: string]: string } {
    const bus = this.eventBusUrl;
    return { url: this.url, backend: this.values.backend.kind, eventBus: this.values.eventBus.kind, ...(bus ? { eventBusUrl: bus } : {}) };
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    return {
      image: { repository: v.image.repository, pullPolicy: 'IfNotPresent', tag: v.image.tag ?? '' },
      // Every bundled dependency stays off: the Sovereign's own Blueprints provide them.
      clickhouse: { enabled: false, operator: { install: false } },
      kafka: { enabled: false },
      postgresql: { enabled: false },
      redis: { enabled: false },
      svix: { enabled: false },
      config: v.config,
      api: { replicaCount: v.replicas },
      balanceWorker: { replicaCount: v.workerReplicas },
      notificationService: { replicaCount: v.workerReplicas },
      sinkWorker: { replicaCount: v.workerReplicas },
      service: { type: 'ClusterIP', port: 80 },
      ingress: { enabled: false },
      resources: v.resources,
    };
  }

  protected overlays(scope: Chart): void {
    const sm = this.values.serviceMonitor;
    if (!sm.enabled) return;
    this.optional(new ApiObject(scope, 'service-monitor', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: this.fullname, labels: appLabels('openmeter', this.releaseName, 'metering', this.spec.version) },
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/name': OPENMETER_CHART.chart, 'app.kubernetes.io/instance': this.releaseName } },
        endpoints: [{ port: 'http', path: sm.path, interval: sm.interval, scrapeTimeout: sm.scrapeTimeout }],
      },
    }));
  }
}
