/**
 * Hetzner Phase 0 props: defaults (the upstream module's), synth-time validation and Hetzner's
 * limits, each failure reported once with its field path. Facts shared with Phase 1 (server-type
 * pattern, locations, network zones, names) come from src/hetzner.ts.
 */
import { HetznerCloudProps, HetznerLocation } from '../../src/cloud';
import { CatalystError, describeValue, IssueCollector } from '../../src/errors';
import {
  HETZNER_DEFAULT_IMAGE, HETZNER_DEFAULT_NETWORK, HETZNER_LOAD_BALANCER_TYPES, HETZNER_LOCATIONS, HETZNER_SERVER_TYPE_PATTERN,
  hetznerNameStem, HetznerServerTypeFamily, isHetznerServerType,
} from '../../src/hetzner';
import { cidrHost, contains, Ipv4Cidr, isPrivateRange, overlaps, parseIpv4Cidr } from '../common/net';
import { checkNodeLabels, CLOUD_PATH, POOL_NAME, resolveBase, ResolvedBase } from '../common/props';

/** Hetzner limits checked at synth (docs.hetzner.com/cloud/networks/overview, placement-groups/overview). */
export const HETZNER_LIMITS = {
  subnetsPerNetwork: 50,
  serversPerNetwork: 100,
  serversPerSpreadPlacementGroup: 10,
} as const;

/**
 * Server-type families each location offers. The cx (Intel/AMD shared) and cax (Ampere arm64)
 * lines exist only in the EU locations; the US locations offer cpx and ccx.
 */
export const HETZNER_FAMILIES_BY_LOCATION: Readonly<Record<HetznerLocation, readonly HetznerServerTypeFamily[]>> = {
  fsn1: ['cx', 'cpx', 'ccx', 'cax'],
  nbg1: ['cx', 'cpx', 'ccx', 'cax'],
  hel1: ['cx', 'cpx', 'ccx', 'cax'],
  ash: ['cpx', 'ccx'],
  hil: ['cpx', 'ccx'],
};

export const DEFAULT_CONTROL_PLANE_TYPE = 'cx42';

export interface ResolvedPool {
  readonly name: string;
  readonly serverType: string;
  readonly count: number;
  readonly labels: { readonly [key: string]: string };
  /** Pool subnet, when the pool has its own. */
  readonly subnet?: string;
  /** Fixed private IPs (host n+1 of the pool's own subnet); none means Hetzner assigns them. */
  readonly ips?: readonly string[];
  readonly placementGroup: boolean;
}

export interface ResolvedHetzner extends ResolvedBase {
  readonly location: HetznerLocation;
  readonly stem: string;
  readonly controlPlane: { readonly serverType: string; readonly count: 1 | 3; readonly placementGroup: boolean };
  /** Pools in name order (stable output whatever order the props object had). */
  readonly pools: readonly ResolvedPool[];
  readonly network: { readonly ipRange: string; readonly subnet: string };
  /** Private IPs of control planes 1..n (cp1 = host 2, as upstream). */
  readonly controlPlaneIps: readonly string[];
  /** The load balancer's private IP: fixed, so auto-assigned worker IPs never take it first. */
  readonly loadBalancerIp: string;
  readonly image: string;
  readonly loadBalancerType: string;
  readonly crossplaneCredentials: boolean;
}

function familyOf(serverType: string): HetznerServerTypeFamily {
  return /^[a-z]+/.exec(serverType)![0] as HetznerServerTypeFamily;
}

function checkServerType(serverType: unknown, location: HetznerLocation | undefined, path: string, issues: IssueCollector): void {
  if (!isHetznerServerType(serverType)) {
    issues.add(path, `must be a Hetzner server type matching ${HETZNER_SERVER_TYPE_PATTERN} (cx, cpx, ccx or cax family and size, e.g. cx42) (got ${describeValue(serverType)})`);
    return;
  }
  if (location && !HETZNER_FAMILIES_BY_LOCATION[location].includes(familyOf(serverType))) {
    issues.add(path, `server type ${serverType} does not exist in ${location}: ${location} offers the ${HETZNER_FAMILIES_BY_LOCATION[location].join(', ')} families; pick one of those or an EU location (fsn1, nbg1, hel1)`);
  }
}

