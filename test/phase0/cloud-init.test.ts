/**
 * The rendered cloud-init, parsed as YAML the way the node sees it after Terraform filled it in:
 * step order (k3s → API → storage → Cilium → Flux → Secrets → Flux bootstrap), the k3s flags per
 * role, one source for Cilium/Flux/bootstrap facts, and secrets only as 0600 base64 files.
 */
import { parse, parseAllDocuments } from 'yaml';
import { cloudConfigOf, decoded, fileOf, hetzner, renderTemplate, sovereign, stepsOf, templateExpressions, HETZNER } from './support';
import { Cilium, CILIUM_CHART } from '../../blueprints/cilium';
import { Flux } from '../../blueprints/flux';
import { FLUX2_CHART, FLUX_VERSION } from '../../blueprints/flux/version';
import { HCLOUD_CREDENTIALS } from '../../src/handoff';
import { syncObjects } from '../../src/writers/flux';
import { clusterBootstrap } from '../../stacks/cloud-init/bootstrap';
import { CloudConfig, escapeForTerraform } from '../../stacks/cloud-init/cloud-config';
import { k3sInstallScriptUrl } from '../../stacks/cloud-init/scripts';

const cluster = hetzner({ controlPlane: { count: 3 }, workers: { general: { serverType: 'cx32', count: 1 } }, kubeconfigPostback: { deploymentId: 'd-42' }, pullSecret: {} });
const servers = cluster.json.resource.hcloud_server;
const cp1 = cloudConfigOf(servers.control_plane_1.user_data);
const cp2 = cloudConfigOf(servers.control_plane_2.user_data);
const worker = cloudConfigOf(servers.worker_general_1.user_data);

describe('step order on the first control plane', () => {
  test('runcmd runs every step through run-step, in the order the cluster needs', () => {
    expect(stepsOf(cp1)).toEqual([
      '10-base', '20-node-ip', '30-k3s', '40-api-and-storage', '45-kubeconfig-postback', '50-helm',
      '60-cilium', '70-flux', '80-secrets', '85-handoff', '90-flux-sync', '99-complete',
    ]);
  });

  test('Cilium before Flux, secrets before the bootstrap, k3s before anything that talks to the API', () => {
    const order = stepsOf(cp1);
    const at = (s: string) => order.indexOf(s);
    expect(at('30-k3s')).toBeLessThan(at('40-api-and-storage'));
    expect(at('40-api-and-storage')).toBeLessThan(at('60-cilium'));
    expect(at('60-cilium')).toBeLessThan(at('70-flux'));
    expect(at('70-flux')).toBeLessThan(at('80-secrets'));
    expect(at('80-secrets')).toBeLessThan(at('90-flux-sync'));
    expect(order[order.length - 1]).toBe('99-complete');
  });

  test('every step has its script, executable', () => {
    for (const step of stepsOf(cp1)) {
      const f = fileOf(cp1, `/usr/local/lib/catalyst/steps/${step}.sh`);
      expect(f.permissions).toBe('0755');
      expect(f.content.startsWith('#!/bin/bash\nset -euo pipefail\n')).toBe(true);
    }
  });

  test('run-step stops the chain after a failed step (a bare runcmd would carry on)', () => {
    const runner = fileOf(cp1, '/usr/local/lib/catalyst/run-step').content;
    expect(runner).toContain('compgen -G "$markers/*.failed"');
    expect(runner).toContain('touch "$markers/$step.failed"');
  });

  test('joiners and workers only prepare the node and run k3s', () => {
    expect(stepsOf(cp2)).toEqual(['10-base', '20-node-ip', '30-k3s', '99-complete']);
    expect(stepsOf(worker)).toEqual(['10-base', '20-node-ip', '30-k3s', '99-complete']);
  });
});

