/**
 * Bad cloud (Phase 0) input: CIDRs and overlaps, regions, server types, k3s versions, SSH keys
 * and CIDRs, Hetzner limits, AWS settings. The provider and regions are checked when the
 * Sovereign is built; the rest when Phase 0 is synthesized (stacks/), still before any file is
 * written — so the CLI leaves the previous output untouched.
 */
import { BadInputCase, badInputSuite, FQDN, ORG } from './harness';
import { Cilium } from '../../blueprints/cilium';
import { CloudProps } from '../../src/cloud';
import { Sovereign, use } from '../../src/sovereign';

// Phase 0 installs Cilium as the CNI, which bp-cilium adopts: the smallest Sovereign with a cloud.
const cloud = (c: unknown, fqdn = FQDN) => () =>
  new Sovereign({ fqdn, org: ORG, includeKit: false, blueprints: [use(Cilium)], gitops: { url: 'https://git.acme.test/sovereign.git' }, cloud: c as CloudProps });
const hetzner = (extra: object) => cloud({ provider: 'hetzner', regions: ['fsn1'], ...extra });
const aws = (extra: object) => cloud({ provider: 'aws', regions: ['eu-central-1'], ...extra });
const P = 'sovereign.cloud';

export const cases: BadInputCase[] = [
  { name: 'unknown provider', make: cloud({ provider: 'gcp', regions: ['europe-west3'] }), issues: [{ path: `${P}.provider`, message: /^must be one of hetzner, aws \(got "gcp"\)$/ }] },
  { name: 'no region', make: cloud({ provider: 'hetzner', regions: [] }), issues: [{ path: `${P}.regions`, message: /^must list at least one region$/ }] },
  { name: 'unknown Hetzner region', make: hetzner({ regions: ['mars1'] }), issues: [{ path: `${P}.regions[0]`, message: /^unknown Hetzner location "mars1"; allowed: fsn1, nbg1, hel1, ash, hil/ }] },
  { name: 'two regions for a one-region Phase 0', make: hetzner({ regions: ['fsn1', 'nbg1'] }), issues: [{ path: `${P}.regions`, message: /Phase 0 builds one cluster in one region; got 2 \(fsn1, nbg1\).*list one region/ }] },
  { name: 'k3s version without the k3s suffix', make: hetzner({ k3s: { version: 'v1.31.4' } }), issues: [{ path: `${P}.k3s.version`, message: /^must be a k3s release such as v1\.31\.4\+k3s1 \(got "v1\.31\.4"\)$/ }] },
  { name: 'k3s version that is a range', make: hetzner({ k3s: { version: '^1.31' } }), issues: [{ path: `${P}.k3s.version`, message: /must be a k3s release such as/ }] },
  { name: 'k3s install script checksum that is not sha256', make: hetzner({ k3s: { installScriptSha256: 'abc123' } }), issues: [{ path: `${P}.k3s.installScriptSha256`, message: /^must be 64 lowercase hex characters \(got "abc123"\)$/ }] },
  { name: 'SSH key of an unsupported type', make: hetzner({ ssh: { publicKey: 'ssh-dss AAAAB3NzaC1kc3MAAACBAP' } }), issues: [{ path: `${P}.ssh.publicKey`, message: /^must be an OpenSSH public key starting with "ssh-ed25519 ", "ssh-rsa " or "ecdsa-sha2-nistp256 "/ }] },
  { name: 'SSH key that is a private key path', make: hetzner({ ssh: { publicKey: '~/.ssh/id_ed25519' } }), issues: [{ path: `${P}.ssh.publicKey`, message: /must be an OpenSSH public key/ }] },
  { name: 'SSH allowed CIDR that is not a CIDR', make: hetzner({ ssh: { allowedCidrs: ['my-office'] } }), issues: [{ path: `${P}.ssh.allowedCidrs[0]`, message: /^must be an IPv4 or IPv6 CIDR such as 203\.0\.113\.7\/32 \(got "my-office"\)$/ }] },
  { name: 'SSH allowed CIDR with a prefix over 32', make: hetzner({ ssh: { allowedCidrs: ['203.0.113.7/33'] } }), issues: [{ path: `${P}.ssh.allowedCidrs[0]`, message: /must be an IPv4 or IPv6 CIDR/ }] },
  { name: 'network range that is public', make: hetzner({ network: { ipRange: '8.8.0.0/16', subnet: '8.8.1.0/24' } }), issues: [{ path: `${P}.network.ipRange`, message: /^must be an IPv4 CIDR inside 10\.0\.0\.0\/8, 172\.16\.0\.0\/12 or 192\.168\.0\.0\/16 without host bits \(got "8\.8\.0\.0\/16"\)$/ }], exactly: false },
  { name: 'network range with host bits', make: hetzner({ network: { ipRange: '10.0.0.1/16' } }), issues: [{ path: `${P}.network.ipRange`, message: /without host bits \(got "10\.0\.0\.1\/16"\)/ }], exactly: false },
  { name: 'network range that is not a CIDR', make: hetzner({ network: { ipRange: '10.0.0.0/40' } }), issues: [{ path: `${P}.network.ipRange`, message: /must be an IPv4 CIDR/ }], exactly: false },
  { name: 'nodes subnet outside the network range', make: hetzner({ network: { ipRange: '10.0.0.0/16', subnet: '10.1.0.0/24' } }), issues: [{ path: `${P}.network.subnet`, message: /^10\.1\.0\.0\/24 is not inside network\.ipRange 10\.0\.0\.0\/16$/ }] },
  { name: 'nodes subnet smaller than a /24', make: hetzner({ network: { subnet: '10.0.1.0/25' } }), issues: [{ path: `${P}.network.subnet`, message: /^must be a \/24 or larger: control planes take hosts 2-4 and the load balancer host 254 \(got 10\.0\.1\.0\/25\)$/ }] },
  {
    name: 'worker pool subnet overlapping the nodes subnet',
    make: hetzner({ workers: { gpu: { serverType: 'cx32', count: 1, subnet: '10.0.1.0/24' } } }),
    issues: [{ path: `${P}.workers.gpu.subnet`, message: /^10\.0\.1\.0\/24 overlaps the nodes' subnet 10\.0\.1\.0\/24$/ }],
  },
  {
    name: 'two worker pool subnets overlapping each other',
    make: hetzner({ workers: { a: { serverType: 'cx32', count: 1, subnet: '10.0.4.0/23' }, b: { serverType: 'cx32', count: 1, subnet: '10.0.5.0/24' } } }),
    issues: [{ path: /^sovereign\.cloud\.workers\.(a|b)\.subnet$/, message: /overlaps the subnet of pool (a|b) \(10\.0\.(4\.0\/23|5\.0\/24)\)/ }],
  },
  { name: 'server type that does not exist', make: hetzner({ controlPlane: { serverType: 'cx9' } }), issues: [{ path: `${P}.controlPlane.serverType`, message: /must be a Hetzner server type matching .*\(cx, cpx, ccx or cax family and size, e\.g\. cx42\) \(got "cx9"\)/ }] },
  { name: 'server type of an AWS instance', make: hetzner({ workers: { w: { serverType: 't3.large', count: 1 } } }), issues: [{ path: `${P}.workers.w.serverType`, message: /must be a Hetzner server type matching/ }] },
  { name: 'server type not offered in the region', make: hetzner({ regions: ['ash'], controlPlane: { serverType: 'cax31' } }), issues: [{ path: `${P}.controlPlane.serverType`, message: /^server type cax31 does not exist in ash: ash offers the .* families; pick one of those or an EU location/ }] },
  { name: 'two control planes (no etcd quorum)', make: hetzner({ controlPlane: { count: 2 } }), issues: [{ path: `${P}.controlPlane.count`, message: /^must be 1 or 3 \(embedded etcd needs an odd quorum; 3 is HA\) \(got 2\)$/ }] },
  { name: 'Hetzner limit: more than 100 servers in a pool', make: hetzner({ workers: { big: { serverType: 'cx32', count: 101 } } }), issues: [{ path: `${P}.workers.big.count`, message: /^must be an integer from 0 to 100 \(got 101\)$/ }], exactly: false },
  { name: 'Hetzner limit: more than 100 servers in one network', make: hetzner({ workers: { a: { serverType: 'cx32', count: 60 }, b: { serverType: 'cx32', count: 60 } } }), issues: [{ path: `${P}.workers`, message: /^asks for 121 servers \(control planes included\) in one network; Hetzner allows at most 100 servers per network$/ }] },
  { name: 'Hetzner limit: more than 10 servers in a spread placement group', make: hetzner({ workers: { w: { serverType: 'cx32', count: 11, placementGroup: true } } }), issues: [{ path: `${P}.workers.w.count`, message: /^11 servers cannot share one spread placement group: Hetzner allows at most 10; split the pool or set placementGroup: false$/ }] },
  { name: 'Hetzner limit: FQDN too long for a label value', make: cloud({ provider: 'hetzner', regions: ['fsn1'] }, `${'a'.repeat(40)}.${'b'.repeat(30)}.test`), issues: [{ path: 'sovereign.fqdn', message: /Hetzner label values \(catalyst\.openova\.io\/sovereign\) allow at most 63/ }], exactly: false },
  { name: 'worker pool name that is not a DNS label', make: hetzner({ workers: { GPU_pool: { serverType: 'cx32', count: 1 } } }), issues: [{ path: `${P}.workers.GPU_pool`, message: /pool name must be 1-16 lowercase letters, digits or '-', starting with a letter/ }] },
  { name: 'unknown load balancer type', make: hetzner({ loadBalancerType: 'lb99' }), issues: [{ path: `${P}.loadBalancerType`, message: /^must be one of lb11, lb21, lb31 \(got "lb99"\)$/ }] },
  { name: 'AWS region that does not exist', make: aws({ regions: ['europe-central'] }), issues: [{ path: `${P}.regions[0]`, message: /^must be an AWS region such as eu-central-1 \(got "europe-central"\)$/ }] },
  { name: 'AWS instance type that is a Hetzner type', make: aws({ controlPlane: { instanceType: 'cx42' } }), issues: [{ path: `${P}.controlPlane.instanceType`, message: /^must be an EC2 instance type such as m6i\.xlarge \(got "cx42"\)$/ }] },
  { name: 'AWS VPC range too large', make: aws({ network: { vpcCidr: '10.0.0.0/8' } }), issues: [{ path: `${P}.network.vpcCidr`, message: /^must be a private IPv4 CIDR from \/16 to \/20 \(AWS VPC limits; subnets are \/24\) \(got "10\.0\.0\.0\/8"\)$/ }] },
];

badInputSuite('cloud / Phase 0', cases);
