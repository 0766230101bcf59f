/**
 * The Hetzner Phase 0 stack: every resource and argument of UPSTREAM §6.4, with the defects fixed
 * (6443 service, HA join, random token, one region, credentials Secret) and Hetzner's limits.
 */
import 'cdktf/lib/testing/adapters/jest';
import { Password } from '@cdktf/provider-random/lib/password';
import { Testing } from 'cdktf';
import { FQDN, hetzner, SSH_KEY, templateExpressions } from './support';
import { Firewall } from '../../constructs/gen/hcloud/firewall';
import { LoadBalancer } from '../../constructs/gen/hcloud/load-balancer';
import { LoadBalancerNetwork } from '../../constructs/gen/hcloud/load-balancer-network';
import { LoadBalancerService } from '../../constructs/gen/hcloud/load-balancer-service';
import { LoadBalancerTarget } from '../../constructs/gen/hcloud/load-balancer-target';
import { Network } from '../../constructs/gen/hcloud/network';
import { NetworkSubnet } from '../../constructs/gen/hcloud/network-subnet';
import { PlacementGroup } from '../../constructs/gen/hcloud/placement-group';
import { HcloudProvider } from '../../constructs/gen/hcloud/provider';
import { Server } from '../../constructs/gen/hcloud/server';
import { SshKey } from '../../constructs/gen/hcloud/ssh-key';
import { HetznerCloudProps } from '../../src/cloud';
import { CatalystError, isCatalystError } from '../../src/errors';
import { PHASE0_HETZNER_FACTS } from '../../src/hetzner';

Testing.setupJest();

const STEM = 'catalyst-omantel-omani-works';
const LABEL = { 'catalyst.openova.io/sovereign': FQDN };

/** The CatalystError issues a synth throws. */
function issuesOf(cloud: Partial<HetznerCloudProps>): Array<{ path: string; message: string }> {
  try {
    hetzner(cloud);
  } catch (e) {
    if (isCatalystError(e)) return [...(e as CatalystError).issues];
    throw e;
  }
  throw new Error('expected a CatalystError, the synth succeeded');
}

