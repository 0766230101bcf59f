/**
 * Cloud-init for one k3s node of a Sovereign, on any cloud. Three roles:
 *
 * - `init-server`: the first control plane. `cluster-init` (embedded etcd), then in order: API
 *   health, local-path as default StorageClass, optional kubeconfig postback, Helm client, Cilium
 *   (the CNI, before anything that needs pods), Flux, the in-cluster Secrets, the Flux bootstrap.
 * - `join-server`: control planes 2 and 3 of an HA cluster. They join the first with `server:`
 *   (upstream gave all three `--cluster-init`, i.e. three separate clusters).
 * - `agent`: workers, joining the first control plane.
 *
 * Secrets reach the node only as base64 files Terraform fills at apply time (0600), never inline in
 * a script or in the Flux repo. k3s reads its flags from /etc/rancher/k3s/config.yaml (rendered
 * from a typed object) and the cluster token from a `token-file`, so no secret shows in `ps`.
 */
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterBootstrap } from './bootstrap';
import { CloudConfig, CloudConfigFile, RunCommand } from './cloud-config';
import {
  apiAndStorageScript, baseScript, completeScript, fluxSyncScript, HandoffConfigMapOptions, handoffConfigMapScript, helmClientScript,
  helmReleaseScript, K3S_CONFIG_DIR,
  K3S_TOKEN_FILE, k3sInstallScript, nodeIpScript, postbackScript, runStepScript, SCRIPT_DIR, SECRET_DIR, secretsScript, STATE_DIR,
} from './scripts';
import { HCLOUD_CREDENTIALS } from '../../src/handoff';
import { JsonValue, toYaml } from '../../src/yaml';

export type K3sRole = 'init-server' | 'join-server' | 'agent';

/** Node label every Catalyst node carries with its role (upstream `catalyst.openova.io/role`). */
export const ROLE_LABEL = 'catalyst.openova.io/role';

/** The k3s flags of the spec (UPSTREAM §6.6/§6.7), as k3s config.yaml keys. */
export interface K3sConfig {
  readonly 'cluster-init'?: boolean;
  readonly 'server'?: string;
  readonly 'token-file': string;
  readonly 'flannel-backend'?: 'none';
  readonly 'disable-network-policy'?: boolean;
  readonly 'disable-kube-proxy'?: boolean;
  readonly 'disable'?: readonly string[];
  readonly 'tls-san'?: readonly string[];
  readonly 'node-label': readonly string[];
  readonly 'write-kubeconfig-mode'?: string;
  readonly 'lb-server-port'?: number;
}

export interface K3sNodeSecrets {
  /** Terraform expression of the hcloud API token: written as the Crossplane credentials Secret. */
  readonly hcloudToken?: string;
  /** Pull Secret: registry, user, and the Terraform expression of the password. */
  readonly pull?: { readonly registry: string; readonly username: string; readonly secretName: string; readonly token: string };
  /** Kubeconfig postback: API origin, deployment and the Terraform expression of the bearer token. */
  readonly postback?: { readonly apiUrl: string; readonly deploymentId: string; readonly bearerToken: string };
}

export interface K3sNodeCloudInitProps {
  readonly role: K3sRole;
  /** Pinned k3s release. */
  readonly k3sVersion: string;
  readonly k3sInstallScriptSha256?: string;
  /** Terraform expression of the cluster join token (e.g. `random_password.result`). */
  readonly clusterToken: string;
  /** The private network range; k3s binds to the node's address inside it. */
  readonly privateNetwork: string;
  /** `https://<first control plane>:6443`; required for `join-server` and `agent`. */
  readonly serverUrl?: string;
  /** Extra names/addresses in the API server certificate (servers only). */
  readonly tlsSans?: readonly string[];
  /** Kubernetes node labels besides the role label. */
  readonly nodeLabels?: { readonly [key: string]: string };
  readonly hardening: { readonly fail2ban: boolean; readonly unattendedUpgrades: boolean };
  /** HH:MM of the unattended-upgrades reboot; stagger it across control planes. @default '02:30' */
  readonly rebootTime?: string;
  /** What the first control plane installs; required for `init-server`. */
  readonly bootstrap?: ClusterBootstrap;
  /** Helm client for `init-server`. */
  readonly helm?: { readonly version: string; readonly sha256?: { readonly amd64?: string; readonly arm64?: string } };
  /** Public API endpoint (load balancer address) for the kubeconfig postback; may be a Terraform token. */
  readonly apiEndpoint?: string;
  readonly secrets?: K3sNodeSecrets;
  /** A ConfigMap of Phase 0 facts for Phase 1, written on the first control plane before the Flux bootstrap. */
  readonly handoffConfigMap?: HandoffConfigMapOptions;
  /** Non-secret facts echoed to /var/lib/catalyst/sovereign.json for operators. */
  readonly facts?: { readonly [key: string]: JsonValue };
}

