/**
 * `catalyst audit`: security findings for a synthesized tree or any hand-written Flux repository.
 *
 * It reads every `*.yaml`/`*.yml` (multi-document) and `*.tf.json` below a directory and checks:
 *
 *   plaintext-secret       a Secret with literal data/stringData (or a Kustomize secretGenerator
 *                          with literals), unless annotated `catalyst.openova.io/allow-plaintext: "true"`
 *   token                  token-like strings in any file: PEM private keys, AWS access key ids,
 *                          GitHub/GitLab/Slack tokens, JWTs, …
 *   literal-credential     a literal value under a credential key (password, apiKey, token, …)
 *                          in HelmRelease values or a chart's values file, where a reference belongs
 *   namespace-default-deny a Namespace without a default-deny NetworkPolicy (all pods, both directions)
 *   namespace-pod-security a Namespace without Pod Security admission labels (or weaker than
 *                          restricted without `catalyst.openova.io/pod-security-reason`)
 *   container-resources    a container without a memory limit
 *   run-as-non-root        a container not forced to run as non-root, unless the workload, its pod
 *                          template or its Namespace carries `catalyst.openova.io/root-reason`
 *   image-tag              an image with no tag or `latest` (workloads, and `image`/`tag` keys in
 *                          HelmRelease values)
 *   ssh-world-open         Phase 0: a firewall/security-group rule opening port 22 to 0.0.0.0/0 or ::/0
 *   sensitive-variable     Phase 0: a secret-looking variable or output without `sensitive: true`
 *   literal-secret-argument Phase 0: a literal secret value in a provider/resource/data argument
 *
 * The token scan is also run by `synthesize()` over every output file (see `assertNoTokens`).
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as YAML from 'yaml';
import { CatalystError, Issue } from './errors';
import { POD_SECURITY_REASON_ANNOTATION } from './network';
import type { Sovereign } from './sovereign';
import { scanTokens, TokenHit } from './tokens';
import type { FluxTree } from './writers/flux';

export { scanTokens, TokenHit } from './tokens';

export type Severity = 'error' | 'warning';

/** One problem found in a file. */
export interface Finding {
  readonly severity: Severity;
  readonly rule: RuleId;
  /** Path relative to the audited directory, with `/` separators. */
  readonly file: string;
  /** `Kind/namespace/name`, a Terraform address, or `line N` for a token. */
  readonly object: string;
  readonly message: string;
}

export type RuleId =
  | 'parse-error'
  | 'plaintext-secret'
  | 'token'
  | 'literal-credential'
  | 'namespace-default-deny'
  | 'namespace-pod-security'
  | 'container-resources'
  | 'run-as-non-root'
  | 'image-tag'
  | 'ssh-world-open'
  | 'sensitive-variable'
  | 'literal-secret-argument';

/** What each rule checks, for `--help`-style listings and the docs. */
export const RULES: Readonly<Record<RuleId, string>> = {
  'parse-error': 'a file that is not valid YAML/JSON cannot be audited',
  'plaintext-secret': 'Secrets with literal data/stringData (or secretGenerator literals) unless annotated catalyst.openova.io/allow-plaintext: "true"',
  'token': 'token-like strings in any file (private keys, cloud and forge tokens, JWTs)',
  'literal-credential': 'literal values under credential keys in HelmRelease/chart values instead of references',
  'namespace-default-deny': 'every Namespace has a default-deny NetworkPolicy for all pods in both directions',
  'namespace-pod-security': 'every Namespace has Pod Security admission labels; weaker than restricted only with a reason',
  'container-resources': 'every container has a memory limit',
  'run-as-non-root': 'every container runs as non-root unless catalyst.openova.io/root-reason says why',
  'image-tag': 'every image has an explicit tag other than latest (or a digest)',
  'ssh-world-open': 'no firewall rule opens port 22 to 0.0.0.0/0 or ::/0',
  'sensitive-variable': 'secret-looking Terraform variables and outputs are sensitive',
  'literal-secret-argument': 'no literal secret values in Terraform provider/resource/data arguments',
};

