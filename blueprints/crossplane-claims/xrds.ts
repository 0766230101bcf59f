/**
 * The six day-2 claim APIs of UPSTREAM §5.2 (group compose.openova.io, v1alpha1), each described
 * once in TypeBox: the XRD schema, the claim type and the patch-path checks derive from it.
 *
 * Deliberate differences from upstream, each fixing an observation of the spec:
 * - server types accept every family Phase 0 accepts (cx, cpx, ccx, cax) from src/hetzner.ts;
 * - the default ProviderConfig is HCLOUD_PROVIDER_CONFIG, the one the infrastructure installs;
 * - status fields nothing writes are gone (Region provisioningFinishedAt, Cluster endpoint/ready,
 *   NodePool currentReplicas, LoadBalancer targetHealth); AGE/READY columns are Crossplane's own;
 * - RegionClaim carries the control plane's cloud-init (`userData`) or adopts Phase-0 resources
 *   (`adopt`), never neither: a server without cloud-init boots without k3s;
 * - NodePool servers join the private network (`networkId` required) with worker cloud-init and
 *   Hetzner-assigned IPs; LoadBalancer targets are capped at the 50 templates that exist.
 */
import { Static, Type } from '@sinclair/typebox';
import { ClaimDefinition, defineClaim, enumOf, enumWithDefault } from '../../constructs/crossplane';
import { HCLOUD_PROVIDER_CONFIG } from '../../src/handoff';
import { HETZNER_DEFAULT_IMAGE, HETZNER_DEFAULT_NETWORK, HETZNER_LOAD_BALANCER_TYPES, HETZNER_LOCATIONS, hetznerServerTypeSchema } from '../../src/hetzner';
import { strictObject } from '../../src/values';

export const CLAIM_GROUP = 'compose.openova.io';
export const CLAIM_VERSION = 'v1alpha1';
export const CLAIM_API_VERSION = `${CLAIM_GROUP}/${CLAIM_VERSION}`;

/** Labels on every XRD and Composition of the family (UPSTREAM §5.2). */
export const CLAIM_LABELS = {
  'catalyst.openova.io/component': 'crossplane',
  'catalyst.openova.io/composition-family': 'hetzner',
  'catalyst.openova.io/day2-crud': 'true',
} as const;

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
/** An IPv4 address. RE2 syntax (no look-arounds): the API server evaluates these patterns. */
export const CLAIM_IPV4_PATTERN = `^${OCTET}(\\.${OCTET}){3}$`;
/** An IPv4 CIDR block. */
export const CLAIM_CIDR_PATTERN = `^${OCTET}(\\.${OCTET}){3}/([0-9]|[12][0-9]|3[0-2])$`;
/** A DNS name such as omantel.omani.works. */
export const CLAIM_FQDN_PATTERN = '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$';
/** A Kubernetes object name usable as a Hetzner resource name prefix. */
export const CLAIM_NAME_PATTERN = '^[a-z0-9][a-z0-9-]{1,62}$';
/** A numeric Hetzner id, as a string (ids exceed what claims should round-trip as numbers). */
export const CLAIM_HETZNER_ID_PATTERN = '^[0-9]{1,19}$';

const Location = () => enumOf(...HETZNER_LOCATIONS);
const ServerType = () => hetznerServerTypeSchema();
const Fqdn = (description: string) => Type.String({ pattern: CLAIM_FQDN_PATTERN, maxLength: 253, description });
const HetznerId = (description: string) => Type.String({ pattern: CLAIM_HETZNER_ID_PATTERN, description });
const ObjectRef = (what: string) =>
  strictObject({
    name: Type.String({ description: `name of the ${what}` }),
    namespace: Type.Optional(Type.String({ description: `namespace of the ${what}; default: the claim's` })),
  });
const CloudInit = (description: string) => Type.String({ minLength: 1, maxLength: 32768, description });

