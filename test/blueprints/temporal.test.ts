import { appObjects, appSovereign, declaredDependencies, expectHelmPin, expectSchemaValid, find, normalizeQuantities, secretsIn, targetIndex } from './apps-helpers';
import { expectIssueAt, instanceOf, kustomizeCluster, upstreamProvenance, upstreamValues, valuesFor } from './kit-helpers';
import { TEMPORAL_CHART, Temporal } from '../../blueprints/temporal';
import { synthesize } from '../../src/synth';
import { PlainObject } from '../../src/values';

const sov = (values: PlainObject = {}) => appSovereign(Temporal, values);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

describe('bp-temporal (slot 44)', () => {
  const result = synthesize(sov());
  const { kit, infra } = appObjects(result, Temporal);

  test('spec: listed 1.0.0 in namespace temporal, single-region only, pinned to temporal 1.2.0', () => {
    expect(Temporal.spec).toMatchObject({ name: 'temporal', version: '1.0.0', slot: 44, visibility: 'listed', namespace: 'temporal', upgradesFrom: ['0.x'] });
    expect(Temporal.spec.placement).toEqual({ modes: ['single-region'], default: 'single-region', minRegions: 1, maxRegions: 1 });
    expect(Temporal.spec.card).toMatchObject({ title: 'Temporal', icon: 'temporal.svg', category: 'workflow', license: 'MIT' });
    const prov = upstreamProvenance('temporal');
    expect({ chart: TEMPORAL_CHART.chart, version: TEMPORAL_CHART.version, repo: TEMPORAL_CHART.repository }).toEqual(prov);
    expectHelmPin(kit, 'bp-temporal', TEMPORAL_CHART);
  });

  test('depends on cnpg (db) and cert-manager (certs): §2.3 and the forward-declared list agree', () => {
    expect(declaredDependencies(Temporal)).toEqual([{ name: 'cnpg', version: '^1', alias: 'db' }, { name: 'cert-manager', version: '^1', alias: 'certs' }]);
    expect(find(kit, 'HelmRelease', 'bp-temporal').spec.dependsOn.map((d: { name: string }) => d.name).sort()).toEqual(['bp-cert-manager', 'bp-cnpg']);
  });

  test('defaults give the chart the upstream curated values, except schema Jobs that are no longer Helm hooks', () => {
    const curated = upstreamValues('temporal').temporal as Any;
    const values = valuesFor(instanceOf(sov(), Temporal), TEMPORAL_CHART.chart) as Any;
    // Deliberate fix: hook Jobs would wait for a database that infrastructure/ creates only after this release is Ready.
    expect(curated.schema.useHelmHooks).toBe(true);
    expect(values.schema).toEqual({ ...curated.schema, useHelmHooks: false });
    expect({ ...values, schema: curated.schema }).toEqual(normalizeQuantities(curated));
  });

  test('both stores on the CNPG Cluster this Blueprint declares: its -rw Service and the Secret CNPG generates', () => {
    const curated = upstreamValues('temporal') as Any;
    const cluster = find(infra, 'Cluster', 'bp-temporal-pg');
    expect(cluster.spec).toMatchObject({
      instances: curated.catalystOverlay.cnpg.instances,
      imageName: curated.catalystOverlay.cnpg.imageName,
      storage: { size: curated.catalystOverlay.cnpg.storage.size },
      bootstrap: { initdb: { database: 'temporal', owner: 'temporal', postInitApplicationSQL: ['ALTER ROLE "temporal" CREATEDB'] } },
    });
    const stores = (valuesFor(instanceOf(sov(), Temporal), TEMPORAL_CHART.chart) as Any).server.config.persistence.datastores;
    for (const s of [stores.default.sql, stores.visibility.sql]) {
      expect(s.connectAddr).toBe(`${cluster.metadata.name}-rw:5432`);
      expect(s.existingSecret).toBe(`${cluster.metadata.name}-app`);
    }
    expect(secretsIn([...kit, ...infra])).toEqual([]);
  });

  test('OIDC login to the Web UI: issuer and client secret by reference, required together', () => {
    const n = targetIndex(Temporal);
    expect(expectIssueAt(() => sov({ auth: { enabled: true } }), `sovereign.blueprints[${n}].values.auth.issuer`)).toMatch(/required/);
    const values = valuesFor(instanceOf(sov({ auth: { enabled: true, issuer: 'https://keycloak.example.org/realms/acme', clientSecret: { name: 'temporal-oidc', key: 'secret' } } }), Temporal), TEMPORAL_CHART.chart) as Any;
    const env = Object.fromEntries(values.web.additionalEnv.map((e: Any) => [e.name, e]));
    expect(env.TEMPORAL_AUTH_PROVIDER_URL.value).toBe('https://keycloak.example.org/realms/acme');
    expect(env.TEMPORAL_AUTH_CLIENT_SECRET.valueFrom).toEqual({ secretKeyRef: { name: 'temporal-oidc', key: 'secret' } });
    expect(env.TEMPORAL_AUTH_CALLBACK_URL.value).toBe('https://temporal.${SOVEREIGN_FQDN}/auth/sso/callback');
  });

  test('getter: the frontend gRPC address SDK workers connect to', () => {
    expect(instanceOf(sov(), Temporal).frontendAddress).toBe('temporal-frontend.temporal.svc.cluster.local:7233');
  });

  test('NetworkPolicy: the frontend from anywhere, the rest from Temporal\'s own pods', () => {
    const objs = appObjects(synthesize(sov({ networkPolicy: { enabled: true } })), Temporal);
    const np = find([...objs.kit, ...objs.infra], 'NetworkPolicy', 'temporal');
    expect(np.spec.ingress).toEqual([{ from: [{ podSelector: {} }] }, { ports: [{ protocol: 'TCP', port: 7233 }] }]);
  });

  test('a bad config fails with a path', () => {
    const n = targetIndex(Temporal);
    expect(expectIssueAt(() => sov({ persistence: { mode: 'embedded' } }), `sovereign.blueprints[${n}].values.persistence.mode`)).toMatch(/external/);
    expect(expectIssueAt(() => sov({ persistence: { database: 'Temporal-DB' } }), `sovereign.blueprints[${n}].values.persistence.database`)).toMatch(/pattern|matching/);
  });

  test('every emitted object passes its schema', () => {
    expectSchemaValid([...kit, ...infra]);
  });

  test('kubectl kustomize builds the cluster folder', () => {
    const objects = kustomizeCluster(sov());
    expect(objects.some((o) => o.kind === 'Cluster' && o.metadata.name === 'bp-temporal-pg' && o.metadata.namespace === 'temporal')).toBe(true);
  });
});