export const ALLOW_PLAINTEXT_ANNOTATION = 'catalyst.openova.io/allow-plaintext';
export const ROOT_REASON_ANNOTATION = 'catalyst.openova.io/root-reason';

// ---------------------------------------------------------------------------------------------
// Token scan
// ---------------------------------------------------------------------------------------------

/**
 * Throws a CatalystError if any file holds a token-like string. `ownerOf` names the field path of
 * whatever wrote the file (`sovereign.kit.certManager`), so the user knows where to look.
 */
export function assertNoTokens(files: ReadonlyMap<string, string>, ownerOf: (file: string) => string = () => 'sovereign'): void {
  const hits: Array<readonly [string, readonly TokenHit[]]> = [];
  for (const [file, content] of files) hits.push([file, scanTokens(content)]);
  const issues = tokenIssues(hits, ownerOf);
  if (issues.length) throw new CatalystError(issues);
}

/** One issue per token-like string, in the order of `hits` (file by file). */
export function tokenIssues(hits: Iterable<readonly [file: string, hits: readonly TokenHit[]]>, ownerOf: (file: string) => string): Issue[] {
  const issues: Issue[] = [];
  for (const [file, list] of hits) {
    for (const hit of list) {
      issues.push({
        path: ownerOf(file),
        message: `${file} line ${hit.line} contains what looks like a ${hit.kind} (${hit.redacted}); secrets must never be written into the output: keep them in-cluster (generated Secrets, ExternalSecret, SealedSecret) or as sensitive Terraform variables, and reference them`,
      });
    }
  }
  return issues;
}

/**
 * The field path of whatever wrote an output file of `sov`: the Blueprint of a slot file, a
 * blueprint.yaml or a chart; the Organization of a tenants/ file; `sovereign.cloud` for Phase 0.
 */
export function outputOwner(sov: Sovereign, flux: FluxTree): (file: string) => string {
  const byFile = new Map<string, string>();
  for (const s of flux.slots) {
    byFile.set(`${flux.clusterDir}/bootstrap-kit/${s.fileName}`, s.blueprint.path);
    byFile.set(`${flux.clusterDir}/infrastructure/${s.fileName}`, s.blueprint.path);
  }
  const byPublished = new Map(sov.blueprints.map((b) => [b.publishedName, b.path]));
  const byOrg = new Map(sov.organizations.map((o) => [o.name, o.path]));
  return (file) => {
    const direct = byFile.get(file);
    if (direct) return direct;
    const bp = /^(?:blueprints|charts)\/([^/]+)\//.exec(file);
    if (bp && byPublished.has(bp[1])) return byPublished.get(bp[1])!;
    const tenants = `${flux.clusterDir}/tenants/`;
    const org = file.startsWith(tenants) ? file.slice(tenants.length).split('/')[0] : undefined;
    if (org && byOrg.has(org)) return byOrg.get(org)!;
    if (file.startsWith('tofu/')) return 'sovereign.cloud';
    return 'sovereign';
  };
}

// ---------------------------------------------------------------------------------------------
// Kubernetes objects
// ---------------------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

interface K8sDoc {
  readonly file: string;
  readonly obj: Obj;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly id: string;
}

function docOf(file: string, obj: Obj): K8sDoc | undefined {
  const kind = str(obj.kind);
  // metadata is optional: a kustomization.yaml has none.
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  if (!kind || !str(obj.apiVersion)) return undefined;
  const name = str(meta.name) ?? '(unnamed)';
  const namespace = str(meta.namespace);
  return { file, obj, kind, name, namespace, id: `${kind}/${namespace ? `${namespace}/` : ''}${name}` };
}

function annotations(o: unknown): Obj {
  return isObj(o) && isObj(o.metadata) && isObj(o.metadata.annotations) ? o.metadata.annotations : {};
}

function labelsOf(o: unknown): Obj {
  return isObj(o) && isObj(o.metadata) && isObj(o.metadata.labels) ? o.metadata.labels : {};
}

