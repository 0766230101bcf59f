/**
 * bp-falco (kit slot 31): runtime threat detection. A DaemonSet watches every node's
 * syscalls through the modern eBPF probe (no kernel module, no headers) and reports container
 * escapes, privilege escalation and other anomalies as JSON on stdout, for the log pipeline.
 */
import { Static, Type } from '@sinclair/typebox';
import { Blueprint, blueprintSpec, helmChart, UpstreamChart } from '../../src/blueprint';
import { ImageTag, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { Cilium } from '../cilium';

export const FALCO_CHART = helmChart('falco', '8.0.2', 'https://falcosecurity.github.io/charts');

const Priority = Type.Union(
  ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'].map((p) => Type.Literal(p)),
);

export const FalcoValues = strictObject({
  image: strictObject({
    registry: Type.String({ pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]+)?$', description: 'registry host, e.g. docker.io' }),
    repository: Type.String({ pattern: '^[a-z0-9]+([._/-][a-z0-9]+)*$' }),
    tag: ImageTag,
  }),
  imagePullPolicy: Type.Union([Type.Literal('IfNotPresent'), Type.Literal('Always'), Type.Literal('Never')]),
  /** How Falco reads syscalls. */
  driver: strictObject({
    enabled: Type.Boolean(),
    /** `modern-bpf` (alias of `modern_ebpf`): CO-RE eBPF, needs kernel >= 5.8 and nothing on the host. */
    kind: Type.Union(['modern-bpf', 'modern_ebpf', 'ebpf', 'kmod', 'auto'].map((k) => Type.Literal(k))),
  }),
  /** Rules files and directories Falco loads, in order (later files override earlier ones). */
  rulesFiles: Type.Array(Type.String({ pattern: '^/' }), { minItems: 1 }),
  /** Alerts as JSON lines, with the formatted output as a property. */
  jsonOutput: Type.Boolean(),
  jsonIncludeOutputProperty: Type.Boolean(),
  logLevel: Priority,
  /** Lowest rule priority that raises an alert. */
  minimumPriority: Priority,
  resources: Resources,
  /** Falcosidekick fan-out of alerts to other systems; off (alerts go to stdout and the log pipeline). */
  falcosidekick: strictObject({ enabled: Type.Boolean(), replicas: Type.Integer({ minimum: 1, maximum: 5 }), webui: Type.Boolean() }),
  /** A Service in front of the k8saudit plugin's webhook, for API server audit events. */
  k8sAuditWebhook: strictObject({ enabled: Type.Boolean(), port: Type.Integer({ minimum: 1, maximum: 65535 }) }),
  rbac: Type.Boolean(),
  serviceAccount: strictObject({ create: Type.Boolean() }),
  /** Run on every node, control planes and tainted nodes included (tolerate all NoSchedule/NoExecute taints). */
  everyNode: Type.Boolean(),
  /** Observability toggles: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({
    /** Falco's Prometheus metrics endpoint. */
    metrics: Type.Boolean(),
    /** A ServiceMonitor for it (needs monitoring.coreos.com/v1). */
    serviceMonitor: Type.Boolean(),
  }),
});
export type FalcoValues = Static<typeof FalcoValues>;

export class Falco extends Blueprint<typeof FalcoValues> {
  public static readonly spec = blueprintSpec({
    name: 'falco',
    version: '1.0.0',
    slot: 31,
    section: 'pts-3-3-security-and-policy',
    card: {
      title: 'Falco',
      summary: 'Runtime threat detection: eBPF syscall monitoring on every node for container escapes, privilege escalation and anomalous behaviour.',
      category: 'security',
      tags: ['guardian', 'runtime-security'],
      documentation: 'https://falco.org/docs/',
      license: 'Apache-2.0',
    },
    visibility: 'unlisted',
    upstream: [FALCO_CHART],
    namespace: 'falco',
    releaseName: 'falco',
    depends: [Cilium],
    network: {
      // The API server posts audit events to the k8saudit webhook (k8sAuditWebhook.port's default).
      ingressFromCluster: [{ port: 9765 }],
      // falcoctl fetches the rules artifacts from ghcr.io.
      egressToWorld: [{ port: 443 }],
    },
    podSecurity: {
      level: 'privileged',
      reason: "Falco's DaemonSet loads an eBPF probe and reads the host's /proc, /sys and container runtime socket to watch every syscall on the node",
    },
    values: FalcoValues,
    defaults: {
      image: { registry: 'docker.io', repository: 'falcosecurity/falco', tag: '0.43.1' },
      imagePullPolicy: 'IfNotPresent',
      driver: { enabled: true, kind: 'modern-bpf' },
      rulesFiles: ['/etc/falco/falco_rules.yaml', '/etc/falco/falco_rules.local.yaml', '/etc/falco/k8s_audit_rules.yaml', '/etc/falco/rules.d'],
      jsonOutput: true,
      jsonIncludeOutputProperty: true,
      logLevel: 'info',
      minimumPriority: 'notice',
      resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      falcosidekick: { enabled: false, replicas: 1, webui: false },
      k8sAuditWebhook: { enabled: true, port: 9765 },
      rbac: true,
      serviceAccount: { create: true },
      everyNode: true,
      monitoring: { metrics: false, serviceMonitor: false },
    },
  });

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    return {
      image: { registry: v.image.registry, repository: v.image.repository, tag: v.image.tag, pullPolicy: v.imagePullPolicy },
      driver: { enabled: v.driver.enabled, kind: v.driver.kind },
      falco: {
        // Deliberate fix: upstream curated the singular `rules_file`. Falco >= 0.38 deprecated it,
        // and the falco chart since 4.7 sets the plural `rules_files` by default; with both keys
        // in falco.yaml Falco refuses to start ("both 'rules_files' and 'rules_file' keys set").
        rules_files: [...v.rulesFiles],
        json_output: v.jsonOutput,
        json_include_output_property: v.jsonIncludeOutputProperty,
        log_level: v.logLevel,
        priority: v.minimumPriority,
      },
      resources: v.resources,
      serviceMonitor: { create: v.monitoring.serviceMonitor },
      metrics: { enabled: v.monitoring.metrics },
      falcosidekick: { enabled: v.falcosidekick.enabled, replicaCount: v.falcosidekick.replicas, webui: { enabled: v.falcosidekick.webui } },
      services: v.k8sAuditWebhook.enabled ? [{ name: 'k8saudit-webhook', ports: [{ port: v.k8sAuditWebhook.port, protocol: 'TCP' }] }] : [],
      rbac: { create: v.rbac },
      // Empty name: the chart names the ServiceAccount after the release.
      serviceAccount: { create: v.serviceAccount.create, name: '' },
      tolerations: v.everyNode ? [{ effect: 'NoSchedule', operator: 'Exists' }, { effect: 'NoExecute', operator: 'Exists' }] : [],
      // The chart's own (privileged) security contexts: the eBPF probe needs them.
      podSecurityContext: {},
      containerSecurityContext: {},
    };
  }
}
