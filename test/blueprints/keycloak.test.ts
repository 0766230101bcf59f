import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import {
  CLUSTER_DIR, expectChartPin, expectedChartValues, expectIssueAt, expectMatchesSlot, helmReleaseNamed, instanceOf,
  kitSlot, kustomizeCluster, slotBlueprintVersion, slotObjects, sovereignWith, upstreamProvenance, valuesFor,
} from './kit-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { Cilium } from '../../blueprints/cilium';
import { bitnamiImage, Keycloak, KEYCLOAK_ADMIN_SECRET, KEYCLOAK_DB_SECRET } from '../../blueprints/keycloak';
import { GeneratedSecret, SECRET_GENERATOR_IMAGE } from '../../blueprints/keycloak/generated-secret';
import { isNamespaceBaseline } from '../../src/network';
import { use } from '../../src/sovereign';
import { synthesize, SynthResult } from '../../src/synth';
import { deepMerge } from '../../src/values';
import { K8sObject, parseStream, tempDir } from '../support/tools';

const SLOT = kitSlot('09-keycloak');
const base = () => [use(Cilium), use(CertManager)];

/**
 * Literal credentials anywhere in the synthesized files: Secret objects carrying data,
 * password-like keys holding a value, or long random-looking tokens.
 */
function literalSecrets(result: SynthResult): string[] {
  const found: string[] = [];
  const SECRETISH = /^(password|passwd|.*Password|apiKey|api-key|token|secretKey)$/;
  const walk = (v: unknown, at: string): void => {
    if (Array.isArray(v)) {v.forEach((x, i) => walk(x, `${at}[${i}]`));} else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (typeof x === 'string' && x !== '' && SECRETISH.test(k)) found.push(`${at}.${k}`);
        walk(x, `${at}.${k}`);
      }
    }
  };
  for (const [file, text] of result.files) {
    if (file.endsWith('.yaml')) {
      for (const o of parseStream(text)) {
        if (o.kind === 'Secret' && (o.data || o.stringData)) found.push(`${file}: Secret ${o.metadata?.name} has data`);
        walk(o, `${file}: ${o.kind}/${o.metadata?.name ?? ''}`);
      }
    }
    for (const t of text.match(/\b(?=[A-Za-z0-9]*[A-Z])(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[0-9])[A-Za-z0-9]{20,}\b/g) ?? []) {
      found.push(`${file}: random-looking token ${t}`);
    }
  }
  return found;
}

/** A stand-in for curl that answers like the API server from files in $FAKE_API. */
const FAKE_CURL = `#!/usr/bin/env node
const fs = require('fs'); const path = require('path');
const a = process.argv.slice(2); let out = null, fmt = null, method = 'GET', url = null;
for (let i = 0; i < a.length; i++) {
  if (a[i] === '-o') out = a[++i]; else if (a[i] === '-w') fmt = a[++i]; else if (a[i] === '-X') method = a[++i];
  else if (a[i] === '-H' || a[i] === '--cacert' || a[i] === '--data-binary') i++; else if (a[i].startsWith('-')) {} else url = a[i];
}
const dir = process.env.FAKE_API;
const p = url.replace('https://kubernetes.default.svc', '');
fs.appendFileSync(path.join(dir, 'log'), method + ' ' + p + '\\n');
let code = 404, body = '{"kind":"Status","code":404}';
const f = path.join(dir, p.replace(/[^A-Za-z0-9]/g, '_'));
if (method === 'GET' && fs.existsSync(f)) { code = 200; body = fs.readFileSync(f, 'utf8'); }
if (method === 'GET' && process.env.FAKE_GET_CODE) code = Number(process.env.FAKE_GET_CODE);
if (method === 'POST') { fs.writeFileSync(path.join(dir, 'posted.json'), fs.readFileSync(0, 'utf8')); code = Number(process.env.FAKE_POST_CODE || 201); body = '{}'; }
if (out !== '/dev/null') process.stdout.write(body);
if (fmt) process.stdout.write(fmt.replace('%{http_code}', String(code)));
`;

interface PostedSecret {
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  stringData?: Record<string, string>;
  data?: Record<string, string>;
}

