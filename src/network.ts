/**
 * Network isolation and Pod Security of the namespaces the library creates.
 *
 * Every namespace the Flux writer creates for a Blueprint gets:
 *
 * - Pod Security admission labels: `enforce` at the level the Blueprint needs (`restricted`
 *   unless its spec says `podSecurity: { level, reason }`, the reason written as an annotation),
 *   `warn` at the same level, and `audit` always at `restricted`, so the API server's audit log
 *   shows what keeps a namespace from the strictest level.
 * - NetworkPolicies: `deny-all` (every pod, both directions), then explicit allows —
 *   `allow-same-namespace`, `allow-dns` (kube-dns in kube-system, 53 UDP/TCP),
 *   `allow-apiserver` (TCP 6443 and 443), flows along the dependency graph in both directions
 *   (`allow-to-dependencies` + `allow-from-dependants`: a client calls its dependency;
 *   `allow-from-dependencies` + `allow-to-dependants`: an operator such as cnpg calls the
 *   instances it manages in its dependants' namespaces), and the Blueprint's
 *   declared `spec.network` extras (`allow-ingress-from-world`, `allow-ingress-from-cluster`,
 *   `allow-egress-to-world`).
 *
 * The graph is the source of the cross-namespace flows: a Blueprint that declares
 * `depends: [OpenBao]` and openbao's namespace may talk to each other — nothing else crosses
 * namespaces unless a spec declares it.
 */
import type { Blueprint, FlowPort, NetworkNeeds } from './blueprint';
import { canonical, CanonicalObject, ObjectMeta } from './objects';

/** Pod Security admission levels, weakest last. */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

const LEVEL_RANK: Readonly<Record<PodSecurityLevel, number>> = { restricted: 0, baseline: 1, privileged: 2 };

/** Label prefix of Pod Security admission. */
export const PSA_PREFIX = 'pod-security.kubernetes.io';
/** Annotation on a namespace saying why its Pod Security level is weaker than `restricted`. */
export const POD_SECURITY_REASON_ANNOTATION = 'catalyst.openova.io/pod-security-reason';
/** Annotation on a NetworkPolicy saying which declared need or graph edge it comes from. */
export const FLOW_REASON_ANNOTATION = 'catalyst.openova.io/flow-reason';

/** Label every namespace carries with its own name (Kubernetes 1.22+); what namespace selectors match on. */
const NS_NAME_LABEL = 'kubernetes.io/metadata.name';
const WORLD_V4 = '0.0.0.0/0';
const WORLD_V6 = '::/0';

/** The Pod Security admission level and the reason for it, for a set of Blueprints sharing a namespace. */
export interface PodSecurityDecision {
  readonly level: PodSecurityLevel;
  /** Why the level is weaker than `restricted` (one line per Blueprint that asked); empty for `restricted`. */
  readonly reasons: readonly string[];
}

/** The weakest level any of the Blueprints needs (a namespace's pods must all be admitted). */
export function podSecurityOf(blueprints: readonly Blueprint[]): PodSecurityDecision {
  let level: PodSecurityLevel = 'restricted';
  const reasons: string[] = [];
  for (const bp of blueprints) {
    const ps = bp.spec.podSecurity;
    if (!ps) continue;
    reasons.push(`${bp.publishedName}: ${ps.level}: ${ps.reason}`);
    if (LEVEL_RANK[ps.level] > LEVEL_RANK[level]) level = ps.level;
  }
  return { level, reasons };
}

function labelsAt(level: PodSecurityLevel): Readonly<Record<string, string>> {
  return Object.freeze({
    [`${PSA_PREFIX}/enforce`]: level,
    [`${PSA_PREFIX}/enforce-version`]: 'latest',
    [`${PSA_PREFIX}/warn`]: level,
    [`${PSA_PREFIX}/warn-version`]: 'latest',
    // Always restricted: the audit log then lists what a weaker namespace would need to change.
    [`${PSA_PREFIX}/audit`]: 'restricted',
    [`${PSA_PREFIX}/audit-version`]: 'latest',
  });
}