describe('k3s flags (UPSTREAM §6.6/§6.7)', () => {
  const config = (doc: typeof cp1) => parse(decoded(doc, '/etc/rancher/k3s/config.yaml'));

  test('first control plane: cluster-init, no flannel/network-policy/kube-proxy (Cilium), no traefik/servicelb, local-path kept', () => {
    expect(config(cp1)).toEqual({
      'cluster-init': true,
      'token-file': '/etc/rancher/k3s/cluster-token',
      'flannel-backend': 'none',
      'disable-network-policy': true,
      'disable-kube-proxy': true,
      'disable': ['traefik', 'servicelb'],
      'tls-san': ['omantel.omani.works', '<hcloud_load_balancer.load_balancer.ipv4>', '10.0.1.254'],
      'node-label': ['catalyst.openova.io/role=control-plane'],
      'write-kubeconfig-mode': '0600',
    });
    expect(config(cp1).disable).not.toContain('local-storage');
  });

  test('HA joiner: server: the first control plane, same control-plane flags', () => {
    const c = config(cp2);
    expect(c.server).toBe('https://10.0.1.2:6443');
    expect(c['cluster-init']).toBeUndefined();
    expect(c['disable-kube-proxy']).toBe(true);
  });

  test('worker: agent of the first control plane, role and pool labels, API on 127.0.0.1:6443 for Cilium', () => {
    expect(config(worker)).toEqual({
      'server': 'https://10.0.1.2:6443',
      'token-file': '/etc/rancher/k3s/cluster-token',
      'node-label': ['catalyst.openova.io/role=worker', 'catalyst.openova.io/pool=general'],
      'lb-server-port': 6443,
    });
    const install = fileOf(worker, '/usr/local/lib/catalyst/steps/30-k3s.sh').content;
    expect(install).toContain("INSTALL_K3S_EXEC=agent K3S_URL='https://10.0.1.2:6443' K3S_TOKEN_FILE=/etc/rancher/k3s/cluster-token");
  });

  test('k3s comes from the pinned release tag, not the floating get.k3s.io channel; a digest is enforced when given', () => {
    const install = fileOf(cp1, '/usr/local/lib/catalyst/steps/30-k3s.sh').content;
    expect(install).toContain(`'${k3sInstallScriptUrl('v1.31.4+k3s1')}'`);
    expect(k3sInstallScriptUrl('v1.31.4+k3s1')).toBe('https://raw.githubusercontent.com/k3s-io/k3s/v1.31.4%2Bk3s1/install.sh');
    expect(install).toContain("INSTALL_K3S_VERSION='v1.31.4+k3s1' INSTALL_K3S_EXEC=server");
    expect(install).not.toContain('get.k3s.io');
    const sha = 'a'.repeat(64);
    const pinned = cloudConfigOf(hetzner({ k3s: { version: 'v1.31.4+k3s1', installScriptSha256: sha } }).json.resource.hcloud_server.control_plane_1.user_data);
    expect(fileOf(pinned, '/usr/local/lib/catalyst/steps/30-k3s.sh').content).toContain(`echo '${sha}  /var/lib/catalyst/k3s-install.sh' | sha256sum -c -`);
  });

  test('the node binds k3s to its private address so node traffic stays off the firewalled public NIC', () => {
    expect(fileOf(cp1, '/usr/local/lib/catalyst/steps/20-node-ip.sh').content).toContain("cidr='10.0.0.0/16'");
  });
});

