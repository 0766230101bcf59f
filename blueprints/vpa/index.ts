/**
 * bp-vpa (kit slot 29): the Vertical Pod Autoscaler (recommender, updater and admission
 * controller) for CPU/memory right-sizing. Recommend-only by default: `defaultUpdateMode` is
 * `Off`, and SREs opt workloads into `Auto` on their VerticalPodAutoscaler objects. Installs the
 * autoscaling.k8s.io CRDs; an optional NetworkPolicy (vpaOverlay) locks the pods down.
 */
import { Static, Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Blueprint, blueprintSpec, helmChart, UpstreamChart } from '../../src/blueprint';
import { Image, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';

export const VPA_CHART = helmChart('vertical-pod-autoscaler', '11.1.1', 'https://cowboysysop.github.io/charts');

/** VPA update modes (autoscaling.k8s.io/v1 `updatePolicy.updateMode`). */
export const VpaUpdateMode = Type.Union([Type.Literal('Off'), Type.Literal('Initial'), Type.Literal('Auto'), Type.Literal('Recreate')], {
  description: 'Off = recommend only; Initial = set requests at pod creation; Auto/Recreate = also evict to apply',
});
export type VpaUpdateMode = Static<typeof VpaUpdateMode>;

const Port = Type.Integer({ minimum: 1, maximum: 65535 });

/** One VPA component: on/off, replicas, image, resources. */
const Component = {
  enabled: Type.Boolean(),
  replicas: Type.Integer({ minimum: 1, maximum: 3 }),
  image: Image,
  resources: Resources,
};

export const VpaValues = strictObject({
  /**
   * Update mode for VerticalPodAutoscaler objects that do not set their own. `Off` (recommend
   * only) as upstream: SREs opt workloads into `Auto` explicitly. Published as the
   * `defaultUpdateMode` output; Blueprints that create VPA objects read it from the getter.
   */
  defaultUpdateMode: VpaUpdateMode,
  /** Computes recommendations from metrics-server usage. */
  recommender: strictObject(Component),
  /** Evicts pods whose requests are far from the recommendation (only for Auto/Recreate VPAs). */
  updater: strictObject(Component),
  /** Mutating webhook that applies recommendations at pod creation. */
  admissionController: strictObject({
    ...Component,
    /** Let the chart generate the webhook's serving certificate (a self-signed CA in a Secret). */
    generateCertificate: Type.Boolean(),
  }),
  imagePullPolicy: Type.Union([Type.Literal('IfNotPresent'), Type.Literal('Always'), Type.Literal('Never')]),
  /** Install the autoscaling.k8s.io CRDs, and keep them when the release is removed. */
  crds: strictObject({ install: Type.Boolean(), keep: Type.Boolean() }),
  /** Create the ClusterRoles and bindings. */
  rbac: Type.Boolean(),
  /** Observability toggles: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({
    /** A ServiceMonitor per component (needs monitoring.coreos.com/v1). */
    serviceMonitor: Type.Boolean(),
    /** The chart's PrometheusRules (needs monitoring.coreos.com/v1). */
    prometheusRule: Type.Boolean(),
  }),
  /** Catalyst overlay: a NetworkPolicy for the VPA pods (the upstream `vpaOverlay` key). */
  vpaOverlay: strictObject({
    networkPolicy: strictObject({
      /** Off by default: turn on once the metrics endpoints are known. */
      enabled: Type.Boolean(),
      /** Port of the admission webhook the API server calls. */
      admissionWebhookPort: Port,
      /** Recommender metrics port Prometheus scrapes. */
      metricsPort: Port,
      /** metrics-server's port in kube-system (the recommender's metrics source). */
      metricsServerPort: Port,
    }),
  }),
});
export type VpaValues = Static<typeof VpaValues>;