interface Run {
  readonly status: number;
  readonly posted?: PostedSecret;
  readonly log: string[];
  readonly output: string;
}

/** Runs a generator Job's script against the fake API; `existing` maps API paths to Secret JSON. */
function runScript(script: string, existing: Record<string, unknown> = {}, env: Record<string, string> = {}): Run {
  const dir = tempDir('fake-api-');
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'curl'), FAKE_CURL, { mode: 0o755 });
  for (const [p, obj] of Object.entries(existing)) {
    // Pretty-printed, as the API server answers a curl user agent.
    fs.writeFileSync(path.join(dir, p.replace(/[^A-Za-z0-9]/g, '_')), JSON.stringify(obj, null, 2));
  }
  let status = 0;
  let output = '';
  try {
    output = execFileSync('/bin/sh', ['-c', script], { env: { ...process.env, ...env, PATH: `${bin}:${process.env.PATH}`, FAKE_API: dir }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    status = err.status;
    output = `${err.stdout}${err.stderr}`;
  }
  const postedFile = path.join(dir, 'posted.json');
  const log = fs.existsSync(path.join(dir, 'log')) ? fs.readFileSync(path.join(dir, 'log'), 'utf8').trim().split('\n') : [];
  return { status, output, log, posted: fs.existsSync(postedFile) ? JSON.parse(fs.readFileSync(postedFile, 'utf8')) : undefined };
}

/** The generator script of a Job or of a CronJob's job template. */
function scriptOf(job: K8sObject): string {
  type PodTemplate = { spec: { containers: { command: string[] }[] } };
  const j = job as unknown as { kind: string; spec: { template: PodTemplate; jobTemplate: { spec: { template: PodTemplate } } } };
  const c = (j.kind === 'CronJob' ? j.spec.jobTemplate.spec.template : j.spec.template).spec.containers[0];
  expect(c.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
  return c.command[2];
}

describe('bp-keycloak', () => {
  test('the chart pin is upstream keycloak 25.2.0 from the Bitnami repository', () => {
    const prov = upstreamProvenance('keycloak');
    expect(Keycloak.spec.upstream).toEqual([{ chart: prov.chart, version: prov.version, repository: prov.repo }]);
    expect(Keycloak.spec.version).toBe(slotBlueprintVersion(SLOT));
    expect(Keycloak.spec.slot).toBe(9);
  });

  test('defaults give the chart the upstream curated values, plus the documented fixes', () => {
    const bp = instanceOf(sovereignWith([...base(), use(Keycloak)]), Keycloak);
    const fixes = {
      // Credentials from Secrets generated in-cluster, through the chart's existingSecret keys.
      auth: { existingSecret: KEYCLOAK_ADMIN_SECRET },
      postgresql: { auth: { existingSecret: KEYCLOAK_DB_SECRET } },
      // The chart's guard against substituted images: bitnamilegacy is a substitution (c747fe2).
      global: { security: { allowInsecureImages: true } },
    };
    expect(valuesFor(bp, 'keycloak')).toEqual(deepMerge(expectedChartValues('keycloak', 'keycloak', SLOT), fixes));
  });

  test('images are typed, pinned bitnamilegacy references split into registry/repository/tag', () => {
    expect(bitnamiImage({ repository: 'docker.io/bitnamilegacy/keycloak', tag: '26.3.3-debian-12-r0' }))
      .toEqual({ registry: 'docker.io', repository: 'bitnamilegacy/keycloak', tag: '26.3.3-debian-12-r0' });
    expect(bitnamiImage({ repository: 'bitnamilegacy/os-shell', tag: '12' })).toEqual({ repository: 'bitnamilegacy/os-shell', tag: '12' });
    expectIssueAt(
      () => sovereignWith([...base(), use(Keycloak, { values: { images: { keycloak: { tag: 'latest' } } } })]),
      'sovereign.blueprints[2].values.images.keycloak.tag',
    );
  });

  test('the HelmRelease matches kit slot 09', () => {
    const result = synthesize(sovereignWith([...base(), use(Keycloak)]));
    const objects = slotObjects(result, '09-keycloak.yaml');
    const hr = helmReleaseNamed(objects, 'bp-keycloak');
    expectMatchesSlot(hr, SLOT);
    expectChartPin(objects, hr, Keycloak.spec.upstream[0]);
    expect(objects.find((o) => o.kind === 'Namespace')?.metadata.name).toBe('keycloak');
    expect(result.files.get(`${CLUSTER_DIR}/bootstrap-kit/09-keycloak.yaml`)).toMatchSnapshot();
  });

  test('the admin and database Secrets are generated in-cluster, and the chart reads them', () => {
    const sov = sovereignWith([...base(), use(Keycloak)]);
    const bp = instanceOf(sov, Keycloak);
    const objects = slotObjects(synthesize(sov), '09-keycloak.yaml');
    const jobs = objects.filter((o) => o.kind === 'Job').map((o) => o.metadata.name).sort();
    expect(jobs).toEqual([`${KEYCLOAK_ADMIN_SECRET}-generator`, `${KEYCLOAK_DB_SECRET}-generator`]);
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
    expect(bp.adminCredentials).toEqual({ secretName: KEYCLOAK_ADMIN_SECRET, key: 'admin-password' });
    const v = valuesFor(bp, 'keycloak') as { auth: { existingSecret: string }; postgresql: { auth: { existingSecret: string } } };
    expect(v.auth.existingSecret).toBe(bp.adminCredentials.secretName);
    expect(v.postgresql.auth.existingSecret).toBe(bp.databaseCredentials.secretName);
    // The DB Secret carries the two keys the Bitnami postgresql subchart reads.
    const db = runScript(scriptOf(objects.find((o) => o.metadata.name === `${KEYCLOAK_DB_SECRET}-generator` && o.kind === 'Job')!));
    expect(Object.keys(db.posted!.stringData!).sort()).toEqual(['password', 'postgres-password']);
  });

  test('every overlay object carries app.kubernetes.io labels', () => {
    const objects = slotObjects(synthesize(sovereignWith([...base(), use(Keycloak)])), '09-keycloak.yaml');
    const overlays = objects.filter((o) => !isNamespaceBaseline(o) && !['HelmRepository', 'HelmRelease'].includes(o.kind));
    expect(overlays.length).toBeGreaterThan(0);
    for (const o of overlays) {
      expect(o.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'keycloak', 'app.kubernetes.io/instance': 'keycloak', 'app.kubernetes.io/managed-by': 'catalyst-cdk' });
    }
  });

  test('a user-managed Secret replaces the generator', () => {
    const sov = sovereignWith([...base(), use(Keycloak, { values: { auth: { existingSecret: 'kc-admin' }, postgresql: { existingSecret: 'kc-db' } } })]);
    const objects = slotObjects(synthesize(sov), '09-keycloak.yaml');
    expect(objects.filter((o) => o.kind === 'Job')).toEqual([]);
    const v = valuesFor(instanceOf(sov, Keycloak), 'keycloak') as { auth: { existingSecret: string }; postgresql: { auth: { existingSecret: string } } };
    expect(v.auth.existingSecret).toBe('kc-admin');
    expect(v.postgresql.auth.existingSecret).toBe('kc-db');
  });

  test('url is the public https://keycloak.<FQDN token>; internalUrl is the in-cluster Service', () => {
    const bp = instanceOf(sovereignWith([...base(), use(Keycloak)]), Keycloak);
    expect(bp.url).toBe('https://keycloak.${SOVEREIGN_FQDN}');
    expect(bp.internalUrl).toBe('http://keycloak.keycloak.svc.cluster.local');
    expect(bp.outputs()).toMatchObject({ url: bp.url, internalUrl: bp.internalUrl, adminSecret: KEYCLOAK_ADMIN_SECRET });
  });

  test('the ingress, when enabled, uses the FQDN token and bp-cert-manager\'s issuer', () => {
    const bp = instanceOf(sovereignWith([...base(), use(Keycloak, { values: { ingress: { enabled: true } } })]), Keycloak);
    expect(valuesFor(bp, 'keycloak').ingress).toEqual({
      enabled: true,
      ingressClassName: 'cilium',
      hostname: 'keycloak.${SOVEREIGN_FQDN}',
      pathType: 'Prefix',
      tls: true,
      annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt-http01-prod' },
    });
  });

  test('observability toggles default off and need metrics', () => {
    const off = valuesFor(instanceOf(sovereignWith([...base(), use(Keycloak)]), Keycloak), 'keycloak');
    expect(off.metrics).toEqual({ enabled: false, serviceMonitor: { enabled: false }, prometheusRule: { enabled: false } });
    const onlyMonitor = valuesFor(instanceOf(sovereignWith([...base(), use(Keycloak, { values: { monitoring: { serviceMonitor: true } } })]), Keycloak), 'keycloak');
    expect(onlyMonitor.metrics).toEqual({ enabled: false, serviceMonitor: { enabled: false }, prometheusRule: { enabled: false } });
  });

  test('no literal secret in any synthesized file (and the check catches one)', () => {
    expect(literalSecrets(synthesize(sovereignWith([...base(), use(Keycloak)])))).toEqual([]);
    const leaky = synthesize(sovereignWith([...base(), use(Keycloak, { helmValues: { keycloak: { auth: { adminPassword: 'Zq8vRk2mPw7xLt4nHs9cYb3d' } } } })]));
    expect(literalSecrets(leaky).length).toBeGreaterThan(0);
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignWith([...base(), use(Keycloak)]));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-keycloak')).toBe(true);
    expect(objects.filter((o) => o.kind === 'Job' && o.metadata.namespace === 'keycloak')).toHaveLength(2);
  });
});