/** A definition of the family: its common settings plus what differs. */
function claimFamily<P extends ReturnType<typeof strictObject>, S extends ReturnType<typeof Type.Object>>(
  kind: string,
  description: string,
  defaultComposition: string,
  parameters: P,
  status: S,
  printerColumns: ClaimDefinition<P, S>['props']['printerColumns'],
  rules: ClaimDefinition<P, S>['props']['rules'] = [],
): ClaimDefinition<P, S> {
  const lower = kind.toLowerCase();
  return defineClaim({
    group: CLAIM_GROUP,
    version: CLAIM_VERSION,
    kind: `X${kind}`,
    plural: `x${lower}s`,
    claimKind: kind,
    claimPlural: `${lower}s`,
    description,
    parameters,
    status,
    rules,
    printerColumns,
    defaultComposition,
    providerConfig: HCLOUD_PROVIDER_CONFIG,
    labels: CLAIM_LABELS,
  });
}

// ---------------------------------------------------------------- RegionClaim

export const RegionClaimParameters = strictObject({
  region: Location(),
  provider: enumOf('hetzner'),
  skuCP: ServerType(),
  skuWorker: ServerType(),
  /** Nominal worker count; workers themselves are NodePoolClaims. */
  workerCount: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, default: 0, description: 'nominal number of workers (NodePoolClaims create them)' })),
  sshKeyName: Type.Optional(Type.String({ minLength: 1, description: 'Hetzner SSH key for the control plane; omitted when adopting' })),
  sovereignFQDN: Fqdn('the Sovereign FQDN; resource names are catalyst-<fqdn with dashes>-<suffix>, as in Phase 0'),
  ipRange: Type.Optional(Type.String({ pattern: CLAIM_CIDR_PATTERN, default: HETZNER_DEFAULT_NETWORK.ipRange, description: 'private network range' })),
  subnetIpRange: Type.Optional(Type.String({ pattern: CLAIM_CIDR_PATTERN, default: HETZNER_DEFAULT_NETWORK.subnetIpRange, description: 'node subnet inside ipRange' })),
  controlPlaneIp: Type.Optional(Type.String({ pattern: CLAIM_IPV4_PATTERN, default: HETZNER_DEFAULT_NETWORK.controlPlaneIp, description: 'private IP of the first control plane (workers join it)' })),
  /** k3s control-plane cloud-init, rendered by Phase 0's cloud-init construct. Omitted when adopting. */
  userData: Type.Optional(CloudInit('cloud-init of the first control plane (k3s server); omitted when adopting')),
  /** Hetzner ids of the Phase-0 resources this claim takes over. */
  adopt: Type.Optional(strictObject({
    networkId: HetznerId('id of the existing network'),
    firewallId: HetznerId('id of the existing firewall'),
    controlPlaneServerId: HetznerId('id of the existing first control-plane server'),
    loadBalancerId: HetznerId('id of the existing load balancer'),
  }, { description: 'adopt the resources Phase 0 created instead of creating new ones' })),
});
export type RegionClaimParameters = Static<typeof RegionClaimParameters>;

export const RegionClaimType = claimFamily(
  'RegionClaim',
  'A Hetzner region of the Sovereign: private network, subnet, firewall, first control plane and load balancer (mirrors Phase 0).',
  'hetzner-region.compose.openova.io',
  RegionClaimParameters,
  Type.Object({
    controlPlaneIP: Type.Optional(Type.String({ description: 'public IPv4 of the first control plane' })),
    loadBalancerIP: Type.Optional(Type.String({ description: 'public IPv4 of the load balancer' })),
    networkId: Type.Optional(Type.String({ description: 'Hetzner id of the private network' })),
    firewallId: Type.Optional(Type.String({ description: 'Hetzner id of the firewall' })),
    provisioningStartedAt: Type.Optional(Type.String({ format: 'date-time', description: 'when the network (the first resource) was created' })),
  }),
  [
    { name: 'REGION', type: 'string', jsonPath: '.spec.parameters.region' },
    { name: 'WORKERS', type: 'integer', jsonPath: '.spec.parameters.workerCount' },
    { name: 'CP-IP', type: 'string', jsonPath: '.status.controlPlaneIP' },
    { name: 'LB-IP', type: 'string', jsonPath: '.status.loadBalancerIP' },
  ],
  [
    {
      cel: 'has(self.adopt) ? !has(self.userData) && !has(self.sshKeyName) : has(self.userData) && has(self.sshKeyName)',
      message: 'give userData and sshKeyName to create a region, or adopt (and neither: both force a replacement of an existing server)',
      check: (p: { adopt?: unknown; userData?: unknown; sshKeyName?: unknown }) =>
        p.adopt !== undefined ? p.userData === undefined && p.sshKeyName === undefined : p.userData !== undefined && p.sshKeyName !== undefined,
    },
  ],
);

