/**
 * The cloud-neutral part of the Phase 0 props: defaults (equal to the upstream module's) and the
 * synth-time checks, each reported with its field path under `sovereign.cloud`.
 */
import { isCidr } from './net';
import { CloudPropsBase, DEFAULT_K3S_VERSION } from '../../src/cloud';
import { describeValue, IssueCollector } from '../../src/errors';

export const CLOUD_PATH = 'sovereign.cloud';

/** `terraform.required_version` of every Phase 0 stack (OpenTofu 1.6+ reads it the same way). */
export const REQUIRED_TERRAFORM = '>= 1.6.0';

/** Upstream `k3s_version` validation. */
export const K3S_VERSION_PATTERN = /^v[0-9]+\.[0-9]+\.[0-9]+\+k3s[0-9]+$/;
/** Upstream `ssh_public_key` validation: the key types OpenSSH and Hetzner accept. */
export const SSH_PUBLIC_KEY_PATTERN = /^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp256) [A-Za-z0-9+/]+={0,3}( [^\r\n]*)?$/;
export const HELM_VERSION_PATTERN = /^v3\.[0-9]+\.[0-9]+$/;
const SHA256 = /^[0-9a-f]{64}$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const HOSTNAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?$/;

export const DEFAULT_HELM_VERSION = 'v3.16.4';
export const DEFAULT_CATALYST_API_URL = 'https://console.openova.io/sovereign';

/** CloudPropsBase with every default applied. */
export interface ResolvedBase {
  readonly region: string;
  readonly k3s: { readonly version: string; readonly installScriptSha256?: string };
  readonly helm: { readonly version: string; readonly sha256?: { readonly amd64?: string; readonly arm64?: string } };
  readonly ssh: { readonly publicKey?: string; readonly allowedCidrs: readonly string[] };
  readonly hardening: { readonly unattendedUpgrades: boolean; readonly fail2ban: boolean };
  readonly kubeconfigPostback?: { readonly deploymentId: string; readonly apiUrl: string };
  readonly pullSecret?: { readonly registry: string; readonly username: string; readonly secretName: string };
}

function isBool(v: unknown): boolean {
  return v === undefined || typeof v === 'boolean';
}