describe('API, storage, Cilium and Flux', () => {
  test('waits for /healthz, fails hard without local-path, makes it the default StorageClass', () => {
    const s = fileOf(cp1, '/usr/local/lib/catalyst/steps/40-api-and-storage.sh').content;
    expect(s).toContain('kubectl get --raw=/healthz');
    expect(s).toMatch(/if ! kubectl get storageclass local-path[\s\S]*exit 1/);
    expect(s).toContain('kubectl annotate storageclass local-path storageclass.kubernetes.io/is-default-class=true --overwrite');
  });

  test('Cilium: CILIUM_CHART, release cilium in kube-system, values = bp-cilium helmValuesFor (one source)', () => {
    const s = fileOf(cp1, '/usr/local/lib/catalyst/steps/60-cilium.sh').content;
    expect(s).toContain(`helm upgrade --install 'cilium' '${CILIUM_CHART.chart}' --repo '${CILIUM_CHART.repository}' --version '${CILIUM_CHART.version}'`);
    expect(s).toContain("--namespace 'kube-system'");
    expect(s).toContain('rollout status ds/cilium');
    const sov = sovereign(HETZNER);
    expect(parse(fileOf(cp1, '/var/lib/catalyst/helm/cilium-values.yaml').content)).toEqual(sov.find(Cilium)!.helmValuesFor(CILIUM_CHART));
  });

  test('user overrides of bp-cilium reach the cloud-init install too', () => {
    const plain = sovereign(HETZNER);
    const overridden = clusterBootstrap(sovereign(HETZNER, {
      blueprints: [
        { blueprint: Cilium, values: { hubble: { enabled: true, relay: true, ui: true } } },
        ...plain.props.blueprints!.slice(1),
      ],
    }));
    expect(parse(clusterBootstrap(plain).cilium.valuesYaml).hubble.relay.enabled).toBe(false);
    expect(parse(overridden.cilium.valuesYaml).hubble.relay.enabled).toBe(true);
  });

  test('Flux: the flux2 chart pinned in version.ts (appVersion = FLUX_VERSION), as bp-flux\'s release so it adopts it', () => {
    const s = fileOf(cp1, '/usr/local/lib/catalyst/steps/70-flux.sh').content;
    expect(s).toContain(`helm upgrade --install 'flux' '${FLUX2_CHART.chart}' --repo '${FLUX2_CHART.repository}' --version '${FLUX2_CHART.version}'`);
    expect(s).toContain("--namespace 'flux-system'");
    expect(s).toContain('wait deployment --all --for=condition=Available --timeout=300s');
    const sov = sovereign(HETZNER);
    const bp = sov.find(Flux)!;
    expect(bp.releaseName).toBe('flux');
    expect(bp.namespace).toBe('flux-system');
    expect(parse(fileOf(cp1, '/var/lib/catalyst/helm/flux-values.yaml').content)).toEqual(bp.helmValuesFor(FLUX2_CHART));
    expect(clusterBootstrap(sov).fluxVersion).toBe(FLUX_VERSION);
  });

  test('Cilium and Flux are installed from pinned charts only: no unpinned installer URLs', () => {
    const all = cp1.write_files.map((f) => f.content).join('\n');
    expect(all).not.toMatch(/get\.helm\.sh\/helm-latest|get-helm-3|install\.yaml|releases\/latest|get\.k3s\.io/);
    const helm = fileOf(cp1, '/usr/local/lib/catalyst/steps/50-helm.sh').content;
    expect(helm).toContain('tarball=helm-v3.16.4-linux-$arch.tar.gz');
    expect(helm).toContain('sha256sum -c');
  });

  test('the Flux bootstrap is exactly the writer\'s syncObjects (GitRepository from sov.gitops + 3 Kustomizations)', () => {
    const sov = sovereign(HETZNER);
    const expected = syncObjects(sov);
    const written = parseAllDocuments(fileOf(cp1, '/var/lib/catalyst/flux/sync.yaml').content).map((d) => d.toJS());
    expect(written).toEqual(expected);
    expect(written[0]).toMatchObject({ kind: 'GitRepository', spec: { url: 'https://gitea.acme.test/system/sovereign.git', ref: { branch: 'main' } } });
    expect(written.slice(1).map((k) => k.spec.path)).toEqual([
      './clusters/omantel.omani.works/bootstrap-kit', './clusters/omantel.omani.works/infrastructure', './clusters/omantel.omani.works/tenants',
    ]);
    expect(written[1].spec.postBuild.substitute).toEqual({ SOVEREIGN_FQDN: 'omantel.omani.works' });
    expect(fileOf(cp1, '/usr/local/lib/catalyst/steps/90-flux-sync.sh').content).toContain('kubectl apply -f /var/lib/catalyst/flux/sync.yaml');
  });
});

describe('secrets', () => {
  const secretFiles = ['/etc/rancher/k3s/cluster-token', '/etc/catalyst/secrets/hcloud-token', '/etc/catalyst/secrets/registry-pull-token', '/etc/catalyst/secrets/kubeconfig-bearer-token'];

  test('each secret is a 0600 base64 file filled by Terraform (never inline YAML or a script argument)', () => {
    for (const path of secretFiles) {
      const f = fileOf(cp1, path);
      expect([path, f.permissions, f.encoding]).toEqual([path, '0600', 'b64']);
    }
    expect(decoded(cp1, '/etc/catalyst/secrets/hcloud-token')).toBe('<var.hcloud_token>');
    expect(decoded(cp1, '/etc/rancher/k3s/cluster-token')).toBe('<random_password.k3s_token.result>');
    // The only Terraform expressions in the whole user data: references, no literals of secrets.
    expect(templateExpressions(servers.control_plane_1.user_data).sort()).toEqual([
      'base64encode(random_password.k3s_token.result)',
      'base64encode(var.hcloud_token)',
      'base64encode(var.kubeconfig_bearer_token)',
      'base64encode(var.registry_pull_token)',
      'hcloud_firewall.firewall.id',
      'hcloud_load_balancer.load_balancer.id',
      'hcloud_load_balancer.load_balancer.ipv4',
      'hcloud_load_balancer.load_balancer.ipv4',
      'hcloud_network.network.id',
      'hcloud_ssh_key.ssh_key.name',
    ]);
  });

  test('hcloud-credentials: names from src/handoff.ts, created in-cluster from the file, file removed', () => {
    const s = fileOf(cp1, '/usr/local/lib/catalyst/steps/80-secrets.sh').content;
    expect(s).toContain(`kubectl -n '${HCLOUD_CREDENTIALS.namespace}' create secret generic '${HCLOUD_CREDENTIALS.name}' --from-file=${HCLOUD_CREDENTIALS.key}=/etc/catalyst/secrets/hcloud-token`);
    expect(s).toContain('rm -f /etc/catalyst/secrets/hcloud-token');
  });

  test('pull Secret: dockerconfigjson for the registry in flux-system, built with jq from the file', () => {
    const s = fileOf(cp1, '/usr/local/lib/catalyst/steps/80-secrets.sh').content;
    expect(s).toContain("create secret generic 'ghcr-pull' --type=kubernetes.io/dockerconfigjson");
    expect(s).toContain("--arg registry 'ghcr.io'");
  });

  test('kubeconfig postback points the server at the load balancer on 6443, best effort', () => {
    const s = fileOf(cp1, '/usr/local/lib/catalyst/steps/45-kubeconfig-postback.sh').content;
    expect(s).toContain('s#https://127.0.0.1:6443#https://<hcloud_load_balancer.load_balancer.ipv4>:6443#');
    expect(s).toContain("'https://console.openova.io/sovereign/api/v1/deployments/d-42/kubeconfig'");
    expect(s).toContain('for i in $(seq 1 60)');
  });

  test('workers and joiners carry only the cluster token', () => {
    for (const doc of [cp2, worker]) {
      expect(doc.write_files.filter((f) => f.encoding === 'b64').map((f) => f.path)).toEqual(['/etc/rancher/k3s/cluster-token']);
    }
  });
});