export class Vpa extends Blueprint<typeof VpaValues> {
  public static readonly spec = blueprintSpec({
    name: 'vpa',
    version: '1.0.0',
    slot: 29,
    section: 'pts-3-3-security-and-policy',
    card: {
      title: 'Vertical Pod Autoscaler',
      summary: 'Automated CPU/memory right-sizing: recommender, updater and admission controller. Recommend-only (Off) by default; workloads opt into Auto on their VerticalPodAutoscaler objects.',
      category: 'infrastructure',
      tags: ['guardian', 'autoscaling'],
      documentation: 'https://github.com/kubernetes/autoscaler/tree/master/vertical-pod-autoscaler',
      license: 'Apache-2.0',
    },
    visibility: 'unlisted',
    upstream: [VPA_CHART],
    namespace: 'vpa',
    releaseName: 'vpa',
    values: VpaValues,
    defaults: {
      defaultUpdateMode: 'Off',
      recommender: {
        enabled: true,
        replicas: 1,
        image: { repository: 'registry.k8s.io/autoscaling/vpa-recommender', tag: '1.5.0' },
        resources: { requests: { cpu: '50m', memory: '256Mi' }, limits: { cpu: '500m', memory: '1Gi' } },
      },
      updater: {
        enabled: true,
        replicas: 1,
        image: { repository: 'registry.k8s.io/autoscaling/vpa-updater', tag: '1.5.0' },
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '200m', memory: '512Mi' } },
      },
      admissionController: {
        enabled: true,
        replicas: 1,
        image: { repository: 'registry.k8s.io/autoscaling/vpa-admission-controller', tag: '1.5.0' },
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '200m', memory: '512Mi' } },
        generateCertificate: true,
      },
      imagePullPolicy: 'IfNotPresent',
      crds: { install: true, keep: true },
      rbac: true,
      monitoring: { serviceMonitor: false, prometheusRule: false },
      vpaOverlay: { networkPolicy: { enabled: false, admissionWebhookPort: 8000, metricsPort: 8942, metricsServerPort: 4443 } },
    },
    providesApis: ['autoscaling.k8s.io/v1'],
    // The API server calls the admission webhook (vpaOverlay.networkPolicy.admissionWebhookPort's default).
    network: { ingressFromCluster: [{ port: 8000 }] },
    podSecurity: {
      level: 'baseline',
      reason: 'the vertical-pod-autoscaler chart sets no seccomp profile, capability drop or allowPrivilegeEscalation on its containers and Jobs; baseline still forbids privileged pods and host access',
    },
    placement: { modes: ['single-region', 'active-active'], default: 'active-active' },
    upgradesFrom: ['0.x'],
  });

  /** The update mode a VerticalPodAutoscaler gets when its author does not choose one. */
  public get defaultUpdateMode(): VpaUpdateMode {
    return this.values.defaultUpdateMode;
  }

  public outputs(): { readonly [name: string]: string } {
    return { defaultUpdateMode: this.defaultUpdateMode };
  }

  private image(i: Image): PlainObject {
    // The chart writes `repository:tag`; a digest, when given, pins further as `repository:tag@digest`.
    return { repository: i.repository, tag: i.digest ? `${i.tag}@${i.digest}` : i.tag, pullPolicy: this.values.imagePullPolicy };
  }

  private metrics(): PlainObject {
    const m = this.values.monitoring;
    return { serviceMonitor: { enabled: m.serviceMonitor }, prometheusRule: { enabled: m.prometheusRule } };
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    const component = (c: VpaValues['recommender']): PlainObject => ({
      enabled: c.enabled,
      replicaCount: c.replicas,
      image: this.image(c.image),
      resources: c.resources,
    });
    return {
      recommender: { ...component(v.recommender), extraArgs: {}, metrics: this.metrics() },
      updater: { ...component(v.updater), extraArgs: {}, metrics: this.metrics() },
      admissionController: {
        ...component(v.admissionController),
        generateCertificate: v.admissionController.generateCertificate,
        metrics: this.metrics(),
      },
      crds: { install: v.crds.install, keep: v.crds.keep },
      rbac: { create: v.rbac },
    };
  }

  protected overlays(scope: Chart): void {
    if (this.values.vpaOverlay.networkPolicy.enabled) this.networkPolicy(scope);
  }

  /**
   * The VPA pods may receive the API server's webhook calls and Prometheus scrapes, and reach
   * DNS, the API server and metrics-server. The API server is not a pod (k3s runs it in the
   * supervisor; Cilium gives it the kube-apiserver identity), so its rules name ports only.
   */
  private networkPolicy(scope: Chart): void {
    const np = this.values.vpaOverlay.networkPolicy;
    const tcp = (port: number): k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
    const kubeSystem = { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } };
    new k8s.KubeNetworkPolicy(scope, 'network-policy', {
      metadata: {
        name: this.publishedName,
        labels: {
          'app.kubernetes.io/name': this.releaseName,
          'app.kubernetes.io/instance': this.releaseName,
          'app.kubernetes.io/managed-by': 'catalyst-cdk',
          'catalyst.openova.io/blueprint': this.publishedName,
          'catalyst.openova.io/component': VPA_CHART.chart,
        },
      },
      spec: {
        // The chart's labels on every VPA pod.
        podSelector: { matchLabels: { 'app.kubernetes.io/name': VPA_CHART.chart, 'app.kubernetes.io/instance': this.releaseName } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [
          // kube-apiserver -> admission webhook.
          { ports: [tcp(np.admissionWebhookPort)] },
          // Prometheus scrapes (when the ServiceMonitors are on).
          {
            from: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
            ports: [tcp(np.metricsPort)],
          },
        ],
        egress: [
          { to: [{ namespaceSelector: kubeSystem }], ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, tcp(53)] },
          // kube-apiserver: 443 through the kubernetes Service, 6443 after DNAT.
          { ports: [tcp(443), tcp(6443)] },
          {
            to: [{ namespaceSelector: kubeSystem, podSelector: { matchLabels: { 'k8s-app': 'metrics-server' } } }],
            ports: [tcp(np.metricsServerPort)],
          },
        ],
      },
    });
  }
}
