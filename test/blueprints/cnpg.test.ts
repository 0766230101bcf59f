import { Chart, Testing } from 'cdk8s';
import {
  CLUSTER_DIR, expectChartPin, expectedChartValues, expectIssueAt, expectMatchesSlot, helmReleaseNamed, instanceOf,
  kitSlot, kustomizeCluster, slotBlueprintVersion, slotObjects, sovereignWith, upstreamProvenance, valuesFor,
} from './kit-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { Cilium } from '../../blueprints/cilium';
import { Cnpg } from '../../blueprints/cnpg';
import { Flux } from '../../blueprints/flux';
import { CNPG_API_VERSION, CnpgCluster, cnpgAppSecret } from '../../constructs/cnpg';
import { use } from '../../src/sovereign';
import { synthesize, SynthResult } from '../../src/synth';
import { parseStream } from '../support/tools';

const SLOT = kitSlot('16-cnpg');
const base = () => [use(Cilium), use(CertManager), use(Flux)];

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

describe('bp-cnpg', () => {
  test('the chart pin is upstream cloudnative-pg 0.28.0', () => {
    const prov = upstreamProvenance('cnpg');
    expect(Cnpg.spec.upstream).toEqual([{ chart: prov.chart, version: prov.version, repository: prov.repo }]);
    expect(Cnpg.spec.version).toBe(slotBlueprintVersion(SLOT));
    expect(Cnpg.spec.slot).toBe(16);
  });

  test('defaults give the chart exactly the upstream curated values', () => {
    const bp = instanceOf(sovereignWith([...base(), use(Cnpg)]), Cnpg);
    expect(valuesFor(bp, 'cloudnative-pg')).toEqual(expectedChartValues('cnpg', 'cloudnative-pg', SLOT));
  });

  test('the HelmRelease matches kit slot 16 (after bp-flux)', () => {
    const result = synthesize(sovereignWith([...base(), use(Cnpg)]));
    const objects = slotObjects(result, '16-cnpg.yaml');
    const hr = helmReleaseNamed(objects, 'bp-cnpg');
    expectMatchesSlot(hr, SLOT);
    expectChartPin(objects, hr, Cnpg.spec.upstream[0]);
    expect(objects.find((o) => o.kind === 'Namespace')?.metadata.name).toBe('cnpg-system');
    expect(result.files.get(`${CLUSTER_DIR}/bootstrap-kit/16-cnpg.yaml`)).toMatchSnapshot();
  });

  test('it is the provider of postgresql.cnpg.io/v1, which Cluster overlays need', () => {
    expect(Cnpg.spec.providesApis).toEqual([CNPG_API_VERSION]);
    expect(CnpgCluster.GVK.apiVersion).toBe(CNPG_API_VERSION);
    expect(instanceOf(sovereignWith([...base(), use(Cnpg)]), Cnpg).outputs()).toEqual({ apiVersion: CNPG_API_VERSION, operatorNamespace: 'cnpg-system' });
  });

  test('observability stays off by default; the toggle reaches the chart', () => {
    const off = valuesFor(instanceOf(sovereignWith([...base(), use(Cnpg)]), Cnpg), 'cloudnative-pg');
    expect(off.monitoring).toEqual({ podMonitorEnabled: false });
    const on = valuesFor(instanceOf(sovereignWith([...base(), use(Cnpg, { values: { monitoring: { podMonitor: true } } })]), Cnpg), 'cloudnative-pg');
    expect(on.monitoring).toEqual({ podMonitorEnabled: true });
    expectIssueAt(() => sovereignWith([...base(), use(Cnpg, { values: { replicaCount: 0 } })]), 'sovereign.blueprints[3].values.replicaCount');
  });

  test('without bp-flux the Sovereign refuses to build', () => {
    expectIssueAt(() => sovereignWith([use(Cilium), use(CertManager), use(Cnpg)]), 'sovereign.blueprints[2].depends');
  });

  test('no literal secret in any synthesized file', () => {
    expect(literalSecrets(synthesize(sovereignWith([...base(), use(Cnpg)])))).toEqual([]);
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignWith([...base(), use(Cnpg)]));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-cnpg')).toBe(true);
  });
});

describe('CnpgCluster (postgresql.cnpg.io/v1 L1)', () => {
  test('synthesizes the typed fields and names the Secret and Service CNPG derives', () => {
    const chart = new Chart(Testing.app(), 'test', { disableResourceNameHashes: true });
    const c = new CnpgCluster(chart, 'db', {
      metadata: { name: 'app-pg', namespace: 'apps' },
      spec: {
        instances: 2,
        imageName: 'ghcr.io/cloudnative-pg/postgresql:16.6',
        bootstrap: { initdb: { database: 'app', owner: 'app' } },
        storage: { size: '1Gi' },
      },
    });
    expect(c.appSecret).toBe('app-pg-app');
    expect(cnpgAppSecret('x')).toBe('x-app');
    expect(c.rwService).toBe('app-pg-rw');
    expect(Testing.synth(chart)).toEqual([{
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'app-pg', namespace: 'apps' },
      spec: {
        instances: 2,
        imageName: 'ghcr.io/cloudnative-pg/postgresql:16.6',
        bootstrap: { initdb: { database: 'app', owner: 'app' } },
        storage: { size: '1Gi' },
      },
    }]);
  });

  test('rejects a cluster without instances', () => {
    const chart = new Chart(Testing.app(), 'test');
    expect(() => new CnpgCluster(chart, 'db', { metadata: { name: 'x' }, spec: { instances: 0 } })).toThrow(/instances/);
  });
});
