/**
 * The shell steps cloud-init runs, one script per step. Each runs under `run-step`, which records
 * `<step>.done` / `<step>.failed` under /var/lib/catalyst/steps and refuses to run a step after a
 * failed one (a bare runcmd would carry on after a failure and, e.g., start Flux without a CNI).
 *
 * Scripts are plain text here; the values they need are either validated at synth time (FQDNs,
 * URLs, versions) and single-quoted, or read at run time from files cloud-init wrote (secrets).
 */

/** Where cloud-init puts the step scripts and the runner. */
export const SCRIPT_DIR = '/usr/local/lib/catalyst';
/** State: markers, rendered values and manifests. */
export const STATE_DIR = '/var/lib/catalyst';
/** Secrets Terraform fills at apply time; mode 0600, removed once applied where possible. */
export const SECRET_DIR = '/etc/catalyst/secrets';
/** k3s configuration (k3s reads config.yaml and config.yaml.d/*.yaml). */
export const K3S_CONFIG_DIR = '/etc/rancher/k3s';
export const K3S_TOKEN_FILE = `${K3S_CONFIG_DIR}/cluster-token`;
export const KUBECONFIG = `${K3S_CONFIG_DIR}/k3s.yaml`;
export const COMPLETION_MARKER = `${STATE_DIR}/cloud-init-complete`;

/** Single-quotes a value for POSIX sh. */
export function shq(value: string): string {
  return `'${value.replace(/'/g, '\'\\\'\'')}'`;
}

const HEADER = '#!/bin/bash\nset -euo pipefail\n';

/** The runner every runcmd entry calls: stop-on-failure and idempotent re-runs. */
export function runStepScript(): string {
  return `${HEADER}step="$1"
markers=${STATE_DIR}/steps
mkdir -p "$markers"
if compgen -G "$markers/*.failed" >/dev/null; then
  echo "catalyst: not running $step: an earlier step failed ($(ls "$markers" | grep failed))" >&2
  exit 1
fi
if [ -e "$markers/$step.done" ]; then
  exit 0
fi
echo "catalyst: step $step starting at $(date -Is)"
if ${SCRIPT_DIR}/steps/"$step".sh; then
  touch "$markers/$step.done"
  echo "catalyst: step $step done at $(date -Is)"
else
  rc=$?
  touch "$markers/$step.failed"
  echo "catalyst: step $step FAILED (exit $rc) at $(date -Is)" >&2
  exit "$rc"
fi
`;
}

export interface BaseStepOptions {
  readonly fail2ban: boolean;
  readonly unattendedUpgrades: boolean;
}

/** Swap off, legacy iptables, sshd hardening reload, optional fail2ban / unattended-upgrades. */
export function baseScript(o: BaseStepOptions): string {
  return `${HEADER}swapoff -a
sed -i.catalyst-bak '/\\sswap\\s/d' /etc/fstab
# k3s and Cilium expect one iptables backend; upstream pins the legacy one.
update-alternatives --set iptables /usr/sbin/iptables-legacy || true
update-alternatives --set ip6tables /usr/sbin/ip6tables-legacy || true
systemctl reload ssh 2>/dev/null || systemctl reload sshd
${o.fail2ban ? 'systemctl enable --now fail2ban\n' : ''}${o.unattendedUpgrades ? 'systemctl enable --now unattended-upgrades\n' : ''}`;
}

/**
 * Finds the node's address inside the private network and pins k3s to it, so node-to-node traffic
 * (etcd, kubelet, Cilium VXLAN) stays on the private network, which the public firewall does not filter.
 */
export function nodeIpScript(networkCidr: string): string {
  return `${HEADER}cidr=${shq(networkCidr)}
for i in $(seq 1 60); do
  ip=$(python3 - "$cidr" <<'PY'
import ipaddress, subprocess, sys
net = ipaddress.ip_network(sys.argv[1])
out = subprocess.run(["ip", "-4", "-o", "addr", "show"], capture_output=True, text=True).stdout
for line in out.splitlines():
    addr = ipaddress.ip_interface(line.split()[3])
    if addr.ip in net:
        print(addr.ip)
        break
PY
)
  if [ -n "$ip" ]; then
    mkdir -p ${K3S_CONFIG_DIR}/config.yaml.d
    printf 'node-ip: %s\\n' "$ip" > ${K3S_CONFIG_DIR}/config.yaml.d/10-node-ip.yaml
    echo "catalyst: node-ip $ip"
    exit 0
  fi
  sleep 5
done
echo "catalyst: no address in $cidr after 5 minutes; is the server attached to the private network?" >&2
exit 1
`;
}

export interface K3sInstallOptions {
  readonly version: string;
  /** `server` or `agent`. */
  readonly exec: 'server' | 'agent';
  readonly installScriptSha256?: string;
  /** For agents: the server URL (also in config.yaml; the installer wants it in the environment). */
  readonly serverUrl?: string;
}

