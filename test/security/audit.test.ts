/**
 * `catalyst audit` and the synth-time token scan (issue 8, "secure by default").
 *
 * 1. The default example Sovereign, synthesized to disk, has zero findings.
 * 2. Every rule fires on a small hand-written bad tree, and stays quiet on its fixed twin — so
 *    a zero on the default Sovereign means something.
 * 3. A Blueprint that plants a token in its output fails the synth, naming the file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { exampleSovereign } from '../../examples/sovereign';
import { auditDirectory, auditFiles, Finding, formatTable, RULES, RuleId, scanTokens } from '../../src/audit';
import { Blueprint, blueprintSpec } from '../../src/blueprint';
import { main } from '../../src/cli';
import { isCatalystError } from '../../src/errors';
import { Sovereign, use } from '../../src/sovereign';
import { synthesize } from '../../src/synth';
import { strictObject } from '../../src/values';
import { synthToDisk, tempDir } from '../support/tools';

/** Runs the CLI in-process, capturing stdout/stderr. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

function writeTree(files: Record<string, string>): string {
  const dir = tempDir('catalyst-audit-');
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

/** Token-shaped strings, assembled at run time so this source file itself holds none. */
const FAKE = {
  github: ['gh', 'p_', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'].join(''),
  aws: ['AK', 'IA', 'Z7Q4EXAMPLE2ABCD'].join(''),
  pem: ['-----BEGIN ', 'RSA PRIVATE', ' KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----'].join(''),
  jwt: ['ey', 'JhbGciOiJIUzI1NiJ9', '.ey', 'JzdWIiOiIxMjM0NTY3ODkwIn0', '.', 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'].join(''),
  gitlab: ['gl', 'pat-', 'xR4nd0mT0k3nV4lu3zZz'].join(''),
  slack: ['xo', 'xb-', '1234567890-0987654321-AbCdEfGhIjKlMnOp'].join(''),
};

// A compliant Deployment; tests break one property at a time.
function deployment(mutate: (d: any) => void = () => undefined, ns = 'app'): string {
  const d: any = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: ns },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{ name: 'web', image: 'ghcr.io/acme/web:1.2.3', resources: { limits: { memory: '128Mi' } } }],
        },
      },
    },
  };
  mutate(d);
  return JSON.stringify(d);
}

const NAMESPACE_OK = [
  'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n',
  'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny-all\n  namespace: app\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n',
].join('---\n');

function rulesOf(findings: readonly Finding[]): RuleId[] {
  return [...new Set(findings.map((f) => f.rule))].sort();
}

describe('the default example Sovereign', () => {
  let dir: string;
  beforeAll(() => {
    dir = synthToDisk(exampleSovereign()).dir;
  });

  test('has zero audit findings', () => {
    const findings = auditDirectory(dir);
    // The table in the failure message says exactly what to fix.
    expect(findings.length === 0 ? '' : formatTable(findings)).toBe('');
  });

  test('the tree it audits is the real output: namespaces, policies, workloads and Phase 0 JSON are all there', () => {
    const text = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
    const cluster = 'flux/clusters/omantel.omani.works';
    expect(text(`${cluster}/bootstrap-kit/02-cert-manager.yaml`)).toContain('name: deny-all');
    expect(fs.existsSync(path.join(dir, 'tofu/hetzner/cdk.tf.json'))).toBe(true);
    // Strip the Namespace's default-deny policy: the audit must notice.
    const files = new Map<string, string>();
    const walk = (rel: string) => {
      for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(r);
        else files.set(r, fs.readFileSync(path.join(dir, r), 'utf8'));
      }
    };
    walk('');
    const slot = `${cluster}/bootstrap-kit/02-cert-manager.yaml`;
    files.set(slot, files.get(slot)!.split('\n---\n').filter((doc) => !doc.includes('name: deny-all')).join('\n---\n'));
    expect(auditFiles(files).map((f) => `${f.rule} ${f.object}`)).toContain('namespace-default-deny Namespace/cert-manager');
  });

  test('`catalyst audit DIR` exits 0 and says so; --json is machine-readable', async () => {
    const table = await cli(['audit', dir]);
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    expect(table.stdout).toBe(`0 finding(s), 0 error(s) in ${dir}\n`);
    const json = await cli(['audit', dir, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ directory: dir, errors: 0, warnings: 0, findings: [] });
  });
});