describe('Hetzner stack: the upstream resources (UPSTREAM §6.4)', () => {
  const { synth, json } = hetzner();

  test('provider: hetznercloud/hcloud from the sensitive hcloud_token variable, never a literal', () => {
    expect(synth).toHaveProviderWithProperties(HcloudProvider, { token: '${var.hcloud_token}' });
    expect(json.terraform!.required_providers.hcloud).toEqual({ source: 'hetznercloud/hcloud', version: '1.49.1' });
    expect(json.terraform!.required_version).toBe('>= 1.6.0');
    expect(json.variable!.hcloud_token).toMatchObject({ type: 'string', sensitive: true, nullable: false });
    expect(json.variable!.hcloud_token.default).toBeUndefined();
    // No backend: state lives wherever the caller runs tofu (UPSTREAM §6.1).
    expect(json.terraform!.backend).toBeUndefined();
  });

  test('network and subnet: <stem>-net 10.0.0.0/16, cloud subnet 10.0.1.0/24 in the location network zone', () => {
    expect(synth).toHaveResourceWithProperties(Network, { name: `${STEM}-net`, ip_range: '10.0.0.0/16', labels: LABEL });
    expect(synth).toHaveResourceWithProperties(NetworkSubnet, {
      network_id: '${hcloud_network.network.id}', type: 'cloud', network_zone: 'eu-central', ip_range: '10.0.1.0/24',
    });
    expect(hetzner({ regions: ['ash'], controlPlane: { serverType: 'cpx41' } }).synth)
      .toHaveResourceWithProperties(NetworkSubnet, { network_zone: 'us-east' });
  });

  test('ssh key: <stem>, the public key, the sovereign label', () => {
    expect(synth).toHaveResourceWithProperties(SshKey, { name: STEM, public_key: SSH_KEY, labels: LABEL });
  });

  test('load balancer: lb11 in the location, round robin, attached to the subnet at a fixed private IP', () => {
    expect(synth).toHaveResourceWithProperties(LoadBalancer, {
      name: `${STEM}-lb`, load_balancer_type: 'lb11', location: 'fsn1', algorithm: { type: 'round_robin' }, labels: LABEL,
    });
    expect(synth).toHaveResourceWithProperties(LoadBalancerNetwork, {
      load_balancer_id: '${hcloud_load_balancer.load_balancer.id}', subnet_id: '${hcloud_network_subnet.subnet.id}', ip: '10.0.1.254',
    });
  });

  test('control plane: <stem>-cp1, ubuntu-24.04, cx42, firewall and key at creation, 10.0.1.2, labels, after the subnet', () => {
    expect(synth).toHaveResourceWithProperties(Server, {
      name: `${STEM}-cp1`,
      image: 'ubuntu-24.04',
      server_type: 'cx42',
      location: 'fsn1',
      ssh_keys: ['${hcloud_ssh_key.ssh_key.id}'],
      firewall_ids: ['${hcloud_firewall.firewall.id}'],
      placement_group_id: '${hcloud_placement_group.control_plane_placement.id}',
      network: [{ network_id: '${hcloud_network.network.id}', ip: '10.0.1.2', alias_ips: [] }],
      public_net: [{ ipv4_enabled: true, ipv6_enabled: true }],
      labels: { ...LABEL, 'catalyst.openova.io/role': 'control-plane' },
      depends_on: ['hcloud_network_subnet.subnet'],
      // A new cloud-init template must not replace running servers.
      lifecycle: { ignore_changes: ['user_data', 'image'] },
    });
    expect(Object.keys(json.resource.hcloud_server)).toEqual(['control_plane_1']);
    expect(json.resource.hcloud_server.control_plane_1.user_data).toMatch(/^#cloud-config\n/);
  });

  test('control planes are spread over hosts by default, and can opt out', () => {
    expect(synth).toHaveResourceWithProperties(PlacementGroup, { name: `${STEM}-cp`, type: 'spread', labels: LABEL });
    const off = hetzner({ controlPlane: { placementGroup: false } }).json;
    expect(off.resource.hcloud_placement_group).toBeUndefined();
    expect(off.resource.hcloud_server.control_plane_1.placement_group_id).toBeUndefined();
  });

  test('targets: every control plane over its private IP, after the LB joined the network', () => {
    expect(synth).toHaveResourceWithProperties(LoadBalancerTarget, {
      type: 'server',
      load_balancer_id: '${hcloud_load_balancer.load_balancer.id}',
      server_id: '${hcloud_server.control_plane_1.id}',
      use_private_ip: true,
      depends_on: ['hcloud_load_balancer_network.load_balancer_network'],
    });
  });

  test('services: 80→31080, 443→31443 and the missing 6443→6443 for the kubeconfig (upstream defect)', () => {
    const services = Object.values(json.resource.hcloud_load_balancer_service).map((s) => [s.protocol, s.listen_port, s.destination_port]);
    expect(services.sort()).toEqual([['tcp', 443, 31443], ['tcp', 6443, 6443], ['tcp', 80, 31080]]);
    expect(synth).toHaveResourceWithProperties(LoadBalancerService, {
      load_balancer_id: '${hcloud_load_balancer.load_balancer.id}',
      protocol: 'tcp',
      listen_port: 6443,
      destination_port: 6443,
      health_check: { protocol: 'tcp', port: 6443, interval: 15, timeout: 10, retries: 3 },
    });
  });

  test('outputs: control plane IP, LB IP, FQDN, console URL, the Flux repo path, ids for adoption', () => {
    const o = json.output!;
    expect(o.control_plane_ip.value).toBe('${hcloud_server.control_plane_1.ipv4_address}');
    expect(o.load_balancer_ip.value).toBe('${hcloud_load_balancer.load_balancer.ipv4}');
    expect(o.kubernetes_api.value).toBe('https://${hcloud_load_balancer.load_balancer.ipv4}:6443');
    expect(o.sovereign_fqdn.value).toBe(FQDN);
    expect(o.console_url.value).toBe(`https://console.${FQDN}`);
    // Not the stale upstream `//clusters/<fqdn>` vs `_template` mismatch: the path cloud-init bootstraps.
    expect(o.gitops_repo_url.value).toBe(`https://gitea.acme.test/system/sovereign.git//clusters/${FQDN}`);
    expect(o.network_id.value).toBe('${hcloud_network.network.id}');
    expect(o.control_plane_private_ips.value).toEqual(['10.0.1.2']);
  });
});

describe('Hetzner stack: firewall', () => {
  const rulesOf = (cloud: Partial<HetznerCloudProps>) =>
    (hetzner(cloud).json.resource.hcloud_firewall.firewall.rule as Array<Record<string, unknown>>)
      .map((r) => `${r.direction} ${r.protocol} ${r.port ?? '-'} ${(r.source_ips as string[]).join(',')}`).sort();

  test('80, 443, 6443 and ICMP from anywhere (v4 and v6); no port 22 when no CIDR is given', () => {
    const { synth } = hetzner();
    expect(synth).toHaveResourceWithProperties(Firewall, { name: `${STEM}-fw`, labels: LABEL });
    expect(rulesOf({})).toEqual([
      'in icmp - 0.0.0.0/0,::/0',
      'in tcp 443 0.0.0.0/0,::/0',
      'in tcp 6443 0.0.0.0/0,::/0',
      'in tcp 80 0.0.0.0/0,::/0',
    ]);
  });

  test('port 22 only from the allowed CIDRs', () => {
    expect(rulesOf({ ssh: { publicKey: SSH_KEY, allowedCidrs: ['203.0.113.7/32', '2001:db8::/48'] } }))
      .toContain('in tcp 22 203.0.113.7/32,2001:db8::/48');
  });
});

describe('Hetzner stack: HA and the join (upstream gave cp2/cp3 --cluster-init too)', () => {
  const { synth, json, stack } = hetzner({ controlPlane: { count: 3 } });

  test('three control planes at 10.0.1.2-4, joiners after the first, all LB targets', () => {
    for (const [n, ip] of [[1, '10.0.1.2'], [2, '10.0.1.3'], [3, '10.0.1.4']] as const) {
      expect(synth).toHaveResourceWithProperties(Server, { name: `${STEM}-cp${n}`, network: [{ network_id: '${hcloud_network.network.id}', ip, alias_ips: [] }] });
      expect(synth).toHaveResourceWithProperties(LoadBalancerTarget, { server_id: `\${hcloud_server.control_plane_${n}.id}`, use_private_ip: true });
    }
    expect(json.resource.hcloud_server.control_plane_2.depends_on).toEqual(['hcloud_network_subnet.subnet', 'hcloud_server.control_plane_1']);
  });

  test('cp1 initialises etcd; cp2 and cp3 join it with server:, never cluster-init', () => {
    const [cp1, cp2, cp3] = stack.cloudInit;
    expect(cp1.k3sConfig['cluster-init']).toBe(true);
    expect(cp1.k3sConfig.server).toBeUndefined();
    for (const joiner of [cp2, cp3]) {
      expect(joiner.k3sConfig['cluster-init']).toBeUndefined();
      expect(joiner.k3sConfig.server).toBe('https://10.0.1.2:6443');
      // Joiners are control planes too: same flags otherwise.
      expect(joiner.k3sConfig['flannel-backend']).toBe('none');
      // Only the first control plane installs Cilium and Flux.
      expect(joiner.steps.map((s) => s.name)).toEqual(['10-base', '20-node-ip', '30-k3s', '99-complete']);
    }
  });

  test('security reboots are staggered so quorum survives', () => {
    expect(stack.cloudInit.map((c) => c.config.writeFiles.find((f) => f.path.endsWith('52catalyst-unattended-upgrades'))!.content.match(/Reboot-Time "([0-9:]+)"/)![1]))
      .toEqual(['02:30', '03:15', '04:00']);
  });
});

describe('Hetzner stack: the k3s token is random (upstream: sha256 of public inputs)', () => {
  const { synth, json } = hetzner();

  test('random_password, 48 alphanumerics, from hashicorp/random', () => {
    expect(synth).toHaveResourceWithProperties(Password, { length: 48, special: false });
    expect(json.terraform!.required_providers.random.source).toBe('hashicorp/random');
  });

  test('every node reads it from the random_password, base64 into a 0600 token file', () => {
    const expressions = templateExpressions(json.resource.hcloud_server.control_plane_1.user_data);
    expect(expressions).toContain('base64encode(random_password.k3s_token.result)');
    expect(expressions.join(' ')).not.toMatch(/sha256|hcloud_project/);
  });
});

describe('Hetzner stack: worker pools keyed by name', () => {
  const pools = { general: { serverType: 'cx32', count: 2 }, gpu: { serverType: 'ccx33', count: 1, labels: { accelerator: 'none' } } };

  test('servers <stem>-<pool>-<n>, Terraform addresses by pool name, role and pool labels, after the control planes', () => {
    const { synth, json } = hetzner({ workers: pools });
    expect(Object.keys(json.resource.hcloud_server).sort()).toEqual(['control_plane_1', 'worker_general_1', 'worker_general_2', 'worker_gpu_1']);
    expect(synth).toHaveResourceWithProperties(Server, {
      name: `${STEM}-gpu-1`,
      server_type: 'ccx33',
      firewall_ids: ['${hcloud_firewall.firewall.id}'],
      network: [{ network_id: '${hcloud_network.network.id}', alias_ips: [] }],
      labels: { ...LABEL, 'catalyst.openova.io/role': 'worker', 'catalyst.openova.io/pool': 'gpu' },
      depends_on: ['hcloud_server.control_plane_1', 'hcloud_load_balancer_network.load_balancer_network', 'hcloud_network_subnet.subnet'],
    });
  });

  test('removing a pool leaves the other pool byte-identical (no renumbering)', () => {
    const both = hetzner({ workers: pools }).json.resource.hcloud_server;
    const one = hetzner({ workers: { general: pools.general } }).json.resource.hcloud_server;
    expect(one.worker_general_1).toEqual(both.worker_general_1);
    expect(one.worker_general_2).toEqual(both.worker_general_2);
  });

  test('a pool with its own subnet gets that subnet and fixed hosts in it; a spread pool its own placement group', () => {
    const { synth } = hetzner({ workers: { edge: { serverType: 'cx22', count: 2, subnet: '10.0.8.0/24', placementGroup: true } } });
    expect(synth).toHaveResourceWithProperties(NetworkSubnet, { ip_range: '10.0.8.0/24', network_zone: 'eu-central', type: 'cloud' });
    expect(synth).toHaveResourceWithProperties(Server, { name: `${STEM}-edge-2`, network: [{ network_id: '${hcloud_network.network.id}', ip: '10.0.8.3', alias_ips: [] }] });
    expect(synth).toHaveResourceWithProperties(PlacementGroup, { name: `${STEM}-edge`, type: 'spread' });
  });
});

describe('Hetzner stack: secrets are variables, never literals', () => {
  test('postback and pull secrets add sensitive variables only when asked for', () => {
    expect(Object.keys(hetzner().json.variable!).sort()).toEqual(['hcloud_token']);
    const v = hetzner({ kubeconfigPostback: { deploymentId: 'd-42' }, pullSecret: {} }).json.variable!;
    expect(Object.keys(v).sort()).toEqual(['hcloud_token', 'kubeconfig_bearer_token', 'registry_pull_token']);
    for (const name of ['kubeconfig_bearer_token', 'registry_pull_token']) expect(v[name]).toMatchObject({ sensitive: true, nullable: false });
  });

  test('without a key in the props the SSH key is a validated variable', () => {
    const { json } = hetzner({ ssh: {} });
    expect(json.resource.hcloud_ssh_key.ssh_key.public_key).toBe('${var.ssh_public_key}');
    expect(json.variable!.ssh_public_key.validation[0].condition).toMatch(/^\$\{can\(regex\(.*trimspace\(var\.ssh_public_key\)\)\)\}$/);
  });

  test('the Crossplane credentials are written from var.hcloud_token on cp1 only, and can be switched off', () => {
    const { json } = hetzner({ controlPlane: { count: 3 } });
    expect(templateExpressions(json.resource.hcloud_server.control_plane_1.user_data)).toContain('base64encode(var.hcloud_token)');
    expect(templateExpressions(json.resource.hcloud_server.control_plane_2.user_data)).not.toContain('base64encode(var.hcloud_token)');
    expect(templateExpressions(hetzner({ crossplaneCredentials: false }).json.resource.hcloud_server.control_plane_1.user_data))
      .not.toContain('base64encode(var.hcloud_token)');
  });

  test('cp1 writes the Phase-0 facts ConfigMap for Crossplane adoption, with every fact', () => {
    const { stack } = hetzner();
    const script = stack.cloudInit[0].steps.find((s) => s.name === '85-handoff')!.script;
    for (const variable of Object.values(PHASE0_HETZNER_FACTS.variables)) expect(script).toContain(`--from-literal=${variable}=`);
    expect(script).toContain(`create configmap '${PHASE0_HETZNER_FACTS.name}'`);
    expect(script).toContain('HCLOUD_NETWORK_ID=\'${TfToken[');
    expect(script).toContain('hetzner/v1/metadata/instance-id');
  });
});

describe('Hetzner stack: synth-time validation with field paths', () => {
  test.each<[string, Partial<HetznerCloudProps>, string, RegExp]>([
    ['more than one region', { regions: ['fsn1', 'nbg1'] }, 'sovereign.cloud.regions', /one cluster in one region; got 2/],
    ['unknown location', { regions: ['xyz1' as never] }, 'sovereign.cloud.regions[0]', /unknown Hetzner location/],
    ['bad server type', { controlPlane: { serverType: 'm5.large' } }, 'sovereign.cloud.controlPlane.serverType', /cx, cpx, ccx or cax/],
    ['arm type in the US', { regions: ['ash'], controlPlane: { serverType: 'cax21' } }, 'sovereign.cloud.controlPlane.serverType', /cax21 does not exist in ash/],
    ['cx type in hil', { regions: ['hil'], controlPlane: { serverType: 'cx42' } }, 'sovereign.cloud.controlPlane.serverType', /does not exist in hil/],
    ['two control planes', { controlPlane: { count: 2 as 1 } }, 'sovereign.cloud.controlPlane.count', /1 or 3/],
    ['k3s version', { k3s: { version: '1.31' } }, 'sovereign.cloud.k3s.version', /k3s release/],
    ['ssh key', { ssh: { publicKey: 'hello' } }, 'sovereign.cloud.ssh.publicKey', /ssh-ed25519/],
    ['ssh cidr', { ssh: { publicKey: SSH_KEY, allowedCidrs: ['10.0.0.1/33'] } }, 'sovereign.cloud.ssh.allowedCidrs[0]', /CIDR/],
    ['public network range', { network: { ipRange: '8.8.0.0/16' } }, 'sovereign.cloud.network.ipRange', /10\.0\.0\.0\/8/],
    ['subnet outside', { network: { subnet: '192.168.1.0/24' } }, 'sovereign.cloud.network.subnet', /not inside/],
    ['pool name', { workers: { GPU: { serverType: 'cx32', count: 1 } } }, 'sovereign.cloud.workers.GPU', /pool name/],
    ['pool type', { workers: { general: { serverType: 'big', count: 1 } } }, 'sovereign.cloud.workers.general.serverType', /server type/],
    ['postback url', { kubeconfigPostback: { deploymentId: 'd', apiUrl: 'http://x' } }, 'sovereign.cloud.kubeconfigPostback.apiUrl', /https/],
    ['lb type', { loadBalancerType: 'lb99' }, 'sovereign.cloud.loadBalancerType', /lb11/],
  ])('%s', (_name, cloud, path, message) => {
    const issues = issuesOf(cloud);
    expect(issues.map((i) => i.path)).toContain(path);
    expect(issues.find((i) => i.path === path)!.message).toMatch(message);
  });

  test('every problem is reported at once', () => {
    expect(issuesOf({ regions: ['fsn1', 'nbg1'], controlPlane: { serverType: 'x', count: 2 as 1 } }).map((i) => i.path)).toEqual([
      'sovereign.cloud.regions', 'sovereign.cloud.controlPlane.serverType', 'sovereign.cloud.controlPlane.count',
    ]);
  });
});

describe('Hetzner limits: one clear error each', () => {
  test('100 servers per network', () => {
    const issues = issuesOf({ controlPlane: { count: 3 }, workers: { a: { serverType: 'cx22', count: 60 }, b: { serverType: 'cx22', count: 38 } } });
    expect(issues).toEqual([{ path: 'sovereign.cloud.workers', message: expect.stringMatching(/101 servers .*at most 100 servers per network/) }]);
    // 99 + 1 is fine.
    expect(() => hetzner({ workers: { a: { serverType: 'cx22', count: 99 } } })).not.toThrow();
  });

  test('50 subnets per network', () => {
    const workers = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`p${i}`, { serverType: 'cx22', count: 0, subnet: `10.0.${i + 10}.0/24` }]));
    const issues = issuesOf({ workers });
    expect(issues).toEqual([{ path: 'sovereign.cloud.workers', message: expect.stringMatching(/51 subnets .*at most 50 per network/) }]);
  });

  test('10 servers per spread placement group', () => {
    const issues = issuesOf({ workers: { big: { serverType: 'cx22', count: 11, placementGroup: true } } });
    expect(issues).toEqual([{ path: 'sovereign.cloud.workers.big.count', message: expect.stringMatching(/at most 10/) }]);
    expect(() => hetzner({ workers: { big: { serverType: 'cx22', count: 10, placementGroup: true } } })).not.toThrow();
  });

  test('pools with and without own subnets do not mix; overlapping pool subnets are rejected', () => {
    expect(issuesOf({ workers: { a: { serverType: 'cx22', count: 1, subnet: '10.0.8.0/24' }, b: { serverType: 'cx22', count: 1 } } })[0].message)
      .toMatch(/give every pool a subnet or none/);
    expect(issuesOf({ workers: { a: { serverType: 'cx22', count: 1, subnet: '10.0.8.0/24' }, b: { serverType: 'cx22', count: 1, subnet: '10.0.8.0/25' } } })[0])
      .toEqual({ path: 'sovereign.cloud.workers.b.subnet', message: expect.stringMatching(/overlaps the subnet of pool a/) });
  });

  test('server names must stay hostnames', () => {
    const long = `${'a'.repeat(50)}.example.test`;
    expect(() => hetzner({}, { fqdn: long })).toThrow(/at most 63/);
  });
});
