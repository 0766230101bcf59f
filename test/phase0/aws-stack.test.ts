/**
 * The AWS Phase 0 stack: VPC and subnets across AZs, a security group equal to the Hetzner
 * firewall, EC2 control planes/workers with the same cloud-init, an NLB on 80/443/6443, outputs.
 * `npm run test:terraform` additionally runs real `terraform validate` on it.
 */
import 'cdktf/lib/testing/adapters/jest';
import { DataAwsAmi } from '@cdktf/provider-aws/lib/data-aws-ami';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { KeyPair } from '@cdktf/provider-aws/lib/key-pair';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Testing } from 'cdktf';
import { aws, cloudConfigOf, decoded, FQDN, hetzner, SSH_KEY, stepsOf } from './support';
import { isCatalystError } from '../../src/errors';
import { HETZNER_FIREWALL_INBOUND } from '../../src/hetzner';

Testing.setupJest();

const STEM = 'catalyst-omantel-omani-works';

describe('AWS stack', () => {
  const { synth, json, stack } = aws({ controlPlane: { count: 3 }, workers: { general: { instanceType: 'm6g.large', count: 2 } }, ssh: { publicKey: SSH_KEY, allowedCidrs: ['203.0.113.7/32'] } });

  test('provider: the region, default tags; only hashicorp/aws (validatable offline)', () => {
    expect(synth).toHaveProviderWithProperties(AwsProvider, { region: 'eu-central-1', default_tags: [{ tags: { 'catalyst.openova.io/sovereign': FQDN, 'app.kubernetes.io/managed-by': 'catalyst-cdk' } }] });
    expect(Object.keys(json.terraform!.required_providers)).toEqual(['aws']);
    expect(json.terraform!.required_providers.aws.version).toBe('5.100.0');
  });

  test('VPC 10.0.0.0/16 and one public subnet per availability zone', () => {
    expect(synth).toHaveResourceWithProperties(Vpc, { cidr_block: '10.0.0.0/16', enable_dns_hostnames: true });
    const subnets = Object.values(json.resource.aws_subnet);
    expect(subnets.map((s) => [s.cidr_block, s.availability_zone])).toEqual([
      ['10.0.1.0/24', '${element(data.aws_availability_zones.availability_zones.names, 0)}'],
      ['10.0.2.0/24', '${element(data.aws_availability_zones.availability_zones.names, 1)}'],
      ['10.0.3.0/24', '${element(data.aws_availability_zones.availability_zones.names, 2)}'],
    ]);
    expect(synth).toHaveResourceWithProperties(Subnet, { map_public_ip_on_launch: true });
    expect(Object.keys(json.resource.aws_route_table_association)).toHaveLength(3);
  });

  test('the security group equals the Hetzner firewall (+ node-to-node inside the VPC)', () => {
    expect(synth).toHaveResourceWithProperties(SecurityGroup, { name: `${STEM}-nodes` });
    const rules = Object.values(json.resource.aws_vpc_security_group_ingress_rule)
      .map((r) => `${r.ip_protocol} ${r.from_port ?? '-'} ${r.cidr_ipv4 ?? r.cidr_ipv6}`).sort();
    const expected = [
      ...HETZNER_FIREWALL_INBOUND.tcpPorts.flatMap((p) => [`tcp ${p} 0.0.0.0/0`, `tcp ${p} ::/0`]),
      'icmp -1 0.0.0.0/0', 'icmpv6 -1 ::/0',
      'tcp 22 203.0.113.7/32',
      '-1 - 10.0.0.0/16',
    ].sort();
    expect(rules).toEqual(expected);
    // No SSH rule at all without CIDRs.
    const open = aws().json.resource.aws_vpc_security_group_ingress_rule;
    expect(Object.values(open).some((r) => r.from_port === 22)).toBe(false);
  });

  test('control planes: fixed private IPs across AZs, Ubuntu 24.04 by architecture, IMDSv2 one hop, encrypted gp3', () => {
    for (const [n, ip, subnet] of [[1, '10.0.1.10', 1], [2, '10.0.2.10', 2], [3, '10.0.3.10', 3]] as const) {
      expect(synth).toHaveResourceWithProperties(Instance, {
        instance_type: 'm6i.xlarge',
        private_ip: ip,
        subnet_id: `\${aws_subnet.subnet_${subnet}.id}`,
        ami: '${data.aws_ami.ubuntu_amd64.id}',
        key_name: '${aws_key_pair.ssh_key.key_name}',
        vpc_security_group_ids: ['${aws_security_group.nodes.id}'],
        metadata_options: { http_tokens: 'required', http_put_response_hop_limit: 1, http_endpoint: 'enabled' },
        root_block_device: { volume_size: 80, volume_type: 'gp3', encrypted: true },
        tags: { 'Name': `${STEM}-cp${n}`, 'catalyst.openova.io/role': 'control-plane' },
      });
    }
    expect(synth).toHaveResourceWithProperties(KeyPair, { key_name: STEM, public_key: SSH_KEY });
    expect(synth).toHaveDataSourceWithProperties(DataAwsAmi, { owners: ['099720109477'], most_recent: true });
    // Graviton workers get the arm64 image.
    expect(json.resource.aws_instance.worker_general_1.ami).toBe('${data.aws_ami.ubuntu_arm64.id}');
    expect(json.resource.aws_instance.worker_general_1.depends_on).toEqual(['aws_instance.control_plane_1', 'aws_instance.control_plane_2', 'aws_instance.control_plane_3']);
  });

  test('NLB on 80, 443 and 6443 to the control planes', () => {
    expect(synth).toHaveResourceWithProperties(Lb, { load_balancer_type: 'network', internal: false });
    const listeners = Object.values(json.resource.aws_lb_listener).map((l) => [l.port, l.protocol]).sort();
    expect(listeners).toEqual([[443, 'TCP'], [6443, 'TCP'], [80, 'TCP']]);
    expect(synth).toHaveResourceWithProperties(LbListener, { port: 6443, default_action: [{ type: 'forward', target_group_arn: '${aws_lb_target_group.target_group_kube_api.arn}' }] });
    expect(synth).toHaveResourceWithProperties(LbTargetGroup, { port: 6443, protocol: 'TCP', target_type: 'instance' });
    expect(Object.keys(json.resource.aws_lb_target_group_attachment)).toHaveLength(9);
  });

  test('the same cloud-init as Hetzner: steps, HA join, tls-san with the NLB name, no hcloud credentials', () => {
    const cp1 = cloudConfigOf(json.resource.aws_instance.control_plane_1.user_data);
    const hz = cloudConfigOf(hetzner().json.resource.hcloud_server.control_plane_1.user_data);
    expect(stepsOf(cp1)).toEqual(stepsOf(hz).filter((s) => s !== '80-secrets' && s !== '85-handoff'));
    expect(stack.cloudInit[1].k3sConfig.server).toBe('https://10.0.1.10:6443');
    expect(decoded(cp1, '/etc/rancher/k3s/config.yaml')).toContain('<aws_lb.load_balancer.dns_name>');
    expect(cp1.write_files.map((f) => f.path)).not.toContain('/etc/catalyst/secrets/hcloud-token');
    expect(decoded(cp1, '/etc/rancher/k3s/cluster-token')).toBe('<terraform_data.k3s_token.output.token>');
  });

  test('the k3s token: built-in terraform_data, random once, frozen by ignore_changes', () => {
    expect(json.resource.terraform_data.k3s_token).toEqual({
      input: { token: '${sensitive(replace(join("", [uuid(), uuid()]), "-", ""))}' },
      lifecycle: { ignore_changes: ['input'] },
    });
  });

  test('outputs', () => {
    expect(json.output!.load_balancer_dns.value).toBe('${aws_lb.load_balancer.dns_name}');
    expect(json.output!.kubernetes_api.value).toBe('https://${aws_lb.load_balancer.dns_name}:6443');
    expect(json.output!.control_plane_ip.value).toBe('${aws_instance.control_plane_1.public_ip}');
  });

  test('validation with field paths', () => {
    const issues = (() => {
      try {
        aws({ regions: ['mars-1'], controlPlane: { instanceType: 'huge' }, network: { vpcCidr: '10.0.0.0/8' } });
      } catch (e) {
        if (isCatalystError(e)) return e.issues.map((i) => i.path);
      }
      return [];
    })();
    expect(issues).toEqual(['sovereign.cloud.regions[0]', 'sovereign.cloud.controlPlane.instanceType', 'sovereign.cloud.network.vpcCidr']);
  });
});
