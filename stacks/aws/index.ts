/**
 * Phase 0 on AWS with the prebuilt @cdktf/provider-aws (20.1.x = hashicorp/aws 5.100.0): the same
 * cluster shape and cloud-init as Hetzner.
 *
 * - VPC with one public subnet per availability zone (the Hetzner network + subnet);
 * - a security group equal to the Hetzner firewall: tcp 80/443/6443 and ICMP from anywhere, 22 only
 *   from `ssh.allowedCidrs`, plus all traffic inside the VPC (Hetzner does not filter the private
 *   network either: etcd, kubelet and Cilium VXLAN run there);
 * - EC2 control planes (1 or 3, fixed private IPs, HA joiners use `server:`) and named worker pools;
 * - a network load balancer on 80/443/6443 to the control planes (the Hetzner lb11);
 * - IMDSv2 with hop limit 1, so pods cannot read the user data (it carries the join token).
 *
 * The k3s token comes from the built-in `terraform_data` (see ClusterToken) so this stack needs no
 * provider besides hashicorp/aws, which lets `npm run test:terraform` validate it offline.
 */
import { DataAwsAmi } from '@cdktf/provider-aws/lib/data-aws-ami';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { KeyPair } from '@cdktf/provider-aws/lib/key-pair';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { LbTargetGroupAttachment } from '@cdktf/provider-aws/lib/lb-target-group-attachment';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Fn, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { isArmInstanceType, resolveAws, ResolvedAws } from './props';
import { AwsCloudProps } from '../../src/cloud';
import { CatalystError } from '../../src/errors';
import { HETZNER_FIREWALL_INBOUND, HETZNER_LB_SERVICES } from '../../src/hetzner';
import type { Sovereign } from '../../src/sovereign';
import { ClusterBootstrap, clusterBootstrap } from '../cloud-init/bootstrap';
import { USER_DATA_LIMITS } from '../cloud-init/cloud-config';
import { K3sNodeCloudInit, ROLE_LABEL } from '../cloud-init/k3s-node';
import { ClusterToken } from '../common/cluster-token';
import { CLOUD_PATH, REQUIRED_TERRAFORM, SSH_PUBLIC_KEY_PATTERN } from '../common/props';
import { phase0Variables } from '../common/variables';

/** Canonical's AWS account: the owner of the official Ubuntu images. */
export const CANONICAL_OWNER = '099720109477';
const SOVEREIGN_TAG = 'catalyst.openova.io/sovereign';

/** The public ports, the same list the Hetzner firewall and load balancer use. */
const PUBLIC_TCP = HETZNER_FIREWALL_INBOUND.tcpPorts;

export class AwsPhase0Stack extends TerraformStack {
  public readonly resolved: ResolvedAws;
  public readonly vpc: Vpc;
  public readonly securityGroup: SecurityGroup;
  public readonly controlPlanes: readonly Instance[];
  public readonly workers: ReadonlyMap<string, readonly Instance[]>;
  public readonly loadBalancer: Lb;
  public readonly cloudInit: readonly K3sNodeCloudInit[];

  constructor(scope: Construct, id: string, sov: Sovereign, cloud: AwsCloudProps, bootstrap: ClusterBootstrap = clusterBootstrap(sov)) {
    super(scope, id);
    const fqdn = sov.props.fqdn;
    const r = resolveAws(fqdn, cloud);
    this.resolved = r;
    // UPSTREAM §6.1; also the first Terraform with every built-in this stack uses.
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM);
    const vars = phase0Variables(this, r, { sshPattern: SSH_PUBLIC_KEY_PATTERN });

    new AwsProvider(this, 'aws', { region: r.region, defaultTags: [{ tags: { [SOVEREIGN_TAG]: fqdn, 'app.kubernetes.io/managed-by': 'catalyst-cdk' } }] });
    const token = new ClusterToken(this, 'k3s_token', 'builtin');
    const name = (suffix: string) => ({ Name: `${r.stem}-${suffix}` });

    const azs = new DataAwsAvailabilityZones(this, 'availability_zones', { state: 'available' });
    this.vpc = new Vpc(this, 'vpc', { cidrBlock: r.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: name('vpc') });
    const igw = new InternetGateway(this, 'internet_gateway', { vpcId: this.vpc.id, tags: name('igw') });
    const routes = new RouteTable(this, 'public_routes', {
      vpcId: this.vpc.id,
      route: [{ cidrBlock: '0.0.0.0/0', gatewayId: igw.id }],
      tags: name('public'),
    });
    const subnets = r.subnets.map((cidr, i) => {
      const subnet = new Subnet(this, `subnet_${i + 1}`, {
        vpcId: this.vpc.id,
        cidrBlock: cidr,
        availabilityZone: Fn.element(azs.names, i),
        mapPublicIpOnLaunch: true,
        tags: name(`subnet-${i + 1}`),
      });
      new RouteTableAssociation(this, `subnet_${i + 1}_routes`, { subnetId: subnet.id, routeTableId: routes.id });
      return subnet;
    });