/** install.sh from the pinned release tag (not get.k3s.io, which follows the stable channel). */
export function k3sInstallScriptUrl(version: string): string {
  return `https://raw.githubusercontent.com/k3s-io/k3s/${encodeURIComponent(version)}/install.sh`;
}

export function k3sInstallScript(o: K3sInstallOptions): string {
  const check = o.installScriptSha256
    ? `echo ${shq(`${o.installScriptSha256}  ${STATE_DIR}/k3s-install.sh`)} | sha256sum -c -\n`
    : '# No pinned digest given: the installer checks the k3s binary against the release sha256sum file.\n';
  const env = o.exec === 'agent' ? `K3S_URL=${shq(o.serverUrl ?? '')} K3S_TOKEN_FILE=${K3S_TOKEN_FILE} ` : '';
  return `${HEADER}curl -sfL --retry 10 --retry-delay 5 --retry-all-errors -o ${STATE_DIR}/k3s-install.sh ${shq(k3sInstallScriptUrl(o.version))}
${check}INSTALL_K3S_VERSION=${shq(o.version)} INSTALL_K3S_EXEC=${o.exec} ${env}sh ${STATE_DIR}/k3s-install.sh
`;
}

/** Waits for the API server, then makes local-path the default StorageClass (fails hard if missing). */
export function apiAndStorageScript(): string {
  return `${HEADER}export KUBECONFIG=${KUBECONFIG}
for i in $(seq 1 120); do
  if kubectl get --raw=/healthz >/dev/null 2>&1; then break; fi
  sleep 5
done
kubectl get --raw=/healthz
for i in $(seq 1 60); do
  if kubectl get storageclass local-path >/dev/null 2>&1; then break; fi
  sleep 5
done
if ! kubectl get storageclass local-path >/dev/null 2>&1; then
  echo "catalyst: StorageClass local-path does not exist; k3s local-storage must stay enabled" >&2
  exit 1
fi
kubectl annotate storageclass local-path storageclass.kubernetes.io/is-default-class=true --overwrite
`;
}

export interface PostbackOptions {
  readonly apiUrl: string;
  readonly deploymentId: string;
  /** The public API endpoint host (load balancer address); may be a Terraform token. */
  readonly apiEndpoint: string;
  readonly bearerTokenFile: string;
}

/** Sends the kubeconfig (server rewritten to the load balancer) to the provisioning API. Best effort. */
export function postbackScript(o: PostbackOptions): string {
  const url = `${o.apiUrl.replace(/\/+$/, '')}/api/v1/deployments/${encodeURIComponent(o.deploymentId)}/kubeconfig`;
  return `${HEADER}tmp=$(mktemp /run/catalyst-kubeconfig.XXXXXX)
trap 'rm -f "$tmp"' EXIT
sed "s#https://127.0.0.1:6443#https://${o.apiEndpoint}:6443#" ${KUBECONFIG} > "$tmp"
for i in $(seq 1 60); do
  if curl -sf -X PUT -H "Authorization: Bearer $(cat ${o.bearerTokenFile})" -H 'Content-Type: application/x-yaml' --data-binary @"$tmp" ${shq(url)}; then
    echo "catalyst: kubeconfig delivered"
    rm -f ${o.bearerTokenFile}
    exit 0
  fi
  sleep 10
done
# Not fatal: the cluster keeps bootstrapping; the operator can fetch the kubeconfig over SSH.
echo "catalyst: kubeconfig postback to ${url} failed after 60 attempts" >&2
`;
}

export interface HelmClientOptions {
  readonly version: string;
  readonly sha256?: { readonly amd64?: string; readonly arm64?: string };
}

/** Installs the pinned Helm client and checks its digest (pinned, or the published .sha256sum). */
export function helmClientScript(o: HelmClientOptions): string {
  const pinned = (arch: 'amd64' | 'arm64') => (o.sha256?.[arch] ? shq(o.sha256[arch]!) : "''");
  return `${HEADER}arch=$(dpkg --print-architecture)
case "$arch" in
  amd64) pinned=${pinned('amd64')} ;;
  arm64) pinned=${pinned('arm64')} ;;
  *) echo "catalyst: unsupported architecture $arch" >&2; exit 1 ;;
esac
tarball=helm-${o.version}-linux-$arch.tar.gz
cd "$(mktemp -d)"
curl -sfL --retry 10 --retry-delay 5 --retry-all-errors -o "$tarball" "https://get.helm.sh/$tarball"
if [ -n "$pinned" ]; then
  echo "$pinned  $tarball" | sha256sum -c -
else
  curl -sfL --retry 10 --retry-delay 5 --retry-all-errors -o "$tarball.sha256sum" "https://get.helm.sh/$tarball.sha256sum"
  sha256sum -c "$tarball.sha256sum"
fi
tar -xzf "$tarball" "linux-$arch/helm"
install -m 0755 "linux-$arch/helm" /usr/local/bin/helm
helm version --short
`;
}

