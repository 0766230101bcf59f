/**
 * Facts about Hetzner Cloud that Phase 0 (OpenTofu via cdktf, stacks/hetzner) and Phase 1
 * (Crossplane XRDs and Compositions, blueprints/crossplane-claims) must agree on. One home,
 * imported by both sides: upstream kept a server-type regex per side and they disagreed
 * (Phase 0 accepted the arm64 `cax` family, the XRDs did not), and Phase 0 named resources
 * `catalyst-<fqdn with dashes>` while the Compositions used the raw FQDN.
 */
import { Type } from '@sinclair/typebox';
import { HETZNER_LOCATIONS, HetznerLocation } from './cloud';

export { HETZNER_LOCATIONS };
export type { HetznerLocation };

/** Server-type families a Sovereign may use: shared x86 (cx), shared AMD (cpx), dedicated (ccx), arm64 (cax). */
export const HETZNER_SERVER_TYPE_FAMILIES = ['cx', 'cpx', 'ccx', 'cax'] as const;
export type HetznerServerTypeFamily = (typeof HETZNER_SERVER_TYPE_FAMILIES)[number];

/**
 * The one server-type pattern: a family followed by the two- or three-digit size
 * (`cx22`, `cpx31`, `ccx63`, `cax41`, `cx122`). JSON-Schema/RE2 syntax, so the same string
 * goes into XRD schemas, OpenTofu validations and TypeScript checks.
 */
export const HETZNER_SERVER_TYPE_PATTERN = `^(${HETZNER_SERVER_TYPE_FAMILIES.join('|')})[0-9]{2,3}$`;

/** HETZNER_SERVER_TYPE_PATTERN as a RegExp. */
export const HETZNER_SERVER_TYPE = new RegExp(HETZNER_SERVER_TYPE_PATTERN);

/** True if `s` is a server type of an accepted family. */
export function isHetznerServerType(s: unknown): s is string {
  return typeof s === 'string' && HETZNER_SERVER_TYPE.test(s);
}

/** TypeBox schema of a server type, for typed values and XRD parameters. */
export function hetznerServerTypeSchema(description = 'Hetzner server type: cx, cpx, ccx or cax family and size, e.g. cx42') {
  return Type.String({ pattern: HETZNER_SERVER_TYPE_PATTERN, description });
}

/** Hetzner network zones (a private network's subnets live in one zone). */
export type HetznerNetworkZone = 'eu-central' | 'us-east' | 'us-west' | 'ap-southeast';

/** Location → network zone, as the upstream module's `network_zone` local maps it. */
export const HETZNER_NETWORK_ZONE: Readonly<Record<HetznerLocation, HetznerNetworkZone>> = {
  fsn1: 'eu-central',
  nbg1: 'eu-central',
  hel1: 'eu-central',
  ash: 'us-east',
  hil: 'us-west',
};

/** The network zone of a location. */
export function networkZoneOf(location: HetznerLocation): HetznerNetworkZone {
  return HETZNER_NETWORK_ZONE[location];
}

/**
 * How a resource name stem is derived from the Sovereign FQDN: prefix, then the FQDN with every
 * `search` replaced by `replace`. Stated as data so a Composition can apply the same rule at
 * runtime (a string Replace transform, then a Format) that `hetznerNameStem` applies here.
 */
export const HETZNER_NAME_STEM_RULE = { prefix: 'catalyst-', search: '.', replace: '-' } as const;

/** `catalyst-<fqdn with dots as dashes>`: the stem of every Hetzner resource name of a Sovereign. */
export function hetznerNameStem(fqdn: string): string {
  const r = HETZNER_NAME_STEM_RULE;
  return `${r.prefix}${fqdn.split(r.search).join(r.replace)}`;
}

/** Suffixes Phase 0 appends to the stem (`<stem>-net`, `<stem>-fw`, …); the Region Composition uses the same. */
export const HETZNER_NAME_SUFFIX = {
  network: 'net',
  subnet: 'subnet',
  firewall: 'fw',
  loadBalancer: 'lb',
  /** The first control-plane server; Phase 0 numbers them cp1..cp3. */
  controlPlane1: 'cp1',
} as const;