/** Validates and resolves; throws one CatalystError listing every problem. */
export function resolveHetzner(fqdn: string, cloud: HetznerCloudProps): ResolvedHetzner {
  const issues = new IssueCollector();
  const p = CLOUD_PATH;
  const base = resolveBase(cloud, issues);
  const location = HETZNER_LOCATIONS.includes(base.region as HetznerLocation) ? (base.region as HetznerLocation) : undefined;
  if (base.region !== undefined && !location) {
    issues.add(`${p}.regions[0]`, `unknown Hetzner location ${describeValue(base.region)}; allowed: ${HETZNER_LOCATIONS.join(', ')}`);
  }

  const stem = hetznerNameStem(fqdn);
  // Hetzner label values are at most 63 characters; the FQDN is the sovereign label's value.
  if (fqdn.length > 63) {
    issues.add('sovereign.fqdn', `is ${fqdn.length} characters; Hetzner label values (catalyst.openova.io/sovereign) allow at most 63`);
  }

  const cp = cloud.controlPlane ?? {};
  const cpType = cp.serverType ?? DEFAULT_CONTROL_PLANE_TYPE;
  checkServerType(cpType, location, `${p}.controlPlane.serverType`, issues);
  const cpCount = cp.count ?? 1;
  if (cpCount !== 1 && cpCount !== 3) {
    issues.add(`${p}.controlPlane.count`, `must be 1 or 3 (embedded etcd needs an odd quorum; 3 is HA) (got ${describeValue(cpCount)})`);
  }
  if (cp.placementGroup !== undefined && typeof cp.placementGroup !== 'boolean') {
    issues.add(`${p}.controlPlane.placementGroup`, `must be a boolean (got ${describeValue(cp.placementGroup)})`);
  }

  const ipRangeText = cloud.network?.ipRange ?? HETZNER_DEFAULT_NETWORK.ipRange;
  const subnetText = cloud.network?.subnet ?? HETZNER_DEFAULT_NETWORK.subnetIpRange;
  const ipRange = parseIpv4Cidr(ipRangeText);
  const subnet = parseIpv4Cidr(subnetText);
  if (!ipRange || !isPrivateRange(ipRange)) {
    issues.add(`${p}.network.ipRange`, `must be an IPv4 CIDR inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 without host bits (got ${describeValue(ipRangeText)})`);
  }
  if (!subnet) {
    issues.add(`${p}.network.subnet`, `must be an IPv4 CIDR without host bits (got ${describeValue(subnetText)})`);
  } else if (ipRange && !contains(ipRange, subnet)) {
    issues.add(`${p}.network.subnet`, `${subnetText} is not inside network.ipRange ${ipRangeText}`);
  } else if (subnet.prefix > 24) {
    issues.add(`${p}.network.subnet`, `must be a /24 or larger: control planes take hosts 2-4 and the load balancer host 254 (got ${subnetText})`);
  }

  const pools: ResolvedPool[] = [];
  const workers = cloud.workers ?? {};
  if (workers === null || typeof workers !== 'object' || Array.isArray(workers)) {
    issues.add(`${p}.workers`, `must be an object of pool name → pool (got ${describeValue(workers)})`);
  } else {
    const poolSubnets: Array<{ name: string; cidr: Ipv4Cidr }> = [];
    for (const name of Object.keys(workers).sort()) {
      const w = workers[name];
      const wp = `${p}.workers.${name}`;
      if (!POOL_NAME.test(name)) issues.add(wp, 'pool name must be 1-16 lowercase letters, digits or \'-\', starting with a letter (it names servers and Terraform resources)');
      if (!w || typeof w !== 'object') {
        issues.add(wp, `must be { serverType, count } (got ${describeValue(w)})`);
        continue;
      }
      checkServerType(w.serverType, location, `${wp}.serverType`, issues);
      if (!Number.isInteger(w.count) || w.count < 0 || w.count > HETZNER_LIMITS.serversPerNetwork) {
        issues.add(`${wp}.count`, `must be an integer from 0 to ${HETZNER_LIMITS.serversPerNetwork} (got ${describeValue(w.count)})`);
      }
      checkNodeLabels(w.labels, `${wp}.labels`, issues);
      if (w.placementGroup && Number.isInteger(w.count) && w.count > HETZNER_LIMITS.serversPerSpreadPlacementGroup) {
        issues.add(`${wp}.count`, `${w.count} servers cannot share one spread placement group: Hetzner allows at most ${HETZNER_LIMITS.serversPerSpreadPlacementGroup}; split the pool or set placementGroup: false`);
      }
      if (w.subnet !== undefined) {
        const ps = parseIpv4Cidr(w.subnet);
        if (!ps) {
          issues.add(`${wp}.subnet`, `must be an IPv4 CIDR without host bits (got ${describeValue(w.subnet)})`);
        } else if (ipRange && !contains(ipRange, ps)) {
          issues.add(`${wp}.subnet`, `${w.subnet} is not inside network.ipRange ${ipRangeText}`);
        } else if (subnet && overlaps(subnet, ps)) {
          issues.add(`${wp}.subnet`, `${w.subnet} overlaps the nodes' subnet ${subnetText}`);
        } else {
          const clash = poolSubnets.find((o) => overlaps(o.cidr, ps));
          if (clash) issues.add(`${wp}.subnet`, `${w.subnet} overlaps the subnet of pool ${clash.name} (${clash.cidr.text})`);
          poolSubnets.push({ name, cidr: ps });
        }
      }
      pools.push({
        name,
        serverType: w.serverType,
        count: w.count,
        labels: { ...(w.labels ?? {}) },
        subnet: w.subnet,
        placementGroup: w.placementGroup ?? false,
      });
    }
  }

  // Hetzner picks the subnet of an auto-assigned IP itself, so once pools have subnets of their own
  // every pool must (their servers then get fixed IPs inside it).
  const withSubnet = pools.filter((x) => x.subnet).map((x) => x.name);
  const withoutSubnet = pools.filter((x) => !x.subnet).map((x) => x.name);
  if (withSubnet.length && withoutSubnet.length) {
    issues.add(`${p}.workers`, `pools ${withSubnet.join(', ')} have their own subnet but ${withoutSubnet.join(', ')} do not; give every pool a subnet or none (Hetzner would place auto-assigned IPs in any subnet)`);
  }
  for (const x of pools) {
    const ps = x.subnet ? parseIpv4Cidr(x.subnet) : undefined;
    if (ps && Number.isInteger(x.count) && x.count + 2 > 2 ** (32 - ps.prefix)) {
      issues.add(`${p}.workers.${x.name}.subnet`, `${x.subnet} has room for ${2 ** (32 - ps.prefix) - 2} servers, the pool asks for ${x.count}`);
    }
  }

  // Hetzner limits, each one clear error.
  const subnetCount = 1 + new Set(pools.filter((x) => x.subnet).map((x) => x.subnet)).size;
  if (subnetCount > HETZNER_LIMITS.subnetsPerNetwork) {
    issues.add(`${p}.workers`, `needs ${subnetCount} subnets in one network; Hetzner allows at most ${HETZNER_LIMITS.subnetsPerNetwork} per network. Let pools share the nodes' subnet (omit subnet)`);
  }
  const serverCount = (cpCount === 3 ? 3 : 1) + pools.reduce((n, x) => n + (Number.isInteger(x.count) ? x.count : 0), 0);
  if (serverCount > HETZNER_LIMITS.serversPerNetwork) {
    issues.add(`${p}.workers`, `asks for ${serverCount} servers (control planes included) in one network; Hetzner allows at most ${HETZNER_LIMITS.serversPerNetwork} servers per network`);
  }

  // Server names are single DNS labels: `<stem>-<pool>-<n>` must fit in 63 characters.
  const longest = Math.max(`${stem}-cp3`.length, ...pools.map((x) => `${stem}-${x.name}-${Math.max(x.count, 1)}`.length));
  if (longest > 63) {
    issues.add('sovereign.fqdn', `gives server names of up to ${longest} characters (stem ${stem}); Hetzner server names are hostnames of at most 63. Use a shorter FQDN or shorter pool names`);
  }

  const image = cloud.image ?? HETZNER_DEFAULT_IMAGE;
  if (typeof image !== 'string' || !/^[a-z0-9][a-z0-9.-]*$/.test(image)) {
    issues.add(`${p}.image`, `must be a Hetzner image name such as ubuntu-24.04 (got ${describeValue(image)})`);
  }
  const loadBalancerType = cloud.loadBalancerType ?? 'lb11';
  if (!HETZNER_LOAD_BALANCER_TYPES.includes(loadBalancerType as never)) {
    issues.add(`${p}.loadBalancerType`, `must be one of ${HETZNER_LOAD_BALANCER_TYPES.join(', ')} (got ${describeValue(loadBalancerType)})`);
  }
  if (cloud.crossplaneCredentials !== undefined && typeof cloud.crossplaneCredentials !== 'boolean') {
    issues.add(`${p}.crossplaneCredentials`, `must be a boolean (got ${describeValue(cloud.crossplaneCredentials)})`);
  }

  issues.throwIfAny();
  const count = cpCount as 1 | 3;
  const resolvedPools = pools.map((x) => (x.subnet
    ? { ...x, ips: Array.from({ length: x.count }, (_, i) => cidrHost(parseIpv4Cidr(x.subnet!)!, i + 2)) }
    : x));
  return {
    ...base,
    location: location!,
    stem,
    controlPlane: { serverType: cpType, count, placementGroup: cp.placementGroup ?? true },
    pools: resolvedPools,
    network: { ipRange: ipRangeText, subnet: subnetText },
    controlPlaneIps: Array.from({ length: count }, (_, i) => cidrHost(subnet!, i + 2)),
    loadBalancerIp: cidrHost(subnet!, 254),
    image,
    loadBalancerType,
    crossplaneCredentials: cloud.crossplaneCredentials ?? true,
  };
}

export function assertHetzner(cloud: unknown): asserts cloud is HetznerCloudProps {
  if (!cloud || (cloud as { provider?: unknown }).provider !== 'hetzner') {
    throw CatalystError.at(`${CLOUD_PATH}.provider`, `expected 'hetzner' (got ${describeValue((cloud as { provider?: unknown })?.provider)})`);
  }
}