describe('every rule fires on a bad tree and not on its fixed twin', () => {
  interface Case {
    readonly rule: RuleId;
    readonly why: string;
    readonly bad: Record<string, string>;
    readonly good: Record<string, string>;
  }
  const ns = { 'ns.yaml': NAMESPACE_OK };
  const cases: Case[] = [
    {
      rule: 'plaintext-secret',
      why: 'a Secret with literal data is a plaintext secret in Git',
      bad: { ...ns, 's.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: { name: db, namespace: app }\nstringData: { password: hunter2 }\n' },
      good: { ...ns, 's.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: app\n  annotations: { catalyst.openova.io/allow-plaintext: "true" }\nstringData: { greeting: hello }\n' },
    },
    {
      rule: 'plaintext-secret',
      why: 'a Secret as the second document of a stream, in flow style',
      bad: { ...ns, 'all.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: app }\ndata: { a: b }\n---\n{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "app"}, "data": {"k": "aHVudGVyMg=="}}\n' },
      good: { ...ns, 'all.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: app }\ndata: { a: b }\n---\n{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "app"}, "type": "kubernetes.io/service-account-token"}\n' },
    },
    {
      rule: 'plaintext-secret',
      why: 'a Kustomize secretGenerator with literals is a plaintext secret too',
      bad: { 'kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nsecretGenerator:\n  - name: db\n    literals: [password=hunter2]\n' },
      good: { 'kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [ns.yaml]\n' },
    },
    ...Object.entries(FAKE).map(([kind, token]): Case => ({
      rule: 'token',
      why: `a ${kind} token anywhere in any file`,
      bad: { 'notes/values.yaml': `foo:\n  bar: ${JSON.stringify(token)}\n` },
      good: { 'notes/values.yaml': 'foo:\n  bar: "not a token"\n' },
    })),
    {
      rule: 'token',
      why: 'a token in Phase 0 JSON',
      bad: { 'tofu/x/cdk.tf.json': JSON.stringify({ locals: { x: FAKE.aws } }) },
      good: { 'tofu/x/cdk.tf.json': JSON.stringify({ locals: { x: 'AKIA-not-a-key' } }) },
    },
    {
      rule: 'literal-credential',
      why: 'adminPassword literal in HelmRelease values',
      bad: { 'hr.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: g, namespace: flux-system }\nspec:\n  values:\n    grafana:\n      adminPassword: admin123\n' },
      good: { 'hr.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: g, namespace: flux-system }\nspec:\n  values:\n    grafana:\n      admin: { existingSecret: grafana-admin, passwordKey: password }\n      adminPassword: ""\n' },
    },
    {
      rule: 'literal-credential',
      why: 'apiKey / token / secretKey literals, in a chart values file',
      bad: { 'charts/bp-x/values.yaml': 'llm:\n  apiKey: abc123\ns3:\n  secretKey: s3cr3t\nbot:\n  token: t0k3n\n' },
      good: { 'charts/bp-x/values.yaml': 'llm:\n  apiKey: os.environ/OPENAI_API_KEY\ns3:\n  existingSecret: s3-creds\n  secretKey: secret-access-key\nbot:\n  tokenSecretRef: { name: bot, key: token }\n' },
    },
    {
      rule: 'namespace-default-deny',
      why: 'a Namespace with only allow policies has no default deny',
      bad: { 'ns.yaml': NAMESPACE_OK.replace('policyTypes: [Ingress, Egress]', 'policyTypes: [Ingress, Egress]\n  ingress: [{}]') },
      good: ns,
    },
    {
      rule: 'namespace-default-deny',
      why: 'an ingress-only default deny leaves egress open',
      bad: { 'ns.yaml': NAMESPACE_OK.replace('policyTypes: [Ingress, Egress]', 'policyTypes: [Ingress]') },
      good: { 'ns.yaml': NAMESPACE_OK.replace('policyTypes: [Ingress, Egress]', 'policyTypes: [Ingress]') + '---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: deny-egress, namespace: app }\nspec: { podSelector: {}, policyTypes: [Egress] }\n' },
    },
    {
      rule: 'namespace-pod-security',
      why: 'a Namespace without Pod Security labels',
      bad: { 'ns.yaml': NAMESPACE_OK.replace('  labels:\n    pod-security.kubernetes.io/enforce: restricted\n', '') },
      good: ns,
    },
    {
      rule: 'namespace-pod-security',
      why: 'privileged without a documented reason',
      bad: { 'ns.yaml': NAMESPACE_OK.replace('enforce: restricted', 'enforce: privileged') },
      good: { 'ns.yaml': NAMESPACE_OK.replace('enforce: restricted\n', 'enforce: privileged\n  annotations:\n    catalyst.openova.io/pod-security-reason: node agent with host mounts\n') },
    },
    {
      rule: 'container-resources',
      why: 'a container without a memory limit',
      bad: { ...ns, 'd.yaml': deployment((d) => delete d.spec.template.spec.containers[0].resources) },
      good: { ...ns, 'd.yaml': deployment() },
    },
    {
      rule: 'container-resources',
      why: 'an init container of a CronJob without limits',
      bad: { ...ns, 'c.yaml': JSON.stringify({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: 'app' }, spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: { securityContext: { runAsNonRoot: true }, initContainers: [{ name: 'i', image: 'busybox:1.36' }], containers: [{ name: 'c', image: 'busybox:1.36', resources: { limits: { memory: '8Mi' } } }] } } } } } }) },
      good: { ...ns, 'c.yaml': JSON.stringify({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: 'app' }, spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: { securityContext: { runAsNonRoot: true }, initContainers: [{ name: 'i', image: 'busybox:1.36', resources: { limits: { memory: '8Mi' } } }], containers: [{ name: 'c', image: 'busybox:1.36', resources: { limits: { memory: '8Mi' } } }] } } } } } }) },
    },
    {
      rule: 'run-as-non-root',
      why: 'a container that may run as root, with no documented reason',
      bad: { ...ns, 'd.yaml': deployment((d) => delete d.spec.template.spec.securityContext.runAsNonRoot) },
      good: { ...ns, 'd.yaml': deployment((d) => { delete d.spec.template.spec.securityContext.runAsNonRoot; d.spec.template.metadata.annotations = { 'catalyst.openova.io/root-reason': 'binds a raw socket' }; }) },
    },
    {
      rule: 'run-as-non-root',
      why: 'the container-level runAsNonRoot: false overrides the pod level',
      bad: { ...ns, 'p.yaml': JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'app' }, spec: { securityContext: { runAsNonRoot: true }, containers: [{ name: 'c', image: 'busybox:1.36', securityContext: { runAsNonRoot: false }, resources: { limits: { memory: '8Mi' } } }] } }) },
      good: { 'ns.yaml': NAMESPACE_OK.replace('enforce: restricted\n', 'enforce: restricted\n  annotations:\n    catalyst.openova.io/root-reason: legacy image, tracked in ACME-12\n'), 'p.yaml': JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'app' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36', resources: { limits: { memory: '8Mi' } } }] } }) },
    },
    {
      rule: 'image-tag',
      why: 'a workload image tagged latest',
      bad: { ...ns, 'd.yaml': deployment((d) => (d.spec.template.spec.containers[0].image = 'ghcr.io/acme/web:latest')) },
      good: { ...ns, 'd.yaml': deployment((d) => (d.spec.template.spec.containers[0].image = 'ghcr.io/acme/web@sha256:' + 'a'.repeat(64))) },
    },
    {
      rule: 'image-tag',
      why: 'a workload image without a tag (a registry port is not a tag)',
      bad: { ...ns, 'd.yaml': deployment((d) => (d.spec.template.spec.containers[0].image = 'registry.local:5000/acme/web')) },
      good: { ...ns, 'd.yaml': deployment((d) => (d.spec.template.spec.containers[0].image = 'registry.local:5000/acme/web:1.0.0')) },
    },
    {
      rule: 'image-tag',
      why: 'image/tag keys in HelmRelease values',
      bad: { 'hr.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: a, namespace: flux-system }\nspec:\n  values:\n    image: { repository: acme/a, tag: latest }\n    sidecar:\n      image: acme/sidecar\n' },
      good: { 'hr.yaml': 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: a, namespace: flux-system }\nspec:\n  values:\n    image: { repository: acme/a, tag: "1.4.2" }\n    sidecar:\n      image: acme/sidecar:0.9.1\n' },
    },
    {
      rule: 'ssh-world-open',
      why: 'a Hetzner firewall rule opening 22 to the world',
      bad: { 'tofu/h/cdk.tf.json': JSON.stringify({ resource: { hcloud_firewall: { fw: { name: 'fw', rule: [{ direction: 'in', protocol: 'tcp', port: '22', source_ips: ['0.0.0.0/0'] }] } } } }) },
      good: { 'tofu/h/cdk.tf.json': JSON.stringify({ resource: { hcloud_firewall: { fw: { name: 'fw', rule: [{ direction: 'in', protocol: 'tcp', port: '22', source_ips: ['203.0.113.7/32'] }, { direction: 'in', protocol: 'tcp', port: '443', source_ips: ['0.0.0.0/0', '::/0'] }] } } } }) },
    },
    {
      rule: 'ssh-world-open',
      why: 'an AWS security group whose port range includes 22, open to ::/0',
      bad: { 'tofu/a/cdk.tf.json': JSON.stringify({ resource: { aws_security_group: { sg: { ingress: [{ from_port: 0, to_port: 1024, protocol: 'tcp', ipv6_cidr_blocks: ['::/0'] }] } } } }) },
      good: { 'tofu/a/cdk.tf.json': JSON.stringify({ resource: { aws_security_group: { sg: { ingress: [{ from_port: 80, to_port: 443, protocol: 'tcp', ipv6_cidr_blocks: ['::/0'] }] } } } }) },
    },
    {
      rule: 'sensitive-variable',
      why: 'a token variable that Terraform would print',
      bad: { 'tofu/h/cdk.tf.json': JSON.stringify({ variable: { hcloud_token: { type: 'string' } } }) },
      good: { 'tofu/h/cdk.tf.json': JSON.stringify({ variable: { hcloud_token: { type: 'string', sensitive: true }, ssh_public_key: { type: 'string' } } }) },
    },
    {
      rule: 'literal-secret-argument',
      why: 'a literal token in a provider block',
      bad: { 'tofu/h/cdk.tf.json': JSON.stringify({ provider: { hcloud: [{ token: 'abcdef0123456789' }] } }) },
      good: { 'tofu/h/cdk.tf.json': JSON.stringify({ provider: { hcloud: [{ token: '${var.hcloud_token}' }] } }) },
    },
    {
      rule: 'parse-error',
      why: 'a Secret that is not valid YAML cannot be vouched for',
      bad: { 'broken.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: { name: x }\ntype: [Opaque\n' },
      good: { 'broken.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: { name: x }\ntype: Opaque\n' },
    },
  ];

  test.each(cases)('$rule: $why', ({ rule, bad, good }) => {
    const badFindings = auditDirectory(writeTree(bad));
    expect(rulesOf(badFindings)).toContain(rule);
    for (const f of badFindings.filter((x) => x.rule === rule)) {
      expect(f.severity).toBe('error');
      expect(Object.keys(bad)).toContain(f.file);
      expect(f.message.length).toBeGreaterThan(20);
    }
    const goodFindings = auditDirectory(writeTree(good));
    expect(goodFindings.length === 0 ? '' : formatTable(goodFindings)).toBe('');
  });

  test('every rule has a case above', () => {
    expect([...new Set(cases.map((c) => c.rule))].sort()).toEqual(Object.keys(RULES).sort());
  });

  test('findings never repeat the secret itself', () => {
    const findings = auditDirectory(writeTree({ 'x.yaml': `t: ${FAKE.github}\n` }));
    expect(findings).toHaveLength(1);
    expect(JSON.stringify(findings)).not.toContain(FAKE.github.slice(4));
    expect(scanTokens(`a\nb ${FAKE.aws}`)).toEqual([{ kind: 'AWS access key id', line: 2, redacted: 'AKIA…' }]);
  });

  test('the token scan reports overlapping tokens of different kinds, and every token of a kind, with their lines', () => {
    const webhook = ['https://hooks.slack.com/services/', 'T0001/B0002/', FAKE.aws].join('');
    const text = `x: 1\nurl: ${webhook}\n\nkeys: [${FAKE.aws}, ${FAKE.aws}]\n${FAKE.pem}\n${FAKE.jwt} ${FAKE.github}`;
    expect(scanTokens(text)).toEqual([
      { kind: 'AWS access key id', line: 2, redacted: 'AKIA…' },
      { kind: 'Slack webhook URL', line: 2, redacted: 'http…' },
      { kind: 'AWS access key id', line: 4, redacted: 'AKIA…' },
      { kind: 'AWS access key id', line: 4, redacted: 'AKIA…' },
      { kind: 'PEM private key', line: 5, redacted: '----…' },
      { kind: 'GitHub token', line: 8, redacted: 'ghp_…' },
      { kind: 'JSON Web Token', line: 8, redacted: 'eyJh…' },
    ]);
    expect(scanTokens('nothing here: sk-short, eyJ, AKIA, -----BEGIN PUBLIC KEY-----')).toEqual([]);
  });

  test('`catalyst audit` prints the table and exits 1 on errors; --json lists the same findings', async () => {
    const dir = writeTree({ ...ns, 'd.yaml': deployment((d) => (d.spec.template.spec.containers[0].image = 'nginx')) });
    const table = await cli(['audit', dir]);
    expect(table.code).toBe(1);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SEVERITY +RULE +FILE +OBJECT +MESSAGE$/);
    expect(lines[1]).toMatch(/^error +image-tag +d\.yaml +Deployment\/app\/web +container web: image "nginx" has no tag/);
    expect(lines[lines.length - 1]).toBe(`1 finding(s), 1 error(s) in ${dir}`);
    const json = await cli(['audit', '--json', dir]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).findings).toEqual([{ severity: 'error', rule: 'image-tag', file: 'd.yaml', object: 'Deployment/app/web', message: expect.stringContaining('has no tag') }]);
  });

  test('usage errors: no directory, a missing directory, an unknown flag (exit 2)', async () => {
    expect((await cli(['audit'])).code).toBe(2);
    const missing = await cli(['audit', path.join(tempDir(), 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such directory');
    const flag = await cli(['audit', tempDir(), '--yaml']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('unknown option --yaml');
  });
});

describe('synth-time token scan', () => {
  const Values = strictObject({ note: Type.String() });
  /** A Blueprint that writes whatever `note` holds into a ConfigMap. */
  class Leaky extends Blueprint<typeof Values> {
    public static readonly spec = blueprintSpec({
      name: 'leaky',
      version: '1.0.0',
      section: 'pts-test',
      card: { title: 'leaky', summary: 'writes its note into a ConfigMap' },
      upstream: [],
      namespace: 'leaky',
      values: Values,
      defaults: { note: 'nothing to see' },
    });

    protected overlays(scope: Chart): void {
      new k8s.KubeConfigMap(scope, 'note', { metadata: { name: 'note' }, data: { note: this.values.note } });
    }
  }
  const sovereign = (note: string) => new Sovereign({ fqdn: 'example.sovereign.test', org: { name: 'Acme', email: 'ops@acme.test' }, includeKit: false, blueprints: [use(Leaky, { values: { note } })] });

  test('a clean Blueprint synthesizes', () => {
    expect(synthesize(sovereign('hello')).files.size).toBeGreaterThan(0);
  });

  test.each(Object.entries(FAKE))('a planted %s token fails the synth with a CatalystError naming the Blueprint and the file', (_kind, token) => {
    let error: unknown;
    try {
      synthesize(sovereign(token));
    } catch (e) {
      error = e;
    }
    expect(isCatalystError(error)).toBe(true);
    if (!isCatalystError(error)) return;
    expect(error.issues.length).toBeGreaterThan(0);
    for (const issue of error.issues) {
      expect(issue.path).toBe('sovereign.blueprints[0]');
      expect(issue.message).toMatch(/^(flux\/clusters\/example\.sovereign\.test\/bootstrap-kit\/leaky\.yaml|charts\/bp-leaky\/[^ ]+) line \d+ contains what looks like a /);
      expect(issue.message).not.toContain(token);
    }
    expect(error.issues.map((i) => i.message.split(' ')[0])).toContain('flux/clusters/example.sovereign.test/bootstrap-kit/leaky.yaml');
  });

  test('the CLI reports it as invalid input (exit 1) and leaves the previous output untouched', async () => {
    const work = tempDir();
    const out = path.join(work, 'out');
    const lib = path.join(__dirname, '..', '..', 'src');
    const app = (note: string) => {
      // JavaScript, as a compiled user program would be; it requires the library's sources (jest compiles them).
      const file = path.join(work, `app-${Math.random().toString(36).slice(2)}.js`);
      fs.writeFileSync(file, `
const { k8s } = require(${JSON.stringify(require.resolve('cdk8s-plus-28'))});
const { Type } = require(${JSON.stringify(require.resolve('@sinclair/typebox'))});
const { Blueprint, blueprintSpec } = require(${JSON.stringify(path.join(lib, 'blueprint'))});
const { Sovereign, use } = require(${JSON.stringify(path.join(lib, 'sovereign'))});
const { strictObject } = require(${JSON.stringify(path.join(lib, 'values'))});
const Values = strictObject({ note: Type.String() });
class Leaky extends Blueprint {
  overlays(scope) { new k8s.KubeConfigMap(scope, 'n', { metadata: { name: 'n' }, data: { note: this.values.note } }); }
}
Leaky.spec = blueprintSpec({ name: 'leaky', version: '1.0.0', section: 'pts-test', card: { title: 'l', summary: 's' }, upstream: [], namespace: 'leaky', values: Values, defaults: { note: '' } });
module.exports = new Sovereign({ fqdn: 'example.sovereign.test', org: { name: 'Acme', email: 'ops@acme.test' }, includeKit: false, blueprints: [use(Leaky, { values: { note: ${JSON.stringify(note)} } })] });
`);
      return file;
    };
    const first = await cli(['synth', '--app', app('fine'), '--out', out]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const before = fs.readFileSync(path.join(out, 'flux/clusters/example.sovereign.test/bootstrap-kit/leaky.yaml'), 'utf8');
    const r = await cli(['synth', '--app', app(FAKE.slack), '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: sovereign\.blueprints\[0\]: flux\/clusters\/example\.sovereign\.test\/bootstrap-kit\/leaky\.yaml line \d+ contains what looks like a Slack token/m);
    expect(fs.readFileSync(path.join(out, 'flux/clusters/example.sovereign.test/bootstrap-kit/leaky.yaml'), 'utf8')).toBe(before);
  });
});