// ---------------------------------------------------------------- ClusterClaim

export const ClusterClaimParameters = strictObject({
  name: Type.String({ pattern: CLAIM_NAME_PATTERN, description: 'cluster name' }),
  regionRef: ObjectRef('RegionClaim'),
  k3sVersion: Type.String({ pattern: '^v[0-9]+\\.[0-9]+\\.[0-9]+\\+k3s[0-9]+$', description: 'k3s release, e.g. v1.31.4+k3s1' }),
  tags: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'free-form tags recorded with the cluster' })),
});
export type ClusterClaimParameters = Static<typeof ClusterClaimParameters>;

export const ClusterClaimType = claimFamily(
  'ClusterClaim',
  'A record of a k3s cluster in a region (a ConfigMap through provider-kubernetes); provisions nothing.',
  'hetzner-cluster.compose.openova.io',
  ClusterClaimParameters,
  Type.Object({ clusterID: Type.Optional(Type.String({ description: 'stable id of the cluster record' })) }),
  [
    { name: 'NAME', type: 'string', jsonPath: '.spec.parameters.name' },
    { name: 'K3S', type: 'string', jsonPath: '.spec.parameters.k3sVersion' },
    { name: 'CLUSTER-ID', type: 'string', jsonPath: '.status.clusterID', priority: 1 },
  ],
);

// ---------------------------------------------------------------- NodePoolClaim

/** Server templates in the NodePool Composition; `replicas` is capped at this. */
export const NODE_POOL_MAX_REPLICAS = 100;
/** Firewalls a pool's servers may join (one patch each). */
export const NODE_POOL_MAX_FIREWALLS = 5;

export const NodePoolClaimParameters = strictObject({
  name: Type.String({ pattern: CLAIM_NAME_PATTERN, description: 'pool name; servers are <name>-<n>' }),
  clusterRef: ObjectRef('ClusterClaim'),
  sku: ServerType(),
  replicas: Type.Optional(Type.Integer({ minimum: 0, maximum: NODE_POOL_MAX_REPLICAS, default: 1, description: 'number of servers' })),
  role: enumOf('worker', 'control-plane'),
  region: Location(),
  image: Type.Optional(Type.String({ pattern: '^[a-z]+-[0-9]+\\.?[0-9]*$', default: HETZNER_DEFAULT_IMAGE, description: 'server image' })),
  sshKeyName: Type.Optional(Type.String({ minLength: 1, description: 'Hetzner SSH key' })),
  networkId: HetznerId('id of the private network the servers join (a RegionClaim status.networkId)'),
  firewallIds: Type.Optional(Type.Array(HetznerId('firewall id'), { maxItems: NODE_POOL_MAX_FIREWALLS, description: 'firewalls the servers join' })),
  userData: CloudInit('cloud-init of the pool servers (k3s agent joining the cluster)'),
});
export type NodePoolClaimParameters = Static<typeof NodePoolClaimParameters>;