export type HetznerNamedResource = keyof typeof HETZNER_NAME_SUFFIX;

/** The Hetzner name of one of a Sovereign's Phase-0 resources, e.g. `catalyst-omantel-omani-works-net`. */
export function hetznerResourceName(fqdn: string, resource: HetznerNamedResource): string {
  return `${hetznerNameStem(fqdn)}-${HETZNER_NAME_SUFFIX[resource]}`;
}

/** The private network of a region, as Phase 0 creates it by default. */
export const HETZNER_DEFAULT_NETWORK = {
  ipRange: '10.0.0.0/16',
  subnetIpRange: '10.0.1.0/24',
  /** The first control plane's fixed private IP; workers join it here. */
  controlPlaneIp: '10.0.1.2',
} as const;

/** Server image of every node. */
export const HETZNER_DEFAULT_IMAGE = 'ubuntu-24.04';

export const HETZNER_LOAD_BALANCER_TYPES = ['lb11', 'lb21', 'lb31'] as const;
export type HetznerLoadBalancerType = (typeof HETZNER_LOAD_BALANCER_TYPES)[number];

/**
 * Load balancer services of a region: HTTP and HTTPS to the Cilium Gateway NodePorts, and the
 * Kubernetes API (the kubeconfig handed back after Phase 0 points at `<LB IPv4>:6443`).
 */
export const HETZNER_LB_SERVICES = [
  { name: 'https', protocol: 'tcp', listenPort: 443, destinationPort: 31443 },
  { name: 'http', protocol: 'tcp', listenPort: 80, destinationPort: 31080 },
  { name: 'kube-api', protocol: 'tcp', listenPort: 6443, destinationPort: 6443 },
] as const;

/** Inbound firewall rules of every node: HTTP(S), the Kubernetes API and ICMP from anywhere. */
export const HETZNER_FIREWALL_INBOUND = {
  tcpPorts: [80, 443, 6443],
  icmp: true,
  sourceIps: ['0.0.0.0/0', '::/0'],
} as const;

/**
 * Hand-off for adopting Phase-0 resources into Crossplane: Phase 0 (cloud-init on the first
 * control plane) writes this ConfigMap with the facts and Hetzner ids of what OpenTofu created,
 * and the Flux Kustomization that applies the adoption claims substitutes `${<variable>}` from it
 * (`postBuild.substituteFrom`). Ids are numeric strings; the control plane learns its own server
 * id from the Hetzner metadata service. Nothing here is secret.
 */
export const PHASE0_HETZNER_FACTS = {
  namespace: 'flux-system',
  name: 'catalyst-phase0-hetzner',
  variables: {
    /** Location of the region, e.g. `fsn1`. */
    location: 'HCLOUD_LOCATION',
    /** Server type of the control planes, e.g. `cx42`. */
    controlPlaneType: 'HCLOUD_CONTROL_PLANE_TYPE',
    /** Server type of the default worker pool (the region's nominal worker size). */
    workerType: 'HCLOUD_WORKER_TYPE',
    /** Name of the Hetzner SSH key Phase 0 registered. */
    sshKeyName: 'HCLOUD_SSH_KEY_NAME',
    networkIpRange: 'HCLOUD_NETWORK_IP_RANGE',
    subnetIpRange: 'HCLOUD_SUBNET_IP_RANGE',
    controlPlaneIp: 'HCLOUD_CONTROL_PLANE_1_IP',
    networkId: 'HCLOUD_NETWORK_ID',
    firewallId: 'HCLOUD_FIREWALL_ID',
    controlPlaneServerId: 'HCLOUD_CONTROL_PLANE_1_ID',
    loadBalancerId: 'HCLOUD_LOAD_BALANCER_ID',
  },
} as const;

export type Phase0HetznerFact = keyof typeof PHASE0_HETZNER_FACTS.variables;