/** One named step: a script and its runcmd entry. */
export interface CloudInitStep {
  readonly name: string;
  readonly script: string;
}

/** Cloud-init of one k3s node. `userData` is the Terraform-escaped `#cloud-config` text. */
export class K3sNodeCloudInit extends Construct {
  public readonly config: CloudConfig;
  public readonly k3sConfig: K3sConfig;
  public readonly steps: readonly CloudInitStep[];

  constructor(scope: Construct, id: string, props: K3sNodeCloudInitProps) {
    super(scope, id);
    const { role } = props;
    if (role !== 'init-server' && !props.serverUrl) throw new Error(`${this.node.path}: a ${role} needs serverUrl`);
    if (role === 'init-server' && !props.bootstrap) throw new Error(`${this.node.path}: the init-server needs the cluster bootstrap`);

    const isServer = role !== 'agent';
    const roleLabel = isServer ? 'control-plane' : 'worker';
    const labels = [`${ROLE_LABEL}=${roleLabel}`, ...Object.entries(props.nodeLabels ?? {}).map(([k, v]) => `${k}=${v}`)];
    this.k3sConfig = isServer
      ? {
        ...(role === 'init-server' ? { 'cluster-init': true } : { server: props.serverUrl }),
        'token-file': K3S_TOKEN_FILE,
        // Cilium is the CNI, network-policy engine and kube-proxy replacement.
        'flannel-backend': 'none',
        'disable-network-policy': true,
        'disable-kube-proxy': true,
        // Cilium Gateway API replaces traefik; the cloud load balancer replaces servicelb.
        // local-storage stays: local-path is the default StorageClass.
        'disable': ['traefik', 'servicelb'],
        'tls-san': [...(props.tlsSans ?? [])],
        'node-label': labels,
        // Only root reads the admin kubeconfig (upstream used 0644).
        'write-kubeconfig-mode': '0600',
      }
      : {
        'server': props.serverUrl,
        'token-file': K3S_TOKEN_FILE,
        'node-label': labels,
        // bp-cilium talks to the API at 127.0.0.1:6443 on every node; agents serve it there
        // through k3s' client load balancer (default port 6444).
        'lb-server-port': 6443,
      };

    const steps: CloudInitStep[] = [
      { name: '10-base', script: baseScript(props.hardening) },
      { name: '20-node-ip', script: nodeIpScript(props.privateNetwork) },
      {
        name: '30-k3s',
        script: k3sInstallScript({
          version: props.k3sVersion,
          exec: isServer ? 'server' : 'agent',
          installScriptSha256: props.k3sInstallScriptSha256,
          serverUrl: props.serverUrl,
        }),
      },
    ];
    const files: CloudConfigFile[] = [
      { path: `${STATE_DIR}/sovereign.json`, content: JSON.stringify({ role, k3sVersion: props.k3sVersion, ...props.facts }, null, 2) + '\n' },
      ...hardeningFiles(props.hardening, props.rebootTime ?? '02:30'),
      { path: `${K3S_CONFIG_DIR}/config.yaml`, permissions: '0600', content: toYaml(this.k3sConfig as unknown as JsonValue) },
      { path: K3S_TOKEN_FILE, permissions: '0600', encoding: 'b64', content: Fn.base64encode(props.clusterToken) },
      { path: `${SCRIPT_DIR}/run-step`, permissions: '0755', content: runStepScript() },
    ];

    if (role === 'init-server') {
      const b = props.bootstrap!;
      const helm = props.helm ?? { version: 'v3.16.4' };
      const s = props.secrets ?? {};
      steps.push({ name: '40-api-and-storage', script: apiAndStorageScript() });
      if (s.postback) {
        const bearerFile = `${SECRET_DIR}/kubeconfig-bearer-token`;
        files.push({ path: bearerFile, permissions: '0600', encoding: 'b64', content: Fn.base64encode(s.postback.bearerToken) });
        steps.push({
          name: '45-kubeconfig-postback',
          script: postbackScript({ apiUrl: s.postback.apiUrl, deploymentId: s.postback.deploymentId, apiEndpoint: props.apiEndpoint ?? '127.0.0.1', bearerTokenFile: bearerFile }),
        });
      }
      steps.push({ name: '50-helm', script: helmClientScript(helm) });
      const ciliumValues = `${STATE_DIR}/helm/cilium-values.yaml`;
      const fluxValues = `${STATE_DIR}/helm/flux-values.yaml`;
      files.push({ path: ciliumValues, content: b.cilium.valuesYaml }, { path: fluxValues, content: b.flux.valuesYaml });
      steps.push({
        name: '60-cilium',
        script: helmReleaseScript({
          releaseName: b.cilium.releaseName,
          namespace: b.cilium.namespace,
          chart: b.cilium.chart.chart,
          version: b.cilium.chart.version,
          repository: b.cilium.chart.repository,
          valuesFile: ciliumValues,
          waitFor: `kubectl -n ${b.cilium.namespace} rollout status ds/cilium --timeout=240s`,
        }),
      });
      steps.push({
        name: '70-flux',
        script: helmReleaseScript({
          releaseName: b.flux.releaseName,
          namespace: b.flux.namespace,
          chart: b.flux.chart.chart,
          version: b.flux.chart.version,
          repository: b.flux.chart.repository,
          valuesFile: fluxValues,
          waitFor: `kubectl -n ${b.flux.namespace} wait deployment --all --for=condition=Available --timeout=300s`,
        }),
      });
      const hcloudFile = `${SECRET_DIR}/hcloud-token`;
      const pullFile = `${SECRET_DIR}/registry-pull-token`;
      if (s.hcloudToken) files.push({ path: hcloudFile, permissions: '0600', encoding: 'b64', content: Fn.base64encode(s.hcloudToken) });
      if (s.pull) files.push({ path: pullFile, permissions: '0600', encoding: 'b64', content: Fn.base64encode(s.pull.token) });
      if (s.hcloudToken || s.pull) {
        steps.push({
          name: '80-secrets',
          script: secretsScript({
            hcloud: s.hcloudToken ? { ...HCLOUD_CREDENTIALS, tokenFile: hcloudFile } : undefined,
            pull: s.pull
              ? { namespace: b.flux.namespace, name: s.pull.secretName, registry: s.pull.registry, username: s.pull.username, tokenFile: pullFile }
              : undefined,
          }),
        });
      }
      if (props.handoffConfigMap) steps.push({ name: '85-handoff', script: handoffConfigMapScript(props.handoffConfigMap) });
      const syncFile = `${STATE_DIR}/flux/sync.yaml`;
      files.push({ path: syncFile, content: b.syncYaml });
      steps.push({ name: '90-flux-sync', script: fluxSyncScript(syncFile) });
    }
    steps.push({ name: '99-complete', script: completeScript() });

    for (const s of steps) files.push({ path: `${SCRIPT_DIR}/steps/${s.name}.sh`, permissions: '0755', content: s.script });
    this.steps = steps;
    this.config = new CloudConfig({
      packages: [
        'curl', 'iptables', 'jq', 'ca-certificates', 'git', 'python3',
        ...(props.hardening.fail2ban ? ['fail2ban'] : []),
        ...(props.hardening.unattendedUpgrades ? ['unattended-upgrades', 'apt-listchanges'] : []),
      ],
      writeFiles: files,
      runcmd: steps.map((s): RunCommand => [`${SCRIPT_DIR}/run-step`, s.name]),
    });
  }