describe('GeneratedSecret (the in-cluster generator)', () => {
  const build = (props: ConstructorParameters<typeof GeneratedSecret>[2]) => {
    const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
    const g = new GeneratedSecret(chart, 'g', props);
    const objects = Testing.synth(chart) as K8sObject[];
    return { g, objects, job: objects.find((o) => o.kind === 'Job' || o.kind === 'CronJob')! };
  };
  const labels = { 'app.kubernetes.io/name': 'demo' };

  test('creates the Secret with fresh 32-character values when it is absent', () => {
    const { job } = build({ namespace: 'demo', secretName: 'demo-creds', randomKeys: ['a', 'b'], constants: { username: 'admin_1' }, labels });
    const run = runScript(scriptOf(job));
    expect(run.status).toBe(0);
    expect(run.log).toEqual(['GET /api/v1/namespaces/demo/secrets/demo-creds', 'POST /api/v1/namespaces/demo/secrets']);
    const s = run.posted!;
    expect(s.metadata).toMatchObject({ name: 'demo-creds', namespace: 'demo', labels });
    expect(s.stringData!.a).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(s.stringData!.b).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(s.stringData!.a).not.toBe(s.stringData!.b);
    expect(s.stringData!.username).toBe('admin_1');
    // A second run draws new values: nothing is fixed at synth time.
    expect(runScript(scriptOf(job)).posted!.stringData!.a).not.toBe(s.stringData!.a);
  });

  test('leaves an existing Secret unchanged (never rotates)', () => {
    const { job } = build({ namespace: 'demo', secretName: 'demo-creds', randomKeys: ['a'], labels });
    const run = runScript(scriptOf(job), { '/api/v1/namespaces/demo/secrets/demo-creds': { kind: 'Secret', data: { a: 'eA==' } } });
    expect(run.status).toBe(0);
    expect(run.posted).toBeUndefined();
  });

  test('fails on an unexpected API answer instead of guessing', () => {
    const { job } = build({ namespace: 'demo', secretName: 'demo-creds', randomKeys: ['a'], labels });
    const forbidden = runScript(scriptOf(job), {}, { FAKE_GET_CODE: '403' });
    expect(forbidden.status).not.toBe(0);
    expect(forbidden.output).toContain('returned HTTP 403');
    expect(forbidden.posted).toBeUndefined();
    const conflict = runScript(scriptOf(job), {}, { FAKE_POST_CODE: '409' });
    expect(conflict.status).toBe(0);
    const refused = runScript(scriptOf(job), {}, { FAKE_POST_CODE: '422' });
    expect(refused.status).not.toBe(0);
  });

  test('mirrors keys from another namespace, base64 as stored, from a CronJob', () => {
    const { job, objects } = build({ namespace: 'consumer', secretName: 'copy', mirrorOf: { namespace: 'owner', secretName: 'orig', keys: ['api-key'] }, labels });
    const source = {
      kind: 'Secret',
      metadata: { name: 'orig', managedFields: [{ fieldsV1: { 'f:data': { 'f:api-key': {} } } }] },
      data: { 'other': 'b3RoZXI=', 'api-key': 'c2VjcmV0LXZhbHVl' },
    };
    // A CronJob: never blocks a Flux Kustomization waiting for a source created elsewhere.
    expect(job.kind).toBe('CronJob');
    expect((job as unknown as { spec: { schedule: string; concurrencyPolicy: string } }).spec).toMatchObject({ schedule: '*/5 * * * *', concurrencyPolicy: 'Forbid' });
    const run = runScript(scriptOf(job), { '/api/v1/namespaces/owner/secrets/orig': source });
    expect(run.status).toBe(0);
    expect(run.posted!.data).toEqual({ 'api-key': 'c2VjcmV0LXZhbHVl' });
    // An existing copy is left alone.
    const again = runScript(scriptOf(job), { '/api/v1/namespaces/owner/secrets/orig': source, '/api/v1/namespaces/consumer/secrets/copy': { kind: 'Secret' } });
    expect(again.status).toBe(0);
    expect(again.posted).toBeUndefined();
    expect(run.posted!.metadata.namespace).toBe('consumer');
    // Read access to the one source Secret is granted in the source namespace.
    const role = objects.find((o) => o.kind === 'Role' && o.metadata.namespace === 'owner') as unknown as { rules: { resourceNames: string[]; verbs: string[] }[] };
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['orig'], verbs: ['get'] }]);
  });

  test('while the mirrored Secret does not exist, a run succeeds without creating anything', () => {
    const { job } = build({ namespace: 'consumer', secretName: 'copy', mirrorOf: { namespace: 'owner', secretName: 'orig', keys: ['k'] }, labels });
    const run = runScript(scriptOf(job));
    expect(run.status).toBe(0);
    expect(run.output).toContain('Secret owner/orig does not exist yet');
    expect(run.posted).toBeUndefined();
    // A source without the key is an error, not an empty copy.
    const wrong = runScript(scriptOf(job), { '/api/v1/namespaces/owner/secrets/orig': { kind: 'Secret', data: { other: 'eA==' } } });
    expect(wrong.status).not.toBe(0);
    expect(wrong.posted).toBeUndefined();
  });

  test('runs non-root with a pinned image and a least-privilege Role', () => {
    const { job, objects } = build({ namespace: 'demo', secretName: 'demo-creds', randomKeys: ['a'], labels });
    type Container = { image: string; securityContext: Record<string, unknown>; resources: unknown };
    type JobJson = { spec: { template: { spec: { securityContext: Record<string, unknown>; containers: Container[] } } } };
    const spec = (job as unknown as JobJson).spec.template.spec;
    expect(spec.containers[0].image).toBe(`${SECRET_GENERATOR_IMAGE.repository}:${SECRET_GENERATOR_IMAGE.tag}`);
    expect(SECRET_GENERATOR_IMAGE.tag).not.toBe('latest');
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 100 });
    expect(spec.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(spec.containers[0].resources).toBeDefined();
    const role = objects.find((o) => o.kind === 'Role') as unknown as { rules: unknown[] };
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['demo-creds'], verbs: ['get'] },
    ]);
    // Flux must neither substitute the script's shell variables nor fail on the immutable Job.
    expect(job.metadata.annotations).toMatchObject({ 'kustomize.toolkit.fluxcd.io/substitute': 'disabled', 'kustomize.toolkit.fluxcd.io/force': 'enabled' });
  });

  test('rejects input that could break out of the script', () => {
    expect(() => build({ namespace: 'demo', secretName: 'x', constants: { u: 'a"; rm -rf /' }, labels })).toThrow(/must match/);
    expect(() => build({ namespace: 'demo', secretName: 'x', randomKeys: ['a b'], labels })).toThrow(/must match/);
    expect(() => build({ namespace: 'demo', secretName: 'x', labels })).toThrow(/at least one key/);
  });
});