/** The pod spec and pod template metadata of a workload, if it is one. */
function podOf(doc: K8sDoc): { spec: Obj; template?: Obj } | undefined {
  const spec = isObj(doc.obj.spec) ? doc.obj.spec : undefined;
  if (!spec) return undefined;
  if (doc.kind === 'Pod') return { spec };
  if (doc.kind === 'CronJob') {
    const t = isObj(spec.jobTemplate) && isObj(spec.jobTemplate.spec) && isObj(spec.jobTemplate.spec.template) ? spec.jobTemplate.spec.template : undefined;
    return t && isObj(t.spec) ? { spec: t.spec, template: t } : undefined;
  }
  // Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, and CRDs shaped like them (Knative Service, Rollout, …).
  const t = isObj(spec.template) ? spec.template : undefined;
  return t && isObj(t.spec) && Array.isArray(t.spec.containers) ? { spec: t.spec, template: t } : undefined;
}

/** `name:tag`, `name@digest` or `name:tag@digest` with a tag other than latest. */
export function imageProblem(image: string): string | undefined {
  if (image.includes('@sha256:')) return undefined;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return `image ${JSON.stringify(image)} has no tag; pin an explicit version tag or a digest`;
  const tag = image.slice(colon + 1);
  if (tag === '' || tag === 'latest') return `image ${JSON.stringify(image)} uses ${tag === '' ? 'an empty tag' : "'latest'"}; pin an explicit version tag or a digest`;
  return undefined;
}

const CREDENTIAL_KEY = /^(?:[a-z0-9_]*[_-])?(?:password|passwd|adminpassword|apikey|api_key|token|secretkey|secret_key|clientsecret|client_secret|accesskey|access_key|secretaccesskey|privatekey|private_key|authtoken|bearertoken|masterkey|encryptionkey)$/i;
const CREDENTIAL_KEY_CAMEL = /(?:Password|ApiKey|Token|SecretKey|ClientSecret|AccessKey|PrivateKey)$/;

/** True for a key that names a credential value (not a reference to one: `passwordSecretRef`, `tokenFile`, …). */
export function isCredentialKey(key: string): boolean {
  // `existingSecretAdminPassword`: the name of a Secret holding the password, not the password.
  if (/^existing/i.test(key)) return false;
  return CREDENTIAL_KEY.test(key) || CREDENTIAL_KEY_CAMEL.test(key);
}

/** True for a value that refers to a credential instead of being one. */
function isReference(value: string): boolean {
  const v = value.trim();
  return (
    v === '' ||
    /^\$\{[^}]+\}$/.test(v) || // ${VAR} / Terraform expression
    /^\{\{.*\}\}$/.test(v) || // Helm/Go template
    /^(?:vault|ref\+[a-z]+|secret|env|file|k8s|sops|awssm|gcpsm|azkv|op|bao):/i.test(v) ||
    /^os\.environ\//.test(v) || // LiteLLM's env reference
    /^\$__(?:file|env)\{/.test(v) || // Grafana
    /^\/[^\s]*$/.test(v) // a file path (mounted secret)
  );
}

function walkValues(value: Json, where: string, visit: (key: string, v: Json, path: string, parent: Obj) => void): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => walkValues(v, `${where}[${i}]`, visit));
  } else if (isObj(value)) {
    for (const [k, v] of Object.entries(value)) {
      const p = where ? `${where}.${k}` : k;
      visit(k, v, p, value);
      walkValues(v, p, visit);
    }
  }
}

/** `{ existingSecret: db, secretKey: password }`: the key names an entry of a referenced Secret. */
function besideSecretReference(parent: Obj): boolean {
  return Object.keys(parent).some((k) => /^(?:existingSecret|secretName|secretRef|existingSecretName|secret)$/i.test(k) || /(?:SecretName|SecretRef|ExistingSecret)$/.test(k));
}

/** Credential and image findings in a Helm values tree. */
function checkValues(values: Json, base: string, add: (rule: RuleId, message: string) => void): void {
  walkValues(values, base, (key, v, p, parent) => {
    if (typeof v === 'string' && isCredentialKey(key) && !isReference(v) && !besideSecretReference(parent)) {
      add('literal-credential', `${p} holds a literal credential; use the chart's existingSecret/secretRef option or a reference`);
    }
    if (key === 'image' && typeof v === 'string') {
      const problem = imageProblem(v);
      if (problem) add('image-tag', `${p}: ${problem}`);
    }
    if ((key === 'tag' || key === 'imageTag') && (v === 'latest' || (typeof v === 'string' && /(^|:)latest$/.test(v)))) {
      add('image-tag', `${p} is 'latest'; pin an explicit version tag or a digest`);
    }
  });
}