export const NodePoolClaimType = claimFamily(
  'NodePoolClaim',
  'A pool of Hetzner servers joining a cluster; exactly `replicas` servers exist.',
  'hetzner-node-pool.compose.openova.io',
  NodePoolClaimParameters,
  Type.Object({
    nodeIDs: Type.Optional(Type.Array(Type.String(), { maxItems: NODE_POOL_MAX_REPLICAS, description: 'Hetzner ids of the servers, by index' })),
  }),
  [
    { name: 'NAME', type: 'string', jsonPath: '.spec.parameters.name' },
    { name: 'SKU', type: 'string', jsonPath: '.spec.parameters.sku' },
    { name: 'ROLE', type: 'string', jsonPath: '.spec.parameters.role' },
    { name: 'REPLICAS', type: 'integer', jsonPath: '.spec.parameters.replicas' },
  ],
);

// ---------------------------------------------------------------- LoadBalancerClaim

/** Listener and target templates in the LoadBalancer Composition. */
export const LOAD_BALANCER_MAX_LISTENERS = 50;
export const LOAD_BALANCER_MAX_TARGETS = 50;

const Port = (description: string) => Type.Integer({ minimum: 1, maximum: 65535, description });

export const LoadBalancerClaimParameters = strictObject({
  name: Type.String({ pattern: CLAIM_NAME_PATTERN, description: 'load balancer name' }),
  regionRef: ObjectRef('RegionClaim'),
  region: Type.Optional(Location()),
  loadBalancerType: Type.Optional(enumWithDefault(HETZNER_LOAD_BALANCER_TYPES, 'lb11', 'Hetzner load balancer type')),
  networkId: Type.Optional(HetznerId('private network to attach to')),
  algorithm: Type.Optional(enumWithDefault(['round-robin', 'least-conn'], 'round-robin', 'balancing algorithm')),
  listeners: Type.Array(strictObject({
    port: Port('listen port'),
    protocol: enumOf('tcp', 'http', 'https'),
    targetPort: Port('destination port on the targets'),
  }), { minItems: 1, maxItems: LOAD_BALANCER_MAX_LISTENERS }),
  targets: Type.Optional(Type.Array(strictObject({
    type: enumOf('server', 'label-selector', 'ip'),
    serverID: Type.Optional(HetznerId('target server id (type server)')),
    labelSelector: Type.Optional(Type.String({ description: 'label selector (type label-selector)' })),
    ip: Type.Optional(Type.String({ pattern: CLAIM_IPV4_PATTERN, description: 'target IP (type ip)' })),
    usePrivateIP: Type.Optional(Type.Boolean({ default: true })),
  }), { maxItems: LOAD_BALANCER_MAX_TARGETS })),
  sovereignFQDN: Type.Optional(Fqdn('Sovereign FQDN, recorded as a label')),
});
export type LoadBalancerClaimParameters = Static<typeof LoadBalancerClaimParameters>;

export const LoadBalancerClaimType = claimFamily(
  'LoadBalancerClaim',
  'A Hetzner load balancer with listeners and targets.',
  'hetzner-load-balancer-claim.compose.openova.io',
  LoadBalancerClaimParameters,
  Type.Object({
    publicIP: Type.Optional(Type.String({ description: 'public IPv4' })),
    loadBalancerID: Type.Optional(Type.String({ description: 'Hetzner id' })),
  }),
  [
    { name: 'NAME', type: 'string', jsonPath: '.spec.parameters.name' },
    { name: 'TYPE', type: 'string', jsonPath: '.spec.parameters.loadBalancerType' },
    { name: 'PUBLIC-IP', type: 'string', jsonPath: '.status.publicIP' },
  ],
);

// ---------------------------------------------------------------- PeeringClaim

export const PeeringClaimParameters = strictObject({
  name: Type.Optional(Type.String({ pattern: CLAIM_NAME_PATTERN, description: 'peering name (route names)' })),
  regionAID: HetznerId('network id of side A'),
  regionBID: HetznerId('network id of side B'),
  cidrA: Type.String({ pattern: CLAIM_CIDR_PATTERN }),
  cidrB: Type.String({ pattern: CLAIM_CIDR_PATTERN }),
  gatewayA: Type.String({ pattern: CLAIM_IPV4_PATTERN, description: 'router in network A towards B' }),
  gatewayB: Type.Optional(Type.String({ pattern: CLAIM_IPV4_PATTERN, description: 'router in network B towards A (bidirectional)' })),
  bidirectional: Type.Optional(Type.Boolean({ default: true })),
  sovereignFQDN: Type.Optional(Fqdn('Sovereign FQDN, recorded as a label')),
});
export type PeeringClaimParameters = Static<typeof PeeringClaimParameters>;

