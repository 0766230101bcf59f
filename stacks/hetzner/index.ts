/**
 * Phase 0 on Hetzner Cloud: everything the upstream `infra/hetzner` module did (UPSTREAM §6),
 * from the Sovereign's typed props, with its defects fixed:
 *
 * - a 6443 load-balancer service (the kubeconfig handed back points at `<LB IPv4>:6443`);
 * - HA control planes 2 and 3 join the first (`server:`) instead of each running `cluster-init`;
 * - the k3s token is a `random_password`, not a hash of the project id and FQDN;
 * - more than one region is rejected with an error instead of silently using the first;
 * - the Crossplane `hcloud-credentials` Secret (names from src/handoff.ts) is written in-cluster by
 *   cloud-init from the sensitive `hcloud_token` variable, never into the Flux repo;
 * - worker pools are keyed by name (Terraform addresses and server names), not by list index.
 *
 * Secrets are sensitive TerraformVariables supplied at apply time; nothing secret is a literal.
 */
import { TerraformOutput, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import { resolveHetzner, ResolvedHetzner } from './props';
import { Firewall, FirewallRule } from '../../constructs/gen/hcloud/firewall';
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
import { CatalystError } from '../../src/errors';
import {
  HETZNER_FIREWALL_INBOUND, HETZNER_LB_SERVICES, HETZNER_NAME_SUFFIX, networkZoneOf, Phase0HetznerFact, PHASE0_HETZNER_FACTS,
} from '../../src/hetzner';
import type { Sovereign } from '../../src/sovereign';
import { ClusterBootstrap, clusterBootstrap } from '../cloud-init/bootstrap';
import { USER_DATA_LIMITS } from '../cloud-init/cloud-config';
import { K3sNodeCloudInit, ROLE_LABEL } from '../cloud-init/k3s-node';
import { ClusterToken } from '../common/cluster-token';
import { CLOUD_PATH, REQUIRED_TERRAFORM, SSH_PUBLIC_KEY_PATTERN } from '../common/props';
import { phase0Variables, Phase0Variables } from '../common/variables';

/** Label every Hetzner resource of a Sovereign carries (upstream). */
export const SOVEREIGN_LABEL = 'catalyst.openova.io/sovereign';
/** Label naming a worker server's pool. */
export const POOL_LABEL = 'catalyst.openova.io/pool';

/** Reads the server's own id on the node (it cannot be in its own user_data). */
const HETZNER_INSTANCE_ID = 'curl -sf --retry 10 http://169.254.169.254/hetzner/v1/metadata/instance-id';

export class HetznerPhase0Stack extends TerraformStack {
  public readonly resolved: ResolvedHetzner;
  public readonly variables: Phase0Variables;
  public readonly network: Network;
  public readonly subnet: NetworkSubnet;
  public readonly firewall: Firewall;
  public readonly sshKey: SshKey;
  public readonly loadBalancer: LoadBalancer;
  public readonly controlPlanes: readonly Server[];
  /** Worker servers by pool name. */
  public readonly workers: ReadonlyMap<string, readonly Server[]>;
  public readonly cloudInit: readonly K3sNodeCloudInit[];

  constructor(scope: Construct, id: string, sov: Sovereign, cloud: HetznerCloudProps, bootstrap: ClusterBootstrap = clusterBootstrap(sov)) {
    super(scope, id);
    const fqdn = sov.props.fqdn;
    const r = resolveHetzner(fqdn, cloud);
    this.resolved = r;
    const labels = { [SOVEREIGN_LABEL]: fqdn };

    // UPSTREAM §6.1; also the first Terraform with every built-in this stack uses.
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM);
    this.variables = phase0Variables(this, r, {
      cloudToken: { id: 'hcloud_token', description: 'Hetzner Cloud API token (read/write) of the project the Sovereign runs in.' },
      sshPattern: SSH_PUBLIC_KEY_PATTERN,
    });
    new HcloudProvider(this, 'hcloud', { token: this.variables.cloudToken });
    const token = new ClusterToken(this, 'k3s_token', 'random-provider');

    this.network = new Network(this, 'network', {
      name: `${r.stem}-${HETZNER_NAME_SUFFIX.network}`,
      ipRange: r.network.ipRange,
      labels,
    });
    const networkId = Token.asNumber(this.network.id);
    const zone = networkZoneOf(r.location);
    this.subnet = new NetworkSubnet(this, 'subnet', { networkId, type: 'cloud', networkZone: zone, ipRange: r.network.subnet });
    const poolSubnets = new Map<string, NetworkSubnet>();
    for (const pool of r.pools) {
      if (pool.subnet) {
        poolSubnets.set(pool.name, new NetworkSubnet(this, `subnet-${pool.name}`, { networkId, type: 'cloud', networkZone: zone, ipRange: pool.subnet }));
      }
    }

    const inbound = HETZNER_FIREWALL_INBOUND;
    const rules: FirewallRule[] = [
      ...inbound.tcpPorts.map((port) => ({ direction: 'in', protocol: 'tcp', port: String(port), sourceIps: [...inbound.sourceIps], description: `tcp ${port}` })),
      ...(inbound.icmp ? [{ direction: 'in', protocol: 'icmp', sourceIps: [...inbound.sourceIps], description: 'icmp' }] : []),
      // SSH only from the given CIDRs; none given means no port-22 rule at all.
      ...(r.ssh.allowedCidrs.length ? [{ direction: 'in', protocol: 'tcp', port: '22', sourceIps: [...r.ssh.allowedCidrs], description: 'ssh' }] : []),
    ];
    this.firewall = new Firewall(this, 'firewall', { name: `${r.stem}-${HETZNER_NAME_SUFFIX.firewall}`, rule: rules, labels });
    const firewallIds = [Token.asNumber(this.firewall.id)];

    this.sshKey = new SshKey(this, 'ssh_key', { name: r.stem, publicKey: this.variables.sshPublicKey, labels });

    this.loadBalancer = new LoadBalancer(this, 'load_balancer', {
      name: `${r.stem}-${HETZNER_NAME_SUFFIX.loadBalancer}`,
      loadBalancerType: r.loadBalancerType,
      location: r.location,
      algorithm: { type: 'round_robin' },
      labels,
    });
    const lbNetwork = new LoadBalancerNetwork(this, 'load_balancer_network', {
      loadBalancerId: Token.asNumber(this.loadBalancer.id),
      subnetId: this.subnet.id,
      ip: r.loadBalancerIp,
    });

    const cpPlacement = r.controlPlane.placementGroup
      ? new PlacementGroup(this, 'control_plane_placement', { name: `${r.stem}-cp`, type: 'spread', labels })
      : undefined;

    const serverUrl = `https://${r.controlPlaneIps[0]}:6443`;
    const common = {
      k3sVersion: r.k3s.version,
      k3sInstallScriptSha256: r.k3s.installScriptSha256,
      clusterToken: token.value,
      privateNetwork: r.network.ipRange,
      hardening: r.hardening,
      facts: { fqdn, org: sov.props.org.name, cloud: 'hetzner', region: r.location, stem: r.stem },
    };
    const tlsSans = [fqdn, this.loadBalancer.ipv4, r.loadBalancerIp];

    const controlPlanes: Server[] = [];
    const inits: K3sNodeCloudInit[] = [];
    for (let i = 0; i < r.controlPlane.count; i++) {
      const n = i + 1;
      const init = new K3sNodeCloudInit(this, `control_plane_${n}_cloud_init`, {
        ...common,
        role: i === 0 ? 'init-server' : 'join-server',
        serverUrl: i === 0 ? undefined : serverUrl,
        tlsSans,
        // Stagger security reboots so an HA control plane never loses quorum.
        rebootTime: ['02:30', '03:15', '04:00'][i],
        ...(i === 0 ? {
          bootstrap,
          helm: r.helm,
          apiEndpoint: this.loadBalancer.ipv4,
          secrets: {
            hcloudToken: r.crossplaneCredentials ? this.variables.cloudToken : undefined,
            pull: r.pullSecret && this.variables.pullToken ? { ...r.pullSecret, token: this.variables.pullToken } : undefined,
            postback: r.kubeconfigPostback && this.variables.kubeconfigBearerToken
              ? { ...r.kubeconfigPostback, bearerToken: this.variables.kubeconfigBearerToken } : undefined,
          },
          handoffConfigMap: {
            namespace: PHASE0_HETZNER_FACTS.namespace,
            name: PHASE0_HETZNER_FACTS.name,
            ...handoffFacts(r, {
              networkId: this.network.id,
              firewallId: this.firewall.id,
              loadBalancerId: this.loadBalancer.id,
              sshKeyName: this.sshKey.name,
            }),
          },
        } : {}),
      });
      inits.push(init);
      checkUserData(init, `${CLOUD_PATH}.controlPlane`);
      controlPlanes.push(new Server(this, `control_plane_${n}`, {
        name: `${r.stem}-cp${n}`,
        image: r.image,
        serverType: r.controlPlane.serverType,
        location: r.location,
        sshKeys: [this.sshKey.id],
        // Attached at creation, so the server never boots without its firewall.
        firewallIds,
        placementGroupId: cpPlacement ? Token.asNumber(cpPlacement.id) : undefined,
        userData: init.userData,
        publicNet: [{ ipv4Enabled: true, ipv6Enabled: true }],
        network: [{ networkId, ip: r.controlPlaneIps[i], aliasIps: [] }],
        labels: { ...labels, [ROLE_LABEL]: 'control-plane' },
        // The subnet must exist before a server attaches to the network; joiners need the first.
        dependsOn: [this.subnet, ...(i === 0 ? [] : [controlPlanes[0]])],
        // Cloud-init is the first boot only; after it, Flux owns the cluster. A changed template
        // (e.g. new bp-cilium values) must not replace running servers (user_data forces a new server).
        lifecycle: { ignoreChanges: ['user_data', 'image'] },
      }));
    }
    this.controlPlanes = controlPlanes;

    controlPlanes.forEach((cp, i) => {
      new LoadBalancerTarget(this, `load_balancer_target_cp${i + 1}`, {
        type: 'server',
        loadBalancerId: Token.asNumber(this.loadBalancer.id),
        serverId: Token.asNumber(cp.id),
        usePrivateIp: true,
        dependsOn: [lbNetwork],
      });
    });
    for (const svc of HETZNER_LB_SERVICES) {
      new LoadBalancerService(this, `load_balancer_service_${svc.name.replace(/-/g, '_')}`, {
        loadBalancerId: this.loadBalancer.id,
        protocol: svc.protocol,
        listenPort: svc.listenPort,
        destinationPort: svc.destinationPort,
        healthCheck: { protocol: 'tcp', port: svc.destinationPort, interval: 15, timeout: 10, retries: 3 },
      });
    }

    const workers = new Map<string, Server[]>();
    for (const pool of r.pools) {
      const placement = pool.placementGroup && pool.count > 0
        ? new PlacementGroup(this, `placement_${pool.name}`, { name: `${r.stem}-${pool.name}`, type: 'spread', labels })
        : undefined;
      const init = pool.count > 0
        ? new K3sNodeCloudInit(this, `pool_${pool.name}_cloud_init`, {
          ...common,
          role: 'agent',
          serverUrl,
          nodeLabels: { [POOL_LABEL]: pool.name, ...pool.labels },
        })
        : undefined;
      if (init) {
        inits.push(init);
        checkUserData(init, `${CLOUD_PATH}.workers.${pool.name}`);
      }
      const servers: Server[] = [];
      for (let n = 1; n <= pool.count; n++) {
        servers.push(new Server(this, `worker_${pool.name}_${n}`, {
          name: `${r.stem}-${pool.name}-${n}`,
          image: r.image,
          serverType: pool.serverType,
          location: r.location,
          sshKeys: [this.sshKey.id],
          firewallIds,
          placementGroupId: placement ? Token.asNumber(placement.id) : undefined,
          userData: init!.userData,
          publicNet: [{ ipv4Enabled: true, ipv6Enabled: true }],
          // In the shared subnet Hetzner assigns the private IP (fixed IPs would tie pools to each
          // other); a pool with its own subnet uses fixed hosts of that subnet.
          network: [{ networkId, ...(pool.ips ? { ip: pool.ips[n - 1] } : {}), aliasIps: [] }],
          labels: { ...labels, [ROLE_LABEL]: 'worker', [POOL_LABEL]: pool.name },
          // After the control planes and the load balancer's fixed IP, so no auto-assigned IP takes theirs.
          dependsOn: [...controlPlanes, lbNetwork, poolSubnets.get(pool.name) ?? this.subnet],
          lifecycle: { ignoreChanges: ['user_data', 'image'] },
        }));
      }
      workers.set(pool.name, servers);
    }
    this.workers = workers;
    this.cloudInit = inits;

    const out = (name: string, value: string, description: string) => new TerraformOutput(this, name, { value, description });
    out('control_plane_ip', controlPlanes[0].ipv4Address, 'Public IPv4 of the first control plane.');
    new TerraformOutput(this, 'control_plane_private_ips', { value: r.controlPlaneIps, description: 'Private IPs of the control planes.' });
    out('load_balancer_ip', this.loadBalancer.ipv4, 'Public IPv4 of the load balancer (point the Sovereign DNS records here).');
    out('kubernetes_api', `https://${this.loadBalancer.ipv4}:6443`, 'Kubernetes API endpoint behind the load balancer.');
    out('sovereign_fqdn', fqdn, 'The Sovereign FQDN.');
    out('console_url', `https://console.${fqdn}`, 'The Catalyst console.');
    out('gitops_repo_url', `${sov.gitops.url}//${sov.gitops.path}`, 'Repository and cluster folder Flux reconciles (the path cloud-init bootstraps).');
    out('network_id', this.network.id, 'Hetzner id of the private network (Crossplane adoption).');
    out('firewall_id', this.firewall.id, 'Hetzner id of the firewall (Crossplane adoption).');
    out('load_balancer_id', this.loadBalancer.id, 'Hetzner id of the load balancer (Crossplane adoption).');
  }
}