function isDefaultDeny(policy: Obj, type: 'Ingress' | 'Egress'): boolean {
  const spec = isObj(policy.spec) ? policy.spec : undefined;
  if (!spec || !isObj(spec.podSelector)) return false;
  const sel = spec.podSelector;
  const selectsAll = Object.values(sel).every((v) => v === null || (isObj(v) && Object.keys(v).length === 0) || (Array.isArray(v) && v.length === 0));
  if (!selectsAll) return false;
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : ['Ingress', ...(spec.egress !== undefined ? ['Egress'] : [])];
  if (!types.includes(type)) return false;
  const rules = spec[type === 'Ingress' ? 'ingress' : 'egress'];
  return rules === undefined || rules === null || (Array.isArray(rules) && rules.length === 0);
}

const PSA_LEVELS = ['restricted', 'baseline', 'privileged'];

function auditObjects(docs: readonly K8sDoc[], values: readonly { file: string; values: Json }[], add: (f: Finding) => void): void {
  const namespaces = new Map<string, K8sDoc>();
  for (const d of docs) if (d.kind === 'Namespace' && d.obj.apiVersion === 'v1') namespaces.set(d.name, d);

  for (const d of docs) {
    const finding = (severity: Severity, rule: RuleId, message: string) => add({ severity, rule, file: d.file, object: d.id, message });
    const ann = annotations(d.obj);

    if (d.kind === 'Secret' && d.obj.apiVersion === 'v1') {
      const literal = ['data', 'stringData'].filter((k) => isObj(d.obj[k]) && Object.keys(d.obj[k] as Obj).length > 0);
      if (literal.length && ann[ALLOW_PLAINTEXT_ANNOTATION] !== 'true') {
        finding('error', 'plaintext-secret', `Secret with literal ${literal.join(' and ')}; generate it in-cluster or use an ExternalSecret/SealedSecret, or mark it ${ALLOW_PLAINTEXT_ANNOTATION}: "true" if it holds nothing secret`);
      }
    }
    if (d.kind === 'Kustomization' && str(d.obj.apiVersion)?.startsWith('kustomize.config.k8s.io/') && Array.isArray(d.obj.secretGenerator)) {
      d.obj.secretGenerator.forEach((g, i) => {
        if (isObj(g) && ((Array.isArray(g.literals) && g.literals.length > 0) || (Array.isArray(g.envs) && g.envs.length > 0))) {
          finding('error', 'plaintext-secret', `secretGenerator[${i}] (${str(g.name) ?? 'unnamed'}) generates a Secret from literals or env files kept in the repository; use an ExternalSecret/SealedSecret`);
        }
      });
    }

    if (d.kind === 'HelmRelease' && isObj(d.obj.spec) && d.obj.spec.values !== undefined) {
      checkValues(d.obj.spec.values, 'spec.values', (rule, message) => finding('error', rule, message));
    }

    if (d.kind === 'Namespace' && d.obj.apiVersion === 'v1') {
      const policies = docs.filter((p) => p.kind === 'NetworkPolicy' && p.namespace === d.name);
      const ingress = policies.some((p) => isDefaultDeny(p.obj, 'Ingress'));
      const egress = policies.some((p) => isDefaultDeny(p.obj, 'Egress'));
      if (!ingress || !egress) {
        const missing = [!ingress && 'ingress', !egress && 'egress'].filter(Boolean).join(' and ');
        finding('error', 'namespace-default-deny', `no default-deny NetworkPolicy for ${missing} (podSelector {} with policyTypes [${!ingress ? 'Ingress' : ''}${!ingress && !egress ? ', ' : ''}${!egress ? 'Egress' : ''}] and no rules) in namespace ${d.name}`);
      }
      const lbl = labelsOf(d.obj);
      const enforce = str(lbl['pod-security.kubernetes.io/enforce']);
      if (!enforce || !PSA_LEVELS.includes(enforce)) {
        finding('error', 'namespace-pod-security', `no valid pod-security.kubernetes.io/enforce label (got ${JSON.stringify(enforce ?? null)}); set restricted, or baseline/privileged with a ${POD_SECURITY_REASON_ANNOTATION} annotation`);
      } else if (enforce !== 'restricted' && !str(ann[POD_SECURITY_REASON_ANNOTATION])) {
        finding('error', 'namespace-pod-security', `enforces ${enforce} without a ${POD_SECURITY_REASON_ANNOTATION} annotation saying why restricted is not possible`);
      }
    }

    const pod = podOf(d);
    if (pod) {
      const nsDoc = d.namespace ? namespaces.get(d.namespace) : undefined;
      const rootReason = [ann, annotations(pod.template), nsDoc ? annotations(nsDoc.obj) : {}].some((a) => typeof a[ROOT_REASON_ANNOTATION] === 'string' && (a[ROOT_REASON_ANNOTATION] as string).trim() !== '');
      const podNonRoot = isObj(pod.spec.securityContext) ? pod.spec.securityContext.runAsNonRoot : undefined;
      for (const list of ['initContainers', 'containers'] as const) {
        const containers = Array.isArray(pod.spec[list]) ? pod.spec[list] as Json[] : [];
        for (const c of containers) {
          if (!isObj(c)) continue;
          const cname = `${list === 'initContainers' ? 'init container' : 'container'} ${str(c.name) ?? '?'}`;
          const image = str(c.image);
          if (image === undefined) {finding('error', 'image-tag', `${cname} has no image`);} else {
            const problem = imageProblem(image);
            if (problem) finding('error', 'image-tag', `${cname}: ${problem}`);
          }
          const limits = isObj(c.resources) && isObj(c.resources.limits) ? c.resources.limits : undefined;
          if (!limits || limits.memory === undefined || limits.memory === null) {
            finding('error', 'container-resources', `${cname} has no memory limit (resources.limits.memory)`);
          }
          const sc = isObj(c.securityContext) ? c.securityContext : {};
          const nonRoot = sc.runAsNonRoot ?? podNonRoot;
          if (nonRoot !== true && !rootReason) {
            finding('error', 'run-as-non-root', `${cname} may run as root: set securityContext.runAsNonRoot: true, or document why it needs root with a ${ROOT_REASON_ANNOTATION} annotation on the workload or its Namespace`);
          }
        }
      }
    }
  }

  for (const v of values) {
    checkValues(v.values, '', (rule, message) => add({ severity: 'error', rule, file: v.file, object: '(values)', message }));
  }
}