const PSA_LABELS: Readonly<Record<PodSecurityLevel, Readonly<Record<string, string>>>> = {
  restricted: labelsAt('restricted'),
  baseline: labelsAt('baseline'),
  privileged: labelsAt('privileged'),
};

/** Pod Security admission labels for a namespace at `level` (one shared, frozen object per level). */
export function podSecurityLabels(level: PodSecurityLevel): Readonly<Record<string, string>> {
  return PSA_LABELS[level];
}

/** Labels and annotations the Namespace object of `blueprints`' namespace gets from this module. */
export function namespaceSecurityMetadata(blueprints: readonly Blueprint[]): { labels: Record<string, string>; annotations: Record<string, string> } {
  const ps = podSecurityOf(blueprints);
  return {
    labels: podSecurityLabels(ps.level),
    annotations: ps.reasons.length ? { [POD_SECURITY_REASON_ANNOTATION]: ps.reasons.join('; ') } : {},
  };
}

/** Flows of one namespace, derived from its Blueprints, their graph edges and declared needs. */
export interface NamespaceFlows {
  /** Namespaces of dependencies this namespace's pods may reach, with the edges that justify each. */
  readonly egressTo: ReadonlyMap<string, readonly string[]>;
  /** Namespaces of dependants that may reach this namespace's pods, with the edges. */
  readonly ingressFrom: ReadonlyMap<string, readonly string[]>;
  /** Union of the declared needs, each port with the Blueprints that declared it. */
  readonly needs: { readonly [K in keyof NetworkNeeds]-?: readonly DeclaredPort[] };
}

/** A declared port and who declared it. */
export interface DeclaredPort extends FlowPort {
  readonly by: readonly string[];
}

/** The dependency graph, as much of it as this module reads: edges between Blueprint instances. */
export interface FlowGraph {
  dependenciesOf(bp: Blueprint): readonly Blueprint[];
  dependantsOf(bp: Blueprint): readonly Blueprint[];
}

/** The Sovereign's graph (Blueprints keyed by name) as a FlowGraph. */
export function sovereignFlowGraph(graph: { dependenciesOf(name: string): readonly Blueprint[]; dependantsOf(name: string): readonly Blueprint[] }): FlowGraph {
  return { dependenciesOf: (bp) => graph.dependenciesOf(bp.name), dependantsOf: (bp) => graph.dependantsOf(bp.name) };
}

/** An Application of an Environment, as much of it as this module reads. */
export interface ApplicationLike {
  readonly name: string;
  readonly blueprint: Blueprint;
  /** Names of the sibling Applications it depends on. */
  readonly dependsOn: readonly string[];
}

/** The graph between the Applications of one Environment (their `dependsOn`). */
export function environmentFlowGraph(apps: readonly ApplicationLike[]): FlowGraph {
  const byBp = new Map(apps.map((a) => [a.blueprint, a]));
  const byName = new Map(apps.map((a) => [a.name, a]));
  return {
    dependenciesOf: (bp) => (byBp.get(bp)?.dependsOn ?? []).map((n) => byName.get(n)?.blueprint).filter((b): b is Blueprint => b !== undefined),
    dependantsOf: (bp) => {
      const me = byBp.get(bp);
      return me ? apps.filter((a) => a.dependsOn.includes(me.name)).map((a) => a.blueprint) : [];
    },
  };
}

function addEdge(map: Map<string, string[]>, ns: string, edge: string): void {
  const list = map.get(ns) ?? [];
  if (!list.includes(edge)) list.push(edge);
  map.set(ns, list);
}

function sortedMap(map: Map<string, string[]>): ReadonlyMap<string, readonly string[]> {
  return new Map([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, [...v].sort()]));
}