/** Checks the shared props; returns them resolved (only meaningful when no issue was added). */
export function resolveBase(cloud: CloudPropsBase, issues: IssueCollector): ResolvedBase {
  const p = CLOUD_PATH;
  const regions = Array.isArray(cloud.regions) ? cloud.regions : [];
  if (regions.length === 0) {
    issues.add(`${p}.regions`, 'must list the region of the first cluster');
  } else if (regions.length > 1) {
    issues.add(`${p}.regions`, `Phase 0 builds one cluster in one region; got ${regions.length} (${regions.join(', ')}). Multi-region Phase 0 is not implemented: list one region (upstream accepted regions[] and silently used only the first)`);
  }

  const k3sVersion = cloud.k3s?.version ?? DEFAULT_K3S_VERSION;
  if (typeof k3sVersion !== 'string' || !K3S_VERSION_PATTERN.test(k3sVersion)) {
    issues.add(`${p}.k3s.version`, `must be a k3s release such as ${DEFAULT_K3S_VERSION} (got ${describeValue(k3sVersion)})`);
  }
  const k3sSha = cloud.k3s?.installScriptSha256;
  if (k3sSha !== undefined && !SHA256.test(k3sSha)) {
    issues.add(`${p}.k3s.installScriptSha256`, `must be 64 lowercase hex characters (got ${describeValue(k3sSha)})`);
  }

  const helmVersion = cloud.helm?.version ?? DEFAULT_HELM_VERSION;
  if (typeof helmVersion !== 'string' || !HELM_VERSION_PATTERN.test(helmVersion)) {
    issues.add(`${p}.helm.version`, `must be a Helm 3 release such as ${DEFAULT_HELM_VERSION} (got ${describeValue(helmVersion)})`);
  }
  for (const arch of ['amd64', 'arm64'] as const) {
    const sha = cloud.helm?.sha256?.[arch];
    if (sha !== undefined && !SHA256.test(sha)) issues.add(`${p}.helm.sha256.${arch}`, `must be 64 lowercase hex characters (got ${describeValue(sha)})`);
  }

  const publicKey = cloud.ssh?.publicKey;
  if (publicKey !== undefined && (typeof publicKey !== 'string' || !SSH_PUBLIC_KEY_PATTERN.test(publicKey.trim()))) {
    issues.add(`${p}.ssh.publicKey`, `must be an OpenSSH public key starting with "ssh-ed25519 ", "ssh-rsa " or "ecdsa-sha2-nistp256 " (got ${describeValue(publicKey)})`);
  }
  const allowedCidrs = cloud.ssh?.allowedCidrs ?? [];
  if (!Array.isArray(allowedCidrs)) {
    issues.add(`${p}.ssh.allowedCidrs`, `must be a list of CIDRs (got ${describeValue(allowedCidrs)})`);
  } else {
    allowedCidrs.forEach((c, i) => {
      if (typeof c !== 'string' || !isCidr(c)) issues.add(`${p}.ssh.allowedCidrs[${i}]`, `must be an IPv4 or IPv6 CIDR such as 203.0.113.7/32 (got ${describeValue(c)})`);
    });
  }

  const h = cloud.hardening ?? {};
  if (!isBool(h.unattendedUpgrades)) issues.add(`${p}.hardening.unattendedUpgrades`, `must be a boolean (got ${describeValue(h.unattendedUpgrades)})`);
  if (!isBool(h.fail2ban)) issues.add(`${p}.hardening.fail2ban`, `must be a boolean (got ${describeValue(h.fail2ban)})`);

  let kubeconfigPostback: ResolvedBase['kubeconfigPostback'];
  if (cloud.kubeconfigPostback !== undefined) {
    const kp = cloud.kubeconfigPostback;
    const apiUrl = kp.apiUrl ?? DEFAULT_CATALYST_API_URL;
    if (typeof kp.deploymentId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(kp.deploymentId)) {
      issues.add(`${p}.kubeconfigPostback.deploymentId`, `must be a deployment id of letters, digits, '.', '_' or '-' (got ${describeValue(kp.deploymentId)})`);
    }
    if (typeof apiUrl !== 'string' || !/^https:\/\/[^\s'"]+$/.test(apiUrl)) {
      issues.add(`${p}.kubeconfigPostback.apiUrl`, `must be an https:// URL (got ${describeValue(apiUrl)})`);
    }
    kubeconfigPostback = { deploymentId: kp.deploymentId, apiUrl };
  }

  let pullSecret: ResolvedBase['pullSecret'];
  if (cloud.pullSecret !== undefined) {
    const ps = cloud.pullSecret;
    pullSecret = { registry: ps.registry ?? 'ghcr.io', username: ps.username ?? 'openova-bot', secretName: ps.secretName ?? 'ghcr-pull' };
    if (!HOSTNAME.test(pullSecret.registry)) issues.add(`${p}.pullSecret.registry`, `must be a registry host such as ghcr.io (got ${describeValue(pullSecret.registry)})`);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(pullSecret.username)) issues.add(`${p}.pullSecret.username`, `must be a registry user name (got ${describeValue(pullSecret.username)})`);
    if (!DNS_LABEL.test(pullSecret.secretName)) issues.add(`${p}.pullSecret.secretName`, `must be a Kubernetes name (got ${describeValue(pullSecret.secretName)})`);
  }

  return {
    region: regions[0] as string,
    k3s: { version: k3sVersion, installScriptSha256: k3sSha },
    helm: { version: helmVersion, sha256: cloud.helm?.sha256 },
    ssh: { publicKey: publicKey?.trim(), allowedCidrs: [...(Array.isArray(allowedCidrs) ? allowedCidrs : [])] },
    hardening: { unattendedUpgrades: h.unattendedUpgrades ?? true, fail2ban: h.fail2ban ?? true },
    kubeconfigPostback,
    pullSecret,
  };
}

/** Kubernetes label key/value check for extra node labels. */
export function checkNodeLabels(labels: unknown, path: string, issues: IssueCollector): void {
  if (labels === undefined) return;
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    issues.add(path, `must be an object of label key → value (got ${describeValue(labels)})`);
    return;
  }
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    if (!/^([a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/.test(k)) {
      issues.add(`${path}.${k}`, 'is not a valid Kubernetes label key');
    }
    if (typeof v !== 'string' || !/^(([A-Za-z0-9][A-Za-z0-9._-]{0,61})?[A-Za-z0-9])?$/.test(v)) {
      issues.add(`${path}.${k}`, `must be a Kubernetes label value (≤ 63 characters of letters, digits, '-', '_', '.') (got ${describeValue(v)})`);
    }
  }
}

/** Pool names key Terraform addresses and server names, so they must be short DNS labels. */
export const POOL_NAME = /^[a-z]([a-z0-9-]{0,14}[a-z0-9])?$/;
