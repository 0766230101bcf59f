/**
 * bp-cilium (kit slot 01): the CNI. eBPF kube-proxy replacement, WireGuard encryption,
 * Gateway API and Envoy for L7. Phase 0's cloud-init installs the same chart version first
 * (pods need a CNI before Flux can run); this HelmRelease adopts that release.
 */
import { Static, Type } from '@sinclair/typebox';
import { Blueprint, blueprintSpec, helmChart, UpstreamChart } from '../../src/blueprint';
import { oneOf, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';

/** The one Cilium pin: the kit HelmRelease and Phase 0's cloud-init both read it. */
export const CILIUM_CHART = helmChart('cilium', '1.16.5', 'https://helm.cilium.io');

export const CiliumValues = strictObject({
  /** Replace kube-proxy with eBPF (k3s runs with --disable-kube-proxy). */
  kubeProxyReplacement: Type.Boolean(),
  /** API server address the agent uses before the CNI exists; on k3s the local supervisor (upstream fix 5487200). */
  k8sServiceHost: Type.String(),
  k8sServicePort: Type.Integer({ minimum: 1, maximum: 65535 }),
  bpfMasquerade: Type.Boolean(),
  ipamMode: oneOf('kubernetes', 'cluster-pool'),
  encryption: strictObject({
    enabled: Type.Boolean(),
    type: oneOf('wireguard', 'ipsec'),
  }),
  hubble: strictObject({
    enabled: Type.Boolean(),
    relay: Type.Boolean(),
    ui: Type.Boolean(),
  }),
  gatewayAPI: Type.Boolean(),
  envoy: Type.Boolean(),
  /** Needed so Cilium installs its own envoyconfig CRDs (upstream fix #224/d1d351b). */
  l7Proxy: Type.Boolean(),
  l2announcements: Type.Boolean(),
  operatorReplicas: Type.Integer({ minimum: 1, maximum: 3 }),
  resources: Resources,
  /** Observability toggles: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({
    prometheus: Type.Boolean(),
    serviceMonitor: Type.Boolean(),
    hubbleMetrics: Type.Boolean(),
  }),
});
export type CiliumValues = Static<typeof CiliumValues>;

export class Cilium extends Blueprint<typeof CiliumValues> {
  public static readonly spec = blueprintSpec({
    name: 'cilium',
    version: '1.1.1',
    slot: 1,
    section: 'pts-3-1-networking-and-service-mesh',
    category: 'per-host-cluster-infrastructure',
    card: {
      title: 'Cilium',
      summary: 'eBPF networking, kube-proxy replacement, WireGuard encryption and Gateway API for every host cluster.',
      icon: 'cilium.svg',
      documentation: 'https://docs.cilium.io/en/v1.16/',
      license: 'Apache-2.0',
    },
    upstream: [CILIUM_CHART],
    namespace: 'kube-system',
    releaseName: 'cilium',
    values: CiliumValues,
    defaults: {
      kubeProxyReplacement: true,
      k8sServiceHost: '127.0.0.1',
      k8sServicePort: 6443,
      bpfMasquerade: true,
      ipamMode: 'kubernetes',
      encryption: { enabled: true, type: 'wireguard' },
      hubble: { enabled: true, relay: false, ui: false },
      gatewayAPI: true,
      envoy: true,
      l7Proxy: true,
      l2announcements: false,
      operatorReplicas: 1,
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
      monitoring: { prometheus: false, serviceMonitor: false, hubbleMetrics: false },
    },
    providesApis: ['cilium.io/v2', 'cilium.io/v2alpha1'],
    placement: { modes: ['single-region', 'active-active'], default: 'active-active' },
    upgradesFrom: ['0.x'],
  });

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    const m = v.monitoring;
    return {
      kubeProxyReplacement: v.kubeProxyReplacement,
      k8sServiceHost: v.k8sServiceHost,
      k8sServicePort: v.k8sServicePort,
      bpf: { masquerade: v.bpfMasquerade },
      ipam: { mode: v.ipamMode },
      encryption: { enabled: v.encryption.enabled, type: v.encryption.type },
      hubble: {
        enabled: v.hubble.enabled,
        relay: { enabled: v.hubble.relay },
        ui: { enabled: v.hubble.ui },
        // null removes the chart's default metric list; an empty list would still start the server.
        metrics: {
          enabled: m.hubbleMetrics ? ['dns', 'drop', 'tcp', 'flow', 'icmp', 'http'] : null,
          serviceMonitor: { enabled: m.hubbleMetrics && m.serviceMonitor },
        },
      },
      gatewayAPI: { enabled: v.gatewayAPI },
      envoy: { enabled: v.envoy },
      l2announcements: { enabled: v.l2announcements },
      operator: { replicas: v.operatorReplicas },
      resources: v.resources,
      prometheus: { enabled: m.prometheus, serviceMonitor: { enabled: m.prometheus && m.serviceMonitor } },
      l7Proxy: v.l7Proxy,
    };
  }
}
