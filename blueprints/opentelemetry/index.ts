/**
 * bp-opentelemetry (kit slot 20): the OpenTelemetry Collector (contrib distribution) as a
 * central gateway: applications and Alloy send OTLP here. The chart's default pipeline is
 * kept (OTLP, Jaeger, Zipkin and Prometheus receivers, debug exporter) until exporters to
 * the Sovereign's backends are configured.
 */
import { Static, Type } from '@sinclair/typebox';
import { Blueprint, blueprintSpec, helmChart, helmFullname, UpstreamChart } from '../../src/blueprint';
import { Image, oneOf, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';

export const OPENTELEMETRY_COLLECTOR_CHART = helmChart('opentelemetry-collector', '0.152.0', 'https://open-telemetry.github.io/opentelemetry-helm-charts');

/** OTLP ports of the chart's Service (`ports.otlp` / `ports.otlp-http`, chart defaults). */
export const OTLP_GRPC_PORT = 4317;
export const OTLP_HTTP_PORT = 4318;
/** The user the collector images run as. */
const OTEL_UID = 10001;

export const OpenTelemetryValues = strictObject({
  /** `deployment`: a central gateway; `daemonset`: an agent per node; `statefulset`: for stateful processors. */
  mode: oneOf('deployment', 'daemonset', 'statefulset'),
  /** The collector image, pinned; `command` must match its binary. */
  image: Image,
  /** Binary name in the image (`otelcol-contrib` for the contrib distribution). */
  command: Type.String({ pattern: '^[a-z][a-z0-9-]*$' }),
  /** Replicas in deployment/statefulset mode. */
  replicas: Type.Integer({ minimum: 1, maximum: 20 }),
  resources: Resources,
  /** The chart's presets: each adds receivers/processors (and the RBAC they need). All off. */
  presets: strictObject({
    logsCollection: Type.Boolean(),
    hostMetrics: Type.Boolean(),
    kubernetesAttributes: Type.Boolean(),
    kubeletMetrics: Type.Boolean(),
    kubernetesEvents: Type.Boolean(),
    clusterMetrics: Type.Boolean(),
  }),
  service: strictObject({ enabled: Type.Boolean(), type: oneOf('ClusterIP', 'LoadBalancer', 'NodePort') }),
  /** The chart's NetworkPolicy (ingress on the receiver ports). */
  networkPolicy: Type.Boolean(),
  podDisruptionBudget: Type.Boolean(),
  /** Cluster-wide read RBAC (the k8s presets create what they need themselves). */
  clusterRole: Type.Boolean(),
  /** Observability toggles: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({
    serviceMonitor: Type.Boolean(),
    podMonitor: Type.Boolean(),
    prometheusRule: Type.Boolean(),
  }),
});
export type OpenTelemetryValues = Static<typeof OpenTelemetryValues>;

export class OpenTelemetry extends Blueprint<typeof OpenTelemetryValues> {
  public static readonly spec = blueprintSpec({
    name: 'opentelemetry',
    version: '1.0.0',
    slot: 20,
    section: 'pts-3-observability',
    card: {
      title: 'OpenTelemetry Collector',
      summary: 'Vendor-neutral telemetry gateway: receives OTLP traces, metrics and logs from every workload of the Sovereign.',
      documentation: 'https://opentelemetry.io/docs/collector/',
      license: 'Apache-2.0',
    },
    visibility: 'unlisted',
    upstream: [OPENTELEMETRY_COLLECTOR_CHART],
    namespace: 'opentelemetry',
    releaseName: 'opentelemetry',
    depends: [CertManager],
    install: { timeout: '15m' },
    network: {
      // OTLP from workloads in any namespace.
      ingressFromCluster: [{ port: OTLP_GRPC_PORT }, { port: OTLP_HTTP_PORT }],
    },
    values: OpenTelemetryValues,
    defaults: {
      mode: 'deployment',
      image: { repository: 'otel/opentelemetry-collector-contrib', tag: '0.150.1' },
      command: 'otelcol-contrib',
      replicas: 1,
      resources: { limits: { cpu: '1', memory: '512Mi' } },
      presets: {
        logsCollection: false,
        hostMetrics: false,
        kubernetesAttributes: false,
        kubeletMetrics: false,
        kubernetesEvents: false,
        clusterMetrics: false,
      },
      service: { enabled: true, type: 'ClusterIP' },
      networkPolicy: false,
      podDisruptionBudget: false,
      clusterRole: false,
      monitoring: { serviceMonitor: false, podMonitor: false, prometheusRule: false },
    },
  });

  /** Name of the collector's Service (the chart's fullname). */
  public get serviceName(): string {
    return helmFullname(this.releaseName, OPENTELEMETRY_COLLECTOR_CHART.chart);
  }

  /** In-cluster OTLP/gRPC endpoint, e.g. `http://opentelemetry-opentelemetry-collector.opentelemetry.svc.cluster.local:4317`. */
  public get otlpGrpcEndpoint(): string {
    return `http://${this.serviceName}.${this.namespace}.svc.cluster.local:${OTLP_GRPC_PORT}`;
  }

  /** In-cluster OTLP/HTTP endpoint (port 4318). */
  public get otlpHttpEndpoint(): string {
    return `http://${this.serviceName}.${this.namespace}.svc.cluster.local:${OTLP_HTTP_PORT}`;
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    const on = (enabled: boolean) => ({ enabled });
    return {
      mode: v.mode,
      image: {
        repository: v.image.repository,
        tag: v.image.tag,
        ...(v.image.digest ? { digest: v.image.digest } : {}),
        pullPolicy: 'IfNotPresent',
      },
      command: { name: v.command },
      replicaCount: v.replicas,
      resources: v.resources,
      presets: {
        logsCollection: on(v.presets.logsCollection),
        hostMetrics: on(v.presets.hostMetrics),
        kubernetesAttributes: on(v.presets.kubernetesAttributes),
        kubeletMetrics: on(v.presets.kubeletMetrics),
        kubernetesEvents: on(v.presets.kubernetesEvents),
        clusterMetrics: on(v.presets.clusterMetrics),
      },
      service: { enabled: v.service.enabled, type: v.service.type },
      ingress: on(false),
      serviceMonitor: on(v.monitoring.serviceMonitor),
      podMonitor: on(v.monitoring.podMonitor),
      prometheusRule: on(v.monitoring.prometheusRule),
      networkPolicy: on(v.networkPolicy),
      podDisruptionBudget: on(v.podDisruptionBudget),
      serviceAccount: { create: true },
      clusterRole: { create: v.clusterRole },
      // Deliberate addition: the chart ships empty security contexts; the collector image runs as
      // uid 10001, so the `restricted` Pod Security level of the namespace costs nothing.
      podSecurityContext: { runAsNonRoot: true, runAsUser: OTEL_UID, runAsGroup: OTEL_UID, seccompProfile: { type: 'RuntimeDefault' } },
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    };
  }

  public outputs(): { readonly [name: string]: string } {
    return { otlpGrpcEndpoint: this.otlpGrpcEndpoint, otlpHttpEndpoint: this.otlpHttpEndpoint };
  }
}