export interface HelmReleaseOptions {
  readonly releaseName: string;
  readonly namespace: string;
  readonly chart: string;
  readonly version: string;
  readonly repository: string;
  readonly valuesFile: string;
  /** Command that waits for the release to be usable. */
  readonly waitFor: string;
}

/** `helm upgrade --install` of one pinned chart (re-runnable), then a readiness wait. */
export function helmReleaseScript(o: HelmReleaseOptions): string {
  return `${HEADER}export KUBECONFIG=${KUBECONFIG}
helm upgrade --install ${shq(o.releaseName)} ${shq(o.chart)} --repo ${shq(o.repository)} --version ${shq(o.version)} \\
  --namespace ${shq(o.namespace)} --create-namespace --values ${o.valuesFile} --timeout 15m
${o.waitFor}
`;
}

export interface SecretsOptions {
  /** The Crossplane provider-hcloud credentials Secret (names from src/handoff.ts). */
  readonly hcloud?: { readonly namespace: string; readonly name: string; readonly key: string; readonly tokenFile: string };
  /** A dockerconfigjson pull Secret in flux-system. */
  readonly pull?: {
    readonly namespace: string;
    readonly name: string;
    readonly registry: string;
    readonly username: string;
    readonly tokenFile: string;
  };
}

/** Creates the in-cluster Secrets from the files Terraform filled; deletes the files afterwards. */
export function secretsScript(o: SecretsOptions): string {
  let body = `${HEADER}export KUBECONFIG=${KUBECONFIG}\n`;
  const ns = (n: string) => `kubectl create namespace ${shq(n)} --dry-run=client -o yaml | kubectl apply -f -\n`;
  if (o.pull) {
    const p = o.pull;
    body += ns(p.namespace);
    body += `cfg=$(mktemp /run/catalyst-dockerconfig.XXXXXX)
jq -n --rawfile token ${p.tokenFile} --arg user ${shq(p.username)} --arg registry ${shq(p.registry)} \\
  '($token | rtrimstr("\\n")) as $t | {auths: {($registry): {username: $user, password: $t, auth: (($user + ":" + $t) | @base64)}}}' > "$cfg"
kubectl -n ${shq(p.namespace)} create secret generic ${shq(p.name)} --type=kubernetes.io/dockerconfigjson \\
  --from-file=.dockerconfigjson="$cfg" --dry-run=client -o yaml | kubectl apply -f -
rm -f "$cfg" ${p.tokenFile}
`;
  }
  if (o.hcloud) {
    const h = o.hcloud;
    body += ns(h.namespace);
    body += `kubectl -n ${shq(h.namespace)} create secret generic ${shq(h.name)} --from-file=${h.key}=${h.tokenFile} \\
  --dry-run=client -o yaml | kubectl apply -f -
rm -f ${h.tokenFile}
`;
  }
  return body;
}

export interface HandoffConfigMapOptions {
  readonly namespace: string;
  readonly name: string;
  /** Keys with values known to Terraform (may be Terraform tokens: ids, addresses). */
  readonly literals: { readonly [key: string]: string };
  /** Keys whose value a command prints on the node (e.g. the server id from the metadata service). */
  readonly fromCommands?: { readonly [key: string]: string };
}

/** Writes a ConfigMap of facts Phase 1 reads (e.g. ids of what OpenTofu created, for Crossplane adoption). */
export function handoffConfigMapScript(o: HandoffConfigMapOptions): string {
  let body = `${HEADER}export KUBECONFIG=${KUBECONFIG}\nargs=()\n`;
  for (const [k, v] of Object.entries(o.literals)) body += `args+=(--from-literal=${k}=${shq(v)})\n`;
  for (const [k, cmd] of Object.entries(o.fromCommands ?? {})) {
    body += `v=$(${cmd})\n[ -n "$v" ] || { echo "catalyst: ${k} is empty" >&2; exit 1; }\nargs+=(--from-literal=${k}="$v")\n`;
  }
  body += `kubectl create namespace ${shq(o.namespace)} --dry-run=client -o yaml | kubectl apply -f -
kubectl -n ${shq(o.namespace)} create configmap ${shq(o.name)} "\${args[@]}" --dry-run=client -o yaml | kubectl apply -f -
`;
  return body;
}

/** Applies the Flux bootstrap (GitRepository + Kustomizations). */
export function fluxSyncScript(syncFile: string): string {
  return `${HEADER}export KUBECONFIG=${KUBECONFIG}
kubectl apply -f ${syncFile}
`;
}

export function completeScript(): string {
  return `${HEADER}date -Is > ${COMPLETION_MARKER}
`;
}
