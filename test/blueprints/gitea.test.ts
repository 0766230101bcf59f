import {
  CLUSTER_DIR, expectChartPin, expectedChartValues, expectIssueAt, expectMatchesSlot, helmReleaseNamed, instanceOf,
  kitSlot, kustomizeCluster, slotBlueprintVersion, slotObjects, sovereignWith, upstreamProvenance, valuesFor,
} from './kit-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { Cilium } from '../../blueprints/cilium';
import { Gitea, GITEA_ADMIN_SECRET, GITEA_DB_SECRET } from '../../blueprints/gitea';
import { Keycloak } from '../../blueprints/keycloak';
import { isNamespaceBaseline } from '../../src/network';
import { Sovereign, use } from '../../src/sovereign';
import { synthesize, SynthResult } from '../../src/synth';
import { deepMerge, PlainObject } from '../../src/values';
import { parseStream } from '../support/tools';

const SLOT = kitSlot('10-gitea');
const base = () => [use(Cilium), use(CertManager), use(Keycloak)];

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

describe('bp-gitea', () => {
  test('the chart pin is upstream gitea 10.5.0 from dl.gitea.com', () => {
    const prov = upstreamProvenance('gitea');
    expect(Gitea.spec.upstream).toEqual([{ chart: prov.chart, version: prov.version, repository: prov.repo }]);
    expect(Gitea.spec.version).toBe(slotBlueprintVersion(SLOT));
    expect(Gitea.spec.slot).toBe(10);
  });

  test('defaults give the chart the upstream curated values, with the kit overlay fixed into the chart values', () => {
    const bp = instanceOf(sovereignWith([...base(), use(Gitea)]), Gitea);
    const values = valuesFor(bp, 'gitea');
    // The upstream defect: the kit's overlay sat outside the `gitea:` key, so the chart never saw it.
    const kitTopLevel = SLOT.values as { ingress: { hosts: unknown[] }; global: unknown };
    expect(SLOT.values?.gitea).toBeUndefined();
    const fixes = {
      gitea: {
        config: { server: { DOMAIN: 'gitea.${SOVEREIGN_FQDN}', ROOT_URL: 'https://gitea.${SOVEREIGN_FQDN}' } },
        // Credentials from in-cluster generated Secrets instead of the chart's public defaults.
        admin: { existingSecret: GITEA_ADMIN_SECRET },
        additionalConfigFromEnvs: [{ name: 'GITEA__DATABASE__PASSWD', valueFrom: { secretKeyRef: { name: GITEA_DB_SECRET, key: 'password' } } }],
      },
      postgresql: { global: { postgresql: { auth: { existingSecret: GITEA_DB_SECRET } } } },
      // The kit's host list, now inside the chart's values; the Ingress stays off as upstream.
      ingress: { enabled: false, hosts: kitTopLevel.ingress.hosts },
    };
    expect(values).toEqual(deepMerge(expectedChartValues('gitea', 'gitea', SLOT), fixes));
    // `global.sovereignFQDN` fed only the umbrella chart; the gitea chart has no such key.
    expect(values.global).toBeUndefined();
  });

  test('host, DOMAIN and ROOT_URL follow the FQDN token, never gitea.catalyst.local', () => {
    const sov = sovereignWith([...base(), use(Gitea)]);
    const bp = instanceOf(sov, Gitea);
    expect(bp.url).toBe('https://gitea.${SOVEREIGN_FQDN}');
    expect(bp.outputs()).toMatchObject({ url: bp.url, internalUrl: 'http://gitea-http.gitea.svc.cluster.local:3000' });
    const text = synthesize(sov).files.get(`${CLUSTER_DIR}/bootstrap-kit/10-gitea.yaml`)!;
    expect(text).not.toMatch(/gitea\.catalyst\.local/);
    // literal mode writes the FQDN itself
    const literal = new Sovereign({
      fqdn: 'acme.example.org',
      org: { name: 'Acme', email: 'ops@acme.test' },
      includeKit: false,
      fqdnMode: 'literal',
      blueprints: [...base(), use(Gitea)],
    });
    expect(instanceOf(literal, Gitea).url).toBe('https://gitea.acme.example.org');
  });

  test('the HelmRelease matches kit slot 10', () => {
    const result = synthesize(sovereignWith([...base(), use(Gitea)]));
    const objects = slotObjects(result, '10-gitea.yaml');
    const hr = helmReleaseNamed(objects, 'bp-gitea');
    expectMatchesSlot(hr, SLOT);
    expectChartPin(objects, hr, Gitea.spec.upstream[0]);
    expect(result.files.get(`${CLUSTER_DIR}/bootstrap-kit/10-gitea.yaml`)).toMatchSnapshot();
  });

  test('the admin and database Secrets are generated in-cluster with the keys the chart reads', () => {
    const objects = slotObjects(synthesize(sovereignWith([...base(), use(Gitea)])), '10-gitea.yaml');
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
    const scripts = Object.fromEntries(objects.filter((o) => o.kind === 'Job').map((o) => [
      o.metadata.name,
      (o as unknown as { spec: { template: { spec: { containers: { command: string[] }[] } } } }).spec.template.spec.containers[0].command[2],
    ]));
    expect(Object.keys(scripts).sort()).toEqual([`${GITEA_ADMIN_SECRET}-generator`, `${GITEA_DB_SECRET}-generator`]);
    // admin: constant username (not a secret), generated password
    expect(scripts[`${GITEA_ADMIN_SECRET}-generator`]).toContain('\\"username\\":\\"gitea_admin\\"');
    expect(scripts[`${GITEA_ADMIN_SECRET}-generator`]).toContain('\\"password\\":\\"$(rand)\\"');
    expect(scripts[`${GITEA_DB_SECRET}-generator`]).toContain('\\"postgres-password\\":\\"$(rand)\\"');
    for (const o of objects.filter((x) => !isNamespaceBaseline(x) && !['HelmRepository', 'HelmRelease'].includes(x.kind))) {
      expect(o.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'gitea', 'app.kubernetes.io/instance': 'gitea', 'app.kubernetes.io/managed-by': 'catalyst-cdk' });
    }
  });

  test('enabling the ingress adds TLS from bp-cert-manager and the dependency on it', () => {
    const sov = sovereignWith([...base(), use(Gitea, { values: { ingress: { enabled: true } } })]);
    const ingress = valuesFor(instanceOf(sov, Gitea), 'gitea').ingress as PlainObject;
    expect(ingress).toMatchObject({
      enabled: true,
      className: 'cilium',
      annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt-http01-prod' },
      tls: [{ secretName: 'gitea-tls', hosts: ['gitea.${SOVEREIGN_FQDN}'] }],
    });
    const hr = helmReleaseNamed(slotObjects(synthesize(sov), '10-gitea.yaml'), 'bp-gitea');
    expect((hr.spec.dependsOn ?? []).map((d) => d.name).sort()).toEqual(['bp-cert-manager', 'bp-keycloak']);
  });

  test('observability toggles default off', () => {
    const v = valuesFor(instanceOf(sovereignWith([...base(), use(Gitea)]), Gitea), 'gitea') as { gitea: { metrics: unknown }; postgresql: { metrics: PlainObject } };
    expect(v.gitea.metrics).toEqual({ enabled: false, serviceMonitor: { enabled: false } });
    expect(v.postgresql.metrics).toMatchObject({ enabled: false, serviceMonitor: { enabled: false }, prometheusRule: { enabled: false } });
  });

  test('a typo in values fails with its path', () => {
    expectIssueAt(() => sovereignWith([...base(), use(Gitea, { values: { hostprefix: 'git' } as never })]), 'sovereign.blueprints[3].values.hostprefix');
  });

  test('no literal secret in any synthesized file', () => {
    expect(literalSecrets(synthesize(sovereignWith([...base(), use(Gitea)])))).toEqual([]);
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignWith([...base(), use(Gitea)]));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-gitea')).toBe(true);
    expect(objects.filter((o) => o.kind === 'Job' && o.metadata.namespace === 'gitea')).toHaveLength(2);
  });
});
