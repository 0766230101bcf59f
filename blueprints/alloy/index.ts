/**
 * bp-alloy (kit slot 21): Grafana Alloy as a per-node agent (DaemonSet) that collects from the
 * nodes and pods and forwards to the Sovereign's telemetry pipeline; it waits for
 * bp-opentelemetry. `config` holds its pipeline in the Alloy configuration syntax; empty keeps
 * the chart's example configuration, as upstream curated.
 */
import { Static, Type } from '@sinclair/typebox';
import { Blueprint, blueprintSpec, helmChart, helmFullname, UpstreamChart } from '../../src/blueprint';
import { Image, oneOf, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { bitnamiImage } from '../keycloak';
import { OpenTelemetry } from '../opentelemetry';

export const ALLOY_CHART = helmChart('alloy', '1.8.0', 'https://grafana.github.io/helm-charts');

/** Alloy's HTTP port (UI, /metrics, /-/ready), chart default. */
export const ALLOY_HTTP_PORT = 12345;

export const AlloyValues = strictObject({
  /** Alloy image, pinned (the chart's split registry/repository form is derived). */
  image: Image,
  /** Pipeline in the Alloy configuration syntax; '' keeps the chart's example configuration. */
  config: Type.String(),
  /** Distribute scrape targets between instances (needs more than one instance). */
  clustering: Type.Boolean(),
  /** Where Alloy keeps its write-ahead log and component state. */
  storagePath: Type.String({ pattern: '^/[^\\s]*$' }),
  resources: Resources,
  /** `daemonset`: one agent per node; `deployment`/`statefulset`: a pool of `replicas`. */
  controller: strictObject({
    type: oneOf('daemonset', 'deployment', 'statefulset'),
    replicas: Type.Integer({ minimum: 1, maximum: 20 }),
  }),
  serviceType: oneOf('ClusterIP', 'LoadBalancer', 'NodePort'),
  /** The chart's NetworkPolicy. */
  networkPolicy: Type.Boolean(),
  /** Install Alloy's PodLogs CRD (off: nothing here uses it). */
  crds: Type.Boolean(),
  /** Observability toggles: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({ serviceMonitor: Type.Boolean() }),
});
export type AlloyValues = Static<typeof AlloyValues>;

export class Alloy extends Blueprint<typeof AlloyValues> {
  public static readonly spec = blueprintSpec({
    name: 'alloy',
    version: '1.0.0',
    slot: 21,
    section: 'pts-3-observability',
    card: {
      title: 'Grafana Alloy',
      summary: 'Telemetry agent on every node: collects pod logs, metrics and traces and forwards them into the Sovereign\'s observability pipeline.',
      documentation: 'https://grafana.com/docs/alloy/latest/',
      license: 'Apache-2.0',
    },
    visibility: 'unlisted',
    upstream: [ALLOY_CHART],
    namespace: 'alloy',
    releaseName: 'alloy',
    depends: [OpenTelemetry],
    install: { timeout: '15m' },
    podSecurity: {
      level: 'baseline',
      reason: 'the grafana/alloy image runs as root, which a node agent reading host logs needs; hostPath log mounts stay off by default',
    },
    values: AlloyValues,
    defaults: {
      image: { repository: 'docker.io/grafana/alloy', tag: 'v1.16.0' },
      config: '',
      clustering: false,
      storagePath: '/tmp/alloy',
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      controller: { type: 'daemonset', replicas: 1 },
      serviceType: 'ClusterIP',
      networkPolicy: false,
      crds: false,
      monitoring: { serviceMonitor: false },
    },
  });

  /** Name of Alloy's Service (the chart's fullname). */
  public get serviceName(): string {
    return helmFullname(this.releaseName, ALLOY_CHART.chart);
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    return {
      image: { ...bitnamiImage(v.image), pullPolicy: 'IfNotPresent' },
      alloy: {
        configMap: { create: true, content: v.config },
        clustering: { enabled: v.clustering },
        storagePath: v.storagePath,
        resources: v.resources,
      },
      controller: { type: v.controller.type, replicas: v.controller.replicas },
      serviceMonitor: { enabled: v.monitoring.serviceMonitor },
      service: { enabled: true, type: v.serviceType },
      ingress: { enabled: false },
      networkPolicy: { enabled: v.networkPolicy },
      rbac: { create: true },
      serviceAccount: { create: true, name: '' },
      crds: { create: v.crds },
    };
  }
}