// ---------------------------------------------------------------------------------------------
// Phase 0 (Terraform JSON)
// ---------------------------------------------------------------------------------------------

const WORLD = new Set(['0.0.0.0/0', '::/0']);
const SENSITIVE_NAME = /(?:token|password|passwd|secret|private_?key|api_?key|credential|bearer)/i;
const SECRET_ARGUMENT = /^(?:token|password|passwd|secret|client_secret|secret_key|access_key|secret_access_key|private_key|api_key|api_token|auth_token|bearer_token)$/i;

/** True if a port spec (`"22"`, `"20-30"`, `"any"`, a number) includes 22. */
function coversPort22(port: Json | undefined, from?: Json, to?: Json): boolean {
  if (from !== undefined || to !== undefined) {
    const f = Number(from ?? to);
    const t = Number(to ?? from);
    return (f <= 22 && 22 <= t) || (f === -1 && t === -1) || (f === 0 && t === 0);
  }
  if (port === undefined || port === null) return false;
  const s = String(port).trim();
  if (s === 'any' || s === '*') return true;
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  return m !== null && Number(m[1]) <= 22 && 22 <= Number(m[2] ?? m[1]);
}

function worldSources(rule: Obj): string[] {
  const out: string[] = [];
  for (const k of ['source_ips', 'cidr_blocks', 'ipv6_cidr_blocks', 'cidr_ipv4', 'cidr_ipv6', 'source_ranges']) {
    const v = rule[k];
    for (const c of Array.isArray(v) ? v : [v]) if (typeof c === 'string' && WORLD.has(c)) out.push(c);
  }
  return out;
}