function mergePorts(blueprints: readonly Blueprint[], key: keyof NetworkNeeds): DeclaredPort[] {
  const out: { port: number; protocol: 'TCP' | 'UDP'; by: string[] }[] = [];
  for (const bp of blueprints) {
    for (const p of bp.spec.network?.[key] ?? []) {
      const protocol = p.protocol ?? 'TCP';
      const prior = out.find((x) => x.port === p.port && x.protocol === protocol);
      if (prior) {
        if (!prior.by.includes(bp.publishedName)) prior.by.push(bp.publishedName);
      } else {
        out.push({ port: p.port, protocol, by: [bp.publishedName] });
      }
    }
  }
  // Protocols are upper-case ASCII; localeCompare would also cost the ICU collator's start-up (~8 ms).
  return out.sort((a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0));
}

/** Flows of namespace `ns`, whose Blueprints are `blueprints`, along `graph`. */
export function namespaceFlows(ns: string, blueprints: readonly Blueprint[], graph: FlowGraph): NamespaceFlows {
  const egressTo = new Map<string, string[]>();
  const ingressFrom = new Map<string, string[]>();
  for (const bp of blueprints) {
    for (const d of graph.dependenciesOf(bp)) {
      if (d.namespace !== ns) addEdge(egressTo, d.namespace, `${bp.publishedName} depends on ${d.publishedName}`);
    }
    for (const x of graph.dependantsOf(bp)) {
      if (x.namespace !== ns) addEdge(ingressFrom, x.namespace, `${x.publishedName} depends on ${bp.publishedName}`);
    }
  }
  return {
    egressTo: sortedMap(egressTo),
    ingressFrom: sortedMap(ingressFrom),
    needs: {
      ingressFromWorld: mergePorts(blueprints, 'ingressFromWorld'),
      ingressFromCluster: mergePorts(blueprints, 'ingressFromCluster'),
      egressToWorld: mergePorts(blueprints, 'egressToWorld'),
    },
  };
}

/** A label selector (`{}` selects everything). */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
}

/** A peer of a NetworkPolicy rule (networking.k8s.io/v1 NetworkPolicyPeer). */
export interface PolicyPeer {
  readonly namespaceSelector?: LabelSelector;
  readonly podSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}

/** A port of a NetworkPolicy rule; `endPort` makes it a range. */
export interface PolicyPort {
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly port: number;
  readonly endPort?: number;
}

/** networking.k8s.io/v1 NetworkPolicySpec, the fields the library writes. */
export interface NetworkPolicySpec {
  readonly podSelector: LabelSelector;
  readonly policyTypes: readonly ('Ingress' | 'Egress')[];
  readonly ingress?: readonly { readonly from?: readonly PolicyPeer[]; readonly ports?: readonly PolicyPort[] }[];
  readonly egress?: readonly { readonly to?: readonly PolicyPeer[]; readonly ports?: readonly PolicyPort[] }[];
}

/** A NetworkPolicy as plain data (src/objects.ts). */
export function networkPolicy(metadata: ObjectMeta, spec: NetworkPolicySpec): CanonicalObject {
  return canonical({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata, spec });
}

function nsPeer(ns: string): PolicyPeer {
  return { namespaceSelector: { matchLabels: { [NS_NAME_LABEL]: ns } } };
}

function ports(list: readonly FlowPort[]): PolicyPort[] {
  return list.map((p) => ({ protocol: p.protocol ?? 'TCP', port: p.port }));
}

const WORLD_PEERS: PolicyPeer[] = [{ ipBlock: { cidr: WORLD_V4 } }, { ipBlock: { cidr: WORLD_V6 } }];

function why(list: readonly DeclaredPort[], need: string): string {
  return list.map((p) => `${p.by.join(', ')} ${need} ${p.port}/${p.protocol ?? 'TCP'}`).join('; ');
}

/**
 * The NetworkPolicies of namespace `ns`: default deny plus the allows listed in the module
 * comment. `labels` go on every policy.
 */