  /** The `user_data` string (escaped for Terraform; tokens filled at apply time). */
  public get userData(): string {
    return this.config.render();
  }
}

function hardeningFiles(h: { readonly fail2ban: boolean; readonly unattendedUpgrades: boolean }, rebootTime: string): CloudConfigFile[] {
  const files: CloudConfigFile[] = [
    {
      path: '/etc/ssh/sshd_config.d/99-catalyst-hardening.conf',
      content: [
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'AllowTcpForwarding no',
        'AllowAgentForwarding no',
        'X11Forwarding no',
        'MaxAuthTries 3',
        'LoginGraceTime 30',
        'ClientAliveInterval 300',
        'ClientAliveCountMax 2',
        '',
      ].join('\n'),
    },
  ];
  if (h.unattendedUpgrades) {
    files.push(
      {
        path: '/etc/apt/apt.conf.d/20auto-upgrades',
        content: 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\nAPT::Periodic::AutocleanInterval "7";\n',
      },
      {
        path: '/etc/apt/apt.conf.d/52catalyst-unattended-upgrades',
        content: [
          '// Security updates only; reboot at a fixed time when a package needs it.',
          'Unattended-Upgrade::Allowed-Origins {',
          '        "${distro_id}:${distro_codename}-security";',
          '        "${distro_id}ESMApps:${distro_codename}-apps-security";',
          '        "${distro_id}ESM:${distro_codename}-infra-security";',
          '};',
          'Unattended-Upgrade::Automatic-Reboot "true";',
          `Unattended-Upgrade::Automatic-Reboot-Time "${rebootTime}";`,
          '',
        ].join('\n'),
      },
    );
  }
  if (h.fail2ban) {
    files.push({
      path: '/etc/fail2ban/jail.d/catalyst-sshd.local',
      content: '[sshd]\nenabled = true\nmaxretry = 5\nfindtime = 10m\nbantime = 1h\n',
    });
  }
  return files;
}