function protocolMayBeTcp(rule: Obj): boolean {
  const p = rule.protocol ?? rule.ip_protocol;
  return p === undefined || p === null || ['tcp', '6', '-1', 'all', 'any'].includes(String(p).toLowerCase());
}

/** Inbound rules of a firewall-like resource: Hetzner `rule`, AWS `ingress`, AWS rule resources. */
function inboundRules(type: string, body: Obj): Obj[] {
  const list = (v: Json | undefined): Obj[] => (Array.isArray(v) ? v.filter(isObj) : isObj(v) ? [v] : []);
  if (type === 'hcloud_firewall') return list(body.rule).filter((r) => r.direction === undefined || r.direction === 'in');
  if (type === 'aws_security_group') return list(body.ingress);
  if (type === 'aws_security_group_rule') return body.type === 'ingress' ? [body] : [];
  if (type === 'aws_vpc_security_group_ingress_rule') return [body];
  if (type === 'google_compute_firewall') return body.direction === 'EGRESS' ? [] : list(body.allow).map((a) => ({ ...a, source_ranges: body.source_ranges ?? null }));
  return [];
}

function auditTerraform(file: string, tf: Obj, add: (f: Finding) => void): void {
  const finding = (rule: RuleId, object: string, message: string) => add({ severity: 'error', rule, file, object, message });

  for (const [name, v] of Object.entries(isObj(tf.variable) ? tf.variable : {})) {
    if (SENSITIVE_NAME.test(name) && !/public/i.test(name) && (!isObj(v) || v.sensitive !== true)) {
      finding('sensitive-variable', `variable.${name}`, `variable ${name} looks like a secret but is not marked sensitive: true; Terraform would print its value in plans and outputs`);
    }
  }
  for (const [name, v] of Object.entries(isObj(tf.output) ? tf.output : {})) {
    if (SENSITIVE_NAME.test(name) && !/public/i.test(name) && (!isObj(v) || v.sensitive !== true)) {
      finding('sensitive-variable', `output.${name}`, `output ${name} looks like a secret but is not marked sensitive: true`);
    }
  }

  const blocks: { address: string; type: string; body: Obj }[] = [];
  for (const [type, v] of Object.entries(isObj(tf.provider) ? tf.provider : {})) {
    (Array.isArray(v) ? v : [v]).forEach((b, i) => {
      if (isObj(b)) blocks.push({ address: `provider.${type}${Array.isArray(v) && v.length > 1 ? `[${i}]` : ''}`, type: `provider:${type}`, body: b });
    });
  }
  for (const section of ['resource', 'data'] as const) {
    const byType = isObj(tf[section]) ? tf[section] as Obj : {};
    for (const [type, named] of Object.entries(byType)) {
      for (const [name, body] of Object.entries(isObj(named) ? named : {})) {
        if (isObj(body)) blocks.push({ address: `${section === 'data' ? 'data.' : ''}${type}.${name}`, type, body });
      }
    }
  }
  for (const b of blocks) {
    for (const r of inboundRules(b.type, b.body)) {
      const world = worldSources(r);
      if (world.length && protocolMayBeTcp(r) && coversPort22(r.port as Json | undefined, r.from_port as Json | undefined, r.to_port as Json | undefined)) {
        finding('ssh-world-open', b.address, `an inbound rule opens port 22 to ${world.join(' and ')}; restrict SSH to known CIDRs (or open no SSH at all)`);
      }
    }
    walkValues(b.body, '', (key, v, p) => {
      if (typeof v === 'string' && SECRET_ARGUMENT.test(key) && !isReference(v) && !/\$\{/.test(v)) {
        finding('literal-secret-argument', b.address, `argument ${p} holds a literal secret; pass it as a sensitive variable (\${var.…}) or a resource attribute`);
      }
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

const SKIP_DIRS = new Set(['.git', 'node_modules', '.terraform']);
const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** Files the audit reads below `dir` (relative, `/`-separated, sorted). */
export function auditableFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(r);
      } else if (e.isFile()) {
        out.push(r);
      }
    }
  };
  walk('');
  return out.sort();
}

/** Chart values files: not Kubernetes objects, but checked like HelmRelease values. */
const VALUES_FILE = /(^|\/)values[^/]*\.ya?ml$/i;

/**
 * A document some rule applies to: a Secret, Kustomization, HelmRelease, Namespace or
 * NetworkPolicy, or anything with containers (a workload). Matched on the text, before parsing.
 */
const RELEVANT_DOCUMENT = /(?:^|[\s{,])["']?(?:kind["']?\s*:\s*["']?(?:Secret|Kustomization|HelmRelease|Namespace|NetworkPolicy)\b|containers["']?\s*:)/m;

function isYaml(file: string): boolean {
  return /\.ya?ml$/i.test(file);
}

/** Audits files given as relative path → content (a synth result, or files read from disk). */
export function auditFiles(files: ReadonlyMap<string, string>): Finding[] {
  const findings: Finding[] = [];
  const add = (f: Finding) => findings.push(f);
  const docs: K8sDoc[] = [];
  const values: { file: string; values: Json }[] = [];
  // Loaded here, not at the top: synthesize() imports this module for the token scan alone.
  let yaml: typeof YAML | undefined;
  for (const [file, content] of files) {
    if (content.includes('\u0000')) continue; // binary
    for (const hit of scanTokens(content)) {
      add({ severity: 'error', rule: 'token', file, object: `line ${hit.line}`, message: `looks like a ${hit.kind} (${hit.redacted}); keep secrets out of the repository and reference them` });
    }
    if (isYaml(file)) {
      const isValues = VALUES_FILE.test(file);
      // Only documents a rule can apply to are parsed (YAML parsing is the audit's main cost).
      const chunks = isValues ? [content] : content.split(/^---(?=[ \t]|$)/m);
      chunks.forEach((chunk, i) => {
        if (!isValues && !RELEVANT_DOCUMENT.test(chunk)) return;
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        yaml ??= require('yaml') as typeof YAML;
        for (const d of yaml.parseAllDocuments(chunk, { version: '1.1' })) {
          if (d.errors.length) {
            add({ severity: 'error', rule: 'parse-error', file, object: `document ${i + 1}`, message: `not valid YAML, so it cannot be audited: ${d.errors[0].message.split('\n')[0]}` });
            continue;
          }
          const js = d.toJS({ maxAliasCount: 1000 }) as Json;
          if (!isObj(js)) continue;
          const doc = docOf(file, js);
          if (doc) docs.push(doc);
          else if (isValues) values.push({ file, values: js });
        }
      });
    } else if (/\.tf\.json$/i.test(file)) {
      let tf: Json;
      try {
        tf = JSON.parse(content) as Json;
      } catch (e) {
        add({ severity: 'error', rule: 'parse-error', file, object: '-', message: `not JSON: ${(e as Error).message}` });
        continue;
      }
      if (isObj(tf)) auditTerraform(file, tf, add);
    }
  }
  auditObjects(docs, values, add);
  const order = (f: Finding) => `${f.file}\u0000${f.object}\u0000${f.rule}\u0000${f.message}`;
  return findings.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

/** Audits every file below `dir` (token scan on all text files; rules on YAML and `*.tf.json`). */
export function auditDirectory(dir: string): Finding[] {
  const files = new Map<string, string>();
  for (const rel of auditableFiles(dir)) {
    const abs = path.join(dir, rel);
    if (fs.statSync(abs).size > MAX_FILE_BYTES) continue;
    files.set(rel, fs.readFileSync(abs, 'utf8'));
  }
  return auditFiles(files);
}

/** True if any finding is an error (the audit's exit code is then 1). */
export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/** Findings as an aligned table: SEVERITY RULE FILE OBJECT MESSAGE. */
export function formatTable(findings: readonly Finding[]): string {
  const head = ['SEVERITY', 'RULE', 'FILE', 'OBJECT', 'MESSAGE'];
  const rows = findings.map((f) => [f.severity, f.rule, f.file, f.object, f.message]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [fmt(head), ...rows.map(fmt)].join('\n') + '\n';
}
