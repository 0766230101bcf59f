/**
 * AWS Phase 0 props: defaults and synth-time validation with field paths. Shares the
 * cloud-neutral part (k3s, helm, ssh, hardening, postback, pull secret) with Hetzner.
 */
import { AwsCloudProps } from '../../src/cloud';
import { describeValue, IssueCollector } from '../../src/errors';
import { hetznerNameStem } from '../../src/hetzner';
import { cidrHost, cidrSubnet, isPrivateRange, parseIpv4Cidr } from '../common/net';
import { checkNodeLabels, CLOUD_PATH, POOL_NAME, resolveBase, ResolvedBase } from '../common/props';

/** AWS region names such as eu-central-1, us-gov-west-1, ap-southeast-4. */
export const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$/;
/** EC2 instance types such as m6i.xlarge, t4g.large, c7gn.2xlarge. */
export const AWS_INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;

export const DEFAULT_AWS_CONTROL_PLANE_TYPE = 'm6i.xlarge';

export interface ResolvedAwsPool {
  readonly name: string;
  readonly instanceType: string;
  readonly count: number;
  readonly labels: { readonly [key: string]: string };
}

export interface ResolvedAws extends ResolvedBase {
  /** Name stem, the same rule as Hetzner (`catalyst-<fqdn with dashes>`). */
  readonly stem: string;
  readonly controlPlane: { readonly instanceType: string; readonly count: 1 | 3 };
  readonly pools: readonly ResolvedAwsPool[];
  readonly vpcCidr: string;
  /** One public subnet per availability zone: 10.0.1.0/24, 10.0.2.0/24, … */
  readonly subnets: readonly string[];
  /** Fixed private IPs of control planes 1..n, one per subnet (AZ) round-robin. */
  readonly controlPlaneIps: readonly string[];
  readonly rootVolumeGiB: number;
}

/** Graviton instance families (`m6g`, `t4g`, `c7gn`, …) run arm64 images. */
export function isArmInstanceType(instanceType: string): boolean {
  return /^[a-z]+[0-9]+g[a-z]*\./.test(instanceType);
}

export function resolveAws(fqdn: string, cloud: AwsCloudProps): ResolvedAws {
  const issues = new IssueCollector();
  const p = CLOUD_PATH;
  const base = resolveBase(cloud, issues);
  if (base.region !== undefined && !AWS_REGION.test(base.region)) {
    issues.add(`${p}.regions[0]`, `must be an AWS region such as eu-central-1 (got ${describeValue(base.region)})`);
  }
  const cp = cloud.controlPlane ?? {};
  const cpType = cp.instanceType ?? DEFAULT_AWS_CONTROL_PLANE_TYPE;
  if (!AWS_INSTANCE_TYPE.test(cpType)) issues.add(`${p}.controlPlane.instanceType`, `must be an EC2 instance type such as m6i.xlarge (got ${describeValue(cpType)})`);
  const cpCount = cp.count ?? 1;
  if (cpCount !== 1 && cpCount !== 3) issues.add(`${p}.controlPlane.count`, `must be 1 or 3 (got ${describeValue(cpCount)})`);

  const pools: ResolvedAwsPool[] = [];
  for (const name of Object.keys(cloud.workers ?? {}).sort()) {
    const w = cloud.workers![name];
    const wp = `${p}.workers.${name}`;
    if (!POOL_NAME.test(name)) issues.add(wp, 'pool name must be 1-16 lowercase letters, digits or \'-\', starting with a letter');
    if (!w || typeof w !== 'object') {
      issues.add(wp, `must be { instanceType, count } (got ${describeValue(w)})`);
      continue;
    }
    if (!AWS_INSTANCE_TYPE.test(String(w.instanceType))) issues.add(`${wp}.instanceType`, `must be an EC2 instance type such as m6i.large (got ${describeValue(w.instanceType)})`);
    if (!Number.isInteger(w.count) || w.count < 0 || w.count > 200) issues.add(`${wp}.count`, `must be an integer from 0 to 200 (got ${describeValue(w.count)})`);
    checkNodeLabels(w.labels, `${wp}.labels`, issues);
    pools.push({ name, instanceType: w.instanceType, count: w.count, labels: { ...(w.labels ?? {}) } });
  }

  const vpcCidr = cloud.network?.vpcCidr ?? '10.0.0.0/16';
  const vpc = parseIpv4Cidr(vpcCidr);
  if (!vpc || !isPrivateRange(vpc) || vpc.prefix < 16 || vpc.prefix > 20) {
    issues.add(`${p}.network.vpcCidr`, `must be a private IPv4 CIDR from /16 to /20 (AWS VPC limits; subnets are /24) (got ${describeValue(vpcCidr)})`);
  }
  const azs = cloud.network?.availabilityZones ?? 3;
  if (!Number.isInteger(azs) || azs < 1 || azs > 6) issues.add(`${p}.network.availabilityZones`, `must be an integer from 1 to 6 (got ${describeValue(azs)})`);
  const rootVolumeGiB = cloud.rootVolumeGiB ?? 80;
  if (!Number.isInteger(rootVolumeGiB) || rootVolumeGiB < 20 || rootVolumeGiB > 16384) {
    issues.add(`${p}.rootVolumeGiB`, `must be an integer from 20 to 16384 (got ${describeValue(rootVolumeGiB)})`);
  }
  issues.throwIfAny();

  const count = cpCount as 1 | 3;
  const subnetCidrs = Array.from({ length: azs }, (_, i) => cidrSubnet(vpc!, 24 - vpc!.prefix, i + 1));
  return {
    ...base,
    stem: hetznerNameStem(fqdn),
    controlPlane: { instanceType: cpType, count },
    pools,
    vpcCidr,
    subnets: subnetCidrs.map((s) => s.text),
    controlPlaneIps: Array.from({ length: count }, (_, i) => cidrHost(subnetCidrs[i % azs], 10)),
    rootVolumeGiB,
  };
}