export const PeeringClaimType = claimFamily(
  'PeeringClaim',
  'Routes between two private networks, via a gateway in each.',
  'hetzner-peering.compose.openova.io',
  PeeringClaimParameters,
  Type.Object({ peeringID: Type.Optional(Type.String({ description: 'Hetzner id of the A→B route' })) }),
  [
    { name: 'NET-A', type: 'string', jsonPath: '.spec.parameters.regionAID' },
    { name: 'NET-B', type: 'string', jsonPath: '.spec.parameters.regionBID' },
    { name: 'BIDIRECTIONAL', type: 'boolean', jsonPath: '.spec.parameters.bidirectional' },
  ],
  [
    {
      cel: '!has(self.bidirectional) || !self.bidirectional || has(self.gatewayB)',
      message: 'a bidirectional peering needs gatewayB (the route back from B to A)',
      check: (p: { bidirectional?: boolean; gatewayB?: string }) => p.bidirectional === false || p.gatewayB !== undefined,
    },
  ],
);

// ---------------------------------------------------------------- NodeActionClaim

export const NodeActionClaimParameters = strictObject({
  nodeRef: strictObject({
    nodeName: Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{1,252}$', maxLength: 253, description: 'Kubernetes node name' }),
    serverID: Type.Optional(HetznerId('Hetzner id of the node\'s server')),
    clusterRef: Type.Optional(ObjectRef('ClusterClaim')),
  }),
  action: enumOf('cordon', 'drain', 'replace'),
  gracePeriod: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600, default: 300, description: 'pod termination grace period in seconds' })),
  replaceWith: Type.Optional(strictObject({
    sku: ServerType(),
    image: Type.Optional(Type.String({ pattern: '^[a-z]+-[0-9]+\\.?[0-9]*$', default: HETZNER_DEFAULT_IMAGE })),
    sshKeyName: Type.Optional(Type.String({ minLength: 1 })),
    region: Location(),
    networkId: HetznerId('private network the replacement joins'),
    userData: CloudInit('cloud-init of the replacement (k3s agent)'),
  })),
});
export type NodeActionClaimParameters = Static<typeof NodeActionClaimParameters>;

export const NodeActionClaimType = claimFamily(
  'NodeActionClaim',
  'A one-off action on a node: cordon, drain, or drain and create a replacement server.',
  'hetzner-node-action.compose.openova.io',
  NodeActionClaimParameters,
  Type.Object({
    actionStartedAt: Type.Optional(Type.String({ format: 'date-time' })),
    actionFinishedAt: Type.Optional(Type.String({ format: 'date-time' })),
    jobName: Type.Optional(Type.String()),
  }),
  [
    { name: 'NODE', type: 'string', jsonPath: '.spec.parameters.nodeRef.nodeName' },
    { name: 'ACTION', type: 'string', jsonPath: '.spec.parameters.action' },
    { name: 'STARTED', type: 'date', jsonPath: '.status.actionStartedAt' },
    { name: 'FINISHED', type: 'date', jsonPath: '.status.actionFinishedAt' },
  ],
  [
    {
      cel: "self.action != 'replace' || has(self.replaceWith)",
      message: 'action replace needs replaceWith (the replacement server)',
      check: (p: { action: string; replaceWith?: unknown }) => p.action !== 'replace' || p.replaceWith !== undefined,
    },
  ],
);

/** The six claim APIs, in the order the XRDs are emitted. */
export const CLAIM_DEFINITIONS = [
  RegionClaimType,
  ClusterClaimType,
  NodePoolClaimType,
  LoadBalancerClaimType,
  PeeringClaimType,
  NodeActionClaimType,
] as const;