export function namespacePolicies(ns: string, flows: NamespaceFlows, labels: Readonly<Record<string, string>>): CanonicalObject[] {
  const policies: CanonicalObject[] = [];
  const policy = (name: string, spec: NetworkPolicySpec, reason: string) => {
    policies.push(networkPolicy({ name, namespace: ns, labels, annotations: { [FLOW_REASON_ANNOTATION]: reason } }, spec));
  };
  policy('deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, 'default deny: every other policy here is an explicit allow');
  policy('allow-same-namespace', {
    podSelector: {},
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{ from: [{ podSelector: {} }] }],
    egress: [{ to: [{ podSelector: {} }] }],
  }, 'pods of one namespace form one application');
  policy('allow-dns', {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [{
      to: [{ namespaceSelector: { matchLabels: { [NS_NAME_LABEL]: 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: ports([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]),
    }],
  }, 'name resolution through kube-dns');
  // The API server runs on the host network, which no pod or namespace selector matches: by port only.
  policy('allow-apiserver', {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [{ ports: ports([{ port: 6443 }, { port: 443 }]) }],
  }, 'controllers and operators talk to the Kubernetes API server');
  // Graph edges, forward: a dependant calls its dependencies.
  if (flows.egressTo.size > 0) {
    const reason = [...flows.egressTo.values()].flat().join('; ');
    const peers = [...flows.egressTo.keys()].map(nsPeer);
    policy('allow-to-dependencies', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: peers }] }, reason);
    // Backward: an operator dependency (cnpg, crossplane) calls the instances it manages here.
    policy('allow-from-dependencies', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: peers }] }, reason);
  }
  if (flows.ingressFrom.size > 0) {
    const reason = [...flows.ingressFrom.values()].flat().join('; ');
    const peers = [...flows.ingressFrom.keys()].map(nsPeer);
    policy('allow-from-dependants', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: peers }] }, reason);
    policy('allow-to-dependants', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: peers }] }, reason);
  }
  const n = flows.needs;
  if (n.ingressFromWorld.length > 0) {
    policy('allow-ingress-from-world', {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: WORLD_PEERS, ports: ports(n.ingressFromWorld) }],
    }, why(n.ingressFromWorld, 'accepts traffic from outside the cluster on'));
  }
  if (n.ingressFromCluster.length > 0) {
    policy('allow-ingress-from-cluster', {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: {} }], ports: ports(n.ingressFromCluster) }],
    }, why(n.ingressFromCluster, 'accepts traffic from any namespace on'));
  }
  if (n.egressToWorld.length > 0) {
    policy('allow-egress-to-world', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: WORLD_PEERS, ports: ports(n.egressToWorld) }],
    }, why(n.egressToWorld, 'reaches the internet on'));
  }
  return policies;
}

/**
 * The Namespace object of `ns` (labels: `labels.namespace` + Pod Security; the reason as an
 * annotation) followed by its NetworkPolicies (labelled `labels.policies`).
 * `blueprints` are the Blueprints whose pods run in `ns`; `graph` gives their edges.
 */
export function secureNamespace(
  ns: string,
  blueprints: readonly Blueprint[],
  graph: FlowGraph,
  labels: { readonly namespace: Readonly<Record<string, string>>; readonly policies: Readonly<Record<string, string>> },
): CanonicalObject[] {
  const security = namespaceSecurityMetadata(blueprints);
  const namespace = canonical({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: ns,
      labels: { ...labels.namespace, ...security.labels },
      ...(Object.keys(security.annotations).length ? { annotations: security.annotations } : {}),
    },
  });
  return [namespace, ...namespacePolicies(ns, namespaceFlows(ns, blueprints, graph), labels.policies)];
}

/**
 * True for the objects this module writes for a namespace (the Namespace itself and its
 * NetworkPolicies), as opposed to a Blueprint's own overlays: what tests about a Blueprint's
 * overlays filter out.
 */
export function isNamespaceBaseline(o: { readonly kind: string; readonly metadata: object }): boolean {
  const annotations = ((o.metadata as { readonly annotations?: unknown }).annotations ?? {}) as Record<string, unknown>;
  return o.kind === 'Namespace' || (o.kind === 'NetworkPolicy' && typeof annotations[FLOW_REASON_ANNOTATION] === 'string');
}