    this.securityGroup = new SecurityGroup(this, 'nodes', {
      name: `${r.stem}-nodes`,
      description: `Catalyst Sovereign ${fqdn} nodes (same rules as the Hetzner firewall)`,
      vpcId: this.vpc.id,
      tags: name('nodes'),
    });
    const sg = this.securityGroup.id;
    const ingress = (rid: string, props: Omit<ConstructorParameters<typeof VpcSecurityGroupIngressRule>[2], 'securityGroupId'>) =>
      new VpcSecurityGroupIngressRule(this, rid, { securityGroupId: sg, ...props });
    for (const port of PUBLIC_TCP) {
      ingress(`ingress_tcp_${port}_ipv4`, { ipProtocol: 'tcp', fromPort: port, toPort: port, cidrIpv4: '0.0.0.0/0', description: `tcp ${port}` });
      ingress(`ingress_tcp_${port}_ipv6`, { ipProtocol: 'tcp', fromPort: port, toPort: port, cidrIpv6: '::/0', description: `tcp ${port}` });
    }
    ingress('ingress_icmp_ipv4', { ipProtocol: 'icmp', fromPort: -1, toPort: -1, cidrIpv4: '0.0.0.0/0', description: 'icmp' });
    ingress('ingress_icmp_ipv6', { ipProtocol: 'icmpv6', fromPort: -1, toPort: -1, cidrIpv6: '::/0', description: 'icmpv6' });
    r.ssh.allowedCidrs.forEach((cidr, i) => {
      const v6 = cidr.includes(':');
      ingress(`ingress_ssh_${i + 1}`, { ipProtocol: 'tcp', fromPort: 22, toPort: 22, ...(v6 ? { cidrIpv6: cidr } : { cidrIpv4: cidr }), description: 'ssh' });
    });
    ingress('ingress_vpc', { ipProtocol: '-1', cidrIpv4: r.vpcCidr, description: 'node-to-node inside the VPC (etcd, kubelet, Cilium)' });
    new VpcSecurityGroupEgressRule(this, 'egress_ipv4', { securityGroupId: sg, ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' });
    new VpcSecurityGroupEgressRule(this, 'egress_ipv6', { securityGroupId: sg, ipProtocol: '-1', cidrIpv6: '::/0' });

    const keyPair = new KeyPair(this, 'ssh_key', { keyName: r.stem, publicKey: vars.sshPublicKey });

    const amis = new Map<string, DataAwsAmi>();
    const amiFor = (instanceType: string): string => {
      const arch = isArmInstanceType(instanceType) ? 'arm64' : 'amd64';
      let ami = amis.get(arch);
      if (!ami) {
        ami = new DataAwsAmi(this, `ubuntu_${arch}`, {
          mostRecent: true,
          owners: [CANONICAL_OWNER],
          filter: [
            { name: 'name', values: [`ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-${arch}-server-*`] },
            { name: 'virtualization-type', values: ['hvm'] },
          ],
        });
        amis.set(arch, ami);
      }
      return ami.id;
    };

    this.loadBalancer = new Lb(this, 'load_balancer', {
      loadBalancerType: 'network',
      internal: false,
      subnets: subnets.map((s) => s.id),
      enableCrossZoneLoadBalancing: true,
      tags: name('lb'),
    });
    const lbDns = this.loadBalancer.dnsName;

    const common = {
      k3sVersion: r.k3s.version,
      k3sInstallScriptSha256: r.k3s.installScriptSha256,
      clusterToken: token.value,
      privateNetwork: r.vpcCidr,
      hardening: r.hardening,
      facts: { fqdn, org: sov.props.org.name, cloud: 'aws', region: r.region, stem: r.stem },
    };
    const serverUrl = `https://${r.controlPlaneIps[0]}:6443`;
    const instanceBase = (instanceType: string, subnetIndex: number) => ({
      ami: amiFor(instanceType),
      instanceType,
      subnetId: subnets[subnetIndex % subnets.length].id,
      vpcSecurityGroupIds: [sg],
      keyName: keyPair.keyName,
      rootBlockDevice: { volumeSize: r.rootVolumeGiB, volumeType: 'gp3', encrypted: true },
      // IMDSv2 only, one hop: containers cannot reach the metadata service (and the user data).
      metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 1, httpEndpoint: 'enabled' },
      // The user data is the node's first boot; changing it must not replace a running node.
      lifecycle: { ignoreChanges: ['ami', 'user_data'] },
    });

    const inits: K3sNodeCloudInit[] = [];
    const controlPlanes: Instance[] = [];
    for (let i = 0; i < r.controlPlane.count; i++) {
      const n = i + 1;
      const init = new K3sNodeCloudInit(this, `control_plane_${n}_cloud_init`, {
        ...common,
        role: i === 0 ? 'init-server' : 'join-server',
        serverUrl: i === 0 ? undefined : serverUrl,
        tlsSans: [fqdn, lbDns],
        rebootTime: ['02:30', '03:15', '04:00'][i],
        ...(i === 0 ? {
          bootstrap,
          helm: r.helm,
          apiEndpoint: lbDns,
          secrets: {
            pull: r.pullSecret && vars.pullToken ? { ...r.pullSecret, token: vars.pullToken } : undefined,
            postback: r.kubeconfigPostback && vars.kubeconfigBearerToken
              ? { ...r.kubeconfigPostback, bearerToken: vars.kubeconfigBearerToken } : undefined,
          },
        } : {}),
      });
      inits.push(init);
      checkUserData(init, `${CLOUD_PATH}.controlPlane`);
      controlPlanes.push(new Instance(this, `control_plane_${n}`, {
        ...instanceBase(r.controlPlane.instanceType, i),
        privateIp: r.controlPlaneIps[i],
        userData: init.userData,
        tags: { ...name(`cp${n}`), [ROLE_LABEL]: 'control-plane' },
        dependsOn: i === 0 ? [] : [controlPlanes[0]],
      }));
    }
    this.controlPlanes = controlPlanes;

    for (const svc of HETZNER_LB_SERVICES) {
      const key = svc.name.replace(/-/g, '_');
      const tg = new LbTargetGroup(this, `target_group_${key}`, {
        port: svc.destinationPort,
        protocol: 'TCP',
        vpcId: this.vpc.id,
        targetType: 'instance',
        healthCheck: { protocol: 'TCP', port: String(svc.destinationPort), interval: 15, healthyThreshold: 3, unhealthyThreshold: 3 },
        tags: name(`tg-${svc.name}`),
      });
      controlPlanes.forEach((cp, i) => {
        new LbTargetGroupAttachment(this, `target_${key}_cp${i + 1}`, { targetGroupArn: tg.arn, targetId: cp.id, port: svc.destinationPort });
      });
      new LbListener(this, `listener_${key}`, {
        loadBalancerArn: this.loadBalancer.arn,
        port: svc.listenPort,
        protocol: 'TCP',
        defaultAction: [{ type: 'forward', targetGroupArn: tg.arn }],
      });
    }

    const workers = new Map<string, Instance[]>();
    for (const pool of r.pools) {
      const list: Instance[] = [];
      if (pool.count > 0) {
        const init = new K3sNodeCloudInit(this, `pool_${pool.name}_cloud_init`, {
          ...common,
          role: 'agent',
          serverUrl,
          nodeLabels: { 'catalyst.openova.io/pool': pool.name, ...pool.labels },
        });
        inits.push(init);
        checkUserData(init, `${CLOUD_PATH}.workers.${pool.name}`);
        for (let n = 1; n <= pool.count; n++) {
          list.push(new Instance(this, `worker_${pool.name}_${n}`, {
            ...instanceBase(pool.instanceType, n - 1),
            userData: init.userData,
            tags: { ...name(`${pool.name}-${n}`), [ROLE_LABEL]: 'worker', 'catalyst.openova.io/pool': pool.name },
            dependsOn: [...controlPlanes],
          }));
        }
      }
      workers.set(pool.name, list);
    }
    this.workers = workers;
    this.cloudInit = inits;

    new TerraformOutput(this, 'control_plane_ip', { value: controlPlanes[0].publicIp, description: 'Public IPv4 of the first control plane.' });
    new TerraformOutput(this, 'control_plane_private_ips', { value: r.controlPlaneIps, description: 'Private IPs of the control planes.' });
    new TerraformOutput(this, 'load_balancer_dns', { value: lbDns, description: 'DNS name of the network load balancer (CNAME the Sovereign records here).' });
    new TerraformOutput(this, 'kubernetes_api', { value: `https://${lbDns}:6443`, description: 'Kubernetes API endpoint behind the load balancer.' });
    new TerraformOutput(this, 'sovereign_fqdn', { value: fqdn });
    new TerraformOutput(this, 'console_url', { value: `https://console.${fqdn}` });
    new TerraformOutput(this, 'gitops_repo_url', { value: `${sov.gitops.url}//${sov.gitops.path}` });
    new TerraformOutput(this, 'vpc_id', { value: this.vpc.id });
  }
}

function checkUserData(init: K3sNodeCloudInit, path: string): void {
  const size = Buffer.byteLength(init.config.renderRaw());
  if (size > USER_DATA_LIMITS.aws) {
    throw CatalystError.at(path, `cloud-init user data is ${size} bytes; EC2 accepts at most ${USER_DATA_LIMITS.aws}`);
  }
}