describe('hardening', () => {
  test('sshd drop-in, unattended security upgrades with a reboot time, fail2ban jail (UPSTREAM §6.6)', () => {
    expect(fileOf(cp1, '/etc/ssh/sshd_config.d/99-catalyst-hardening.conf').content).toMatch(/PasswordAuthentication no[\s\S]*PermitRootLogin prohibit-password[\s\S]*MaxAuthTries 3[\s\S]*LoginGraceTime 30[\s\S]*ClientAliveInterval 300[\s\S]*ClientAliveCountMax 2/);
    const uu = fileOf(cp1, '/etc/apt/apt.conf.d/52catalyst-unattended-upgrades').content;
    // Terraform must leave apt's own ${distro_id} alone: written as $${...} in the JSON.
    expect(uu).toContain('"${distro_id}:${distro_codename}-security";');
    expect(servers.control_plane_1.user_data).toContain('$${distro_id}');
    expect(fileOf(cp1, '/etc/fail2ban/jail.d/catalyst-sshd.local').content).toBe('[sshd]\nenabled = true\nmaxretry = 5\nfindtime = 10m\nbantime = 1h\n');
    expect(cp1.packages).toEqual(expect.arrayContaining(['curl', 'iptables', 'jq', 'ca-certificates', 'git', 'fail2ban', 'unattended-upgrades', 'apt-listchanges']));
  });

  test('the toggles drop packages, files and service enables', () => {
    const stack = hetzner({ hardening: { fail2ban: false, unattendedUpgrades: false } });
    const off = cloudConfigOf(stack.json.resource.hcloud_server.control_plane_1.user_data);
    expect(off.packages).not.toContain('fail2ban');
    expect(off.packages).not.toContain('unattended-upgrades');
    expect(off.write_files.map((f) => f.path)).not.toContain('/etc/fail2ban/jail.d/catalyst-sshd.local');
    const base = fileOf(off, '/usr/local/lib/catalyst/steps/10-base.sh').content;
    expect(base).not.toContain('fail2ban');
    expect(fileOf(cp1, '/usr/local/lib/catalyst/steps/10-base.sh').content).toContain('systemctl enable --now fail2ban');
  });
});

describe('CloudConfig rendering', () => {
  test('literal ${ and %{ are escaped for Terraform, cdktf tokens stay live', () => {
    expect(escapeForTerraform('a ${HOME} %{x} ${TfToken[TOKEN.1]}')).toBe('a $${HOME} %%{x} ${TfToken[TOKEN.1]}');
    expect(renderTemplate(escapeForTerraform('echo "${args[@]}"'))).toBe('echo "${args[@]}"');
  });

  test('rejects relative and duplicate paths', () => {
    expect(() => new CloudConfig({ writeFiles: [{ path: 'etc/x', content: '' }] })).toThrow(/absolute/);
    expect(() => new CloudConfig({ writeFiles: [{ path: '/x', content: '' }, { path: '/x', content: '' }] })).toThrow(/twice/);
  });

  test('user data stays well inside the Hetzner limit', () => {
    for (const s of Object.values(servers)) expect(Buffer.byteLength(s.user_data)).toBeLessThan(32 * 1024);
  });
});