/**
 * The facts Phase 1 (Crossplane adoption) reads from the PHASE0_HETZNER_FACTS ConfigMap. Typed
 * over every fact key, so a new key in src/hetzner.ts fails compilation here until it is filled.
 */
function handoffFacts(
  r: ResolvedHetzner,
  ids: { readonly networkId: string; readonly firewallId: string; readonly loadBalancerId: string; readonly sshKeyName: string },
): { literals: Record<string, string>; fromCommands: Record<string, string> } {
  const workerPool = r.pools.find((p) => p.name === 'default') ?? r.pools[0];
  const facts: Record<Phase0HetznerFact, string | { readonly command: string }> = {
    location: r.location,
    controlPlaneType: r.controlPlane.serverType,
    workerType: workerPool?.serverType ?? r.controlPlane.serverType,
    sshKeyName: ids.sshKeyName,
    networkIpRange: r.network.ipRange,
    subnetIpRange: r.network.subnet,
    controlPlaneIp: r.controlPlaneIps[0],
    networkId: ids.networkId,
    firewallId: ids.firewallId,
    loadBalancerId: ids.loadBalancerId,
    // A server cannot reference its own id in its user data; it reads it on boot.
    controlPlaneServerId: { command: HETZNER_INSTANCE_ID },
  };
  const literals: Record<string, string> = {};
  const fromCommands: Record<string, string> = {};
  for (const key of Object.keys(facts) as Phase0HetznerFact[]) {
    const v = facts[key];
    const variable = PHASE0_HETZNER_FACTS.variables[key];
    if (typeof v === 'string') literals[variable] = v;
    else fromCommands[variable] = v.command;
  }
  return { literals, fromCommands };
}

function checkUserData(init: K3sNodeCloudInit, path: string): void {
  // Tokens render shorter or longer than their values; the raw text is a close upper-bound guide.
  const size = Buffer.byteLength(init.config.renderRaw());
  if (size > USER_DATA_LIMITS.hetzner) {
    throw CatalystError.at(path, `cloud-init user data is ${size} bytes; Hetzner accepts at most ${USER_DATA_LIMITS.hetzner}`);
  }
}
