import { appObjects, appSovereign, appUses, declaredDependencies, expectHelmPin, expectSchemaValid, find, normalizeQuantities, secretsIn, targetIndex } from './apps-helpers';
import { expectIssueAt, instanceOf, kustomizeCluster, sovereignWith, upstreamProvenance, upstreamValues, valuesFor } from './kit-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { Keycloak } from '../../blueprints/keycloak';
import { MATRIX_CHART, Matrix } from '../../blueprints/matrix';
import { synthesize } from '../../src/synth';
import { PlainObject } from '../../src/values';

const sov = (values: PlainObject = {}) => appSovereign(Matrix, values);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

describe('bp-matrix (slot 47)', () => {
  const result = synthesize(sov());
  const { kit, infra } = appObjects(result, Matrix);
  const values = () => valuesFor(instanceOf(sov(), Matrix), MATRIX_CHART.chart) as Any;

  test('spec: listed 1.0.0 in namespace matrix, single region, pinned to matrix-synapse 3.12.25', () => {
    expect(Matrix.spec).toMatchObject({ name: 'matrix', version: '1.0.0', slot: 47, visibility: 'listed', namespace: 'matrix', category: 'application', upgradesFrom: ['0.x'] });
    expect(Matrix.spec.placement).toEqual({ modes: ['single-region'], default: 'single-region', minRegions: 1, maxRegions: 1 });
    expect(Matrix.spec.card).toMatchObject({ title: 'Matrix (Synapse)', license: 'AGPL-3.0', documentation: 'https://element-hq.github.io/synapse/' });
    const prov = upstreamProvenance('matrix');
    expect({ chart: MATRIX_CHART.chart, version: MATRIX_CHART.version, repo: MATRIX_CHART.repository }).toEqual(prov);
    expectHelmPin(kit, 'bp-matrix', MATRIX_CHART);
  });

  test('depends on cnpg, keycloak and cert-manager: §2.3 and the forward-declared list agree', () => {
    expect(declaredDependencies(Matrix).map((d) => [d.name, d.version])).toEqual([['cnpg', '^1'], ['keycloak', '^1'], ['cert-manager', '^1']]);
    expect(find(kit, 'HelmRelease', 'bp-matrix').spec.dependsOn.map((d: { name: string }) => d.name).sort()).toEqual(['bp-cert-manager', 'bp-cnpg', 'bp-keycloak']);
  });

  test('defaults give the chart the upstream curated values, with each deliberate fix named', () => {
    const curated = upstreamValues('matrix')['matrix-synapse'] as Any;
    const v = values();
    // Placeholder server name → the Sovereign FQDN.
    expect([curated.serverName, v.serverName, v.publicServerName]).toEqual(['matrix.example.local', 'matrix.${SOVEREIGN_FQDN}', 'matrix.${SOVEREIGN_FQDN}']);
    // The database: the CNPG Cluster's Service and the Secret CNPG generates (upstream named one nothing created).
    expect(v.externalPostgresql).toEqual({ ...curated.externalPostgresql, host: 'matrix-postgres-rw.matrix.svc.cluster.local', existingSecret: 'matrix-postgres-app' });
    // No hard-coded Valkey host of a Blueprint matrix does not depend on.
    expect(v.externalRedis).toEqual({ enabled: false });
    // TLS from bp-cert-manager's issuer.
    expect(v.ingress).toEqual({ ...curated.ingress, className: 'cilium', annotations: { 'cert-manager.io/cluster-issuer': instanceOf(sov(), CertManager).issuer.name }, tls: [{ secretName: 'matrix-tls', hosts: ['matrix.${SOVEREIGN_FQDN}'] }] });
    // OIDC wired into Synapse's own config (upstream declared it beside the chart values).
    const { oidc_providers: oidc, ...extra } = v.extraConfig;
    expect(extra).toEqual(curated.extraConfig);
    expect(oidc).toHaveLength(1);
    const { extraVolumes, extraVolumeMounts, ...synapse } = v.synapse;
    expect(synapse).toEqual(normalizeQuantities(curated.synapse));
    expect(extraVolumes).toEqual([{ name: 'oidc-client-secret', secret: { secretName: 'matrix-oidc' } }]);
    expect(extraVolumeMounts).toEqual([{ name: 'oidc-client-secret', mountPath: '/secrets/oidc', readOnly: true }]);
    const same = ['image', 'signingkey', 'postgresql', 'redis', 'persistence', 'workers'];
    for (const k of same) expect([k, v[k]]).toEqual([k, curated[k]]);
  });

  test('OIDC: issuer from bp-keycloak, the client secret read from a mounted file, never inlined', () => {
    const s = sov();
    const provider = (valuesFor(instanceOf(s, Matrix), MATRIX_CHART.chart) as Any).extraConfig.oidc_providers[0];
    expect(provider).toMatchObject({
      idp_id: 'keycloak',
      issuer: `${instanceOf(s, Keycloak).url}/realms/acme`,
      client_id: 'matrix-synapse',
      client_secret_path: '/secrets/oidc/client-secret',
      scopes: ['openid', 'profile', 'email'],
    });
    expect(provider).not.toHaveProperty('client_secret');
    const n = targetIndex(Matrix);
    const uses = appUses(Matrix).map((u, i) => (i === n ? { ...u, values: {} } : u));
    expect(expectIssueAt(() => sovereignWith(uses), `sovereign.blueprints[${n}].values.oidc.realm`)).toMatch(/required/);
    expect((valuesFor(instanceOf(sov({ oidc: { enabled: false } }), Matrix), MATRIX_CHART.chart) as Any).extraConfig).not.toHaveProperty('oidc_providers');
  });

  test('the CNPG Cluster: C collation for Synapse, the curated size', () => {
    const cluster = find(infra, 'Cluster', 'matrix-postgres');
    expect(cluster.spec.bootstrap.initdb).toEqual({ database: 'synapse', owner: 'synapse', encoding: 'UTF8', localeCollate: 'C', localeCType: 'C' });
    expect(secretsIn([...kit, ...infra])).toEqual([]);
  });

  test('federation: an empty whitelist federates with nobody; enabled lifts it or lists servers', () => {
    expect(values().extraConfig.federation_domain_whitelist).toEqual([]);
    const on = valuesFor(instanceOf(sov({ federation: { enabled: true } }), Matrix), MATRIX_CHART.chart) as Any;
    expect(on.extraConfig.federation_domain_whitelist).toBeNull();
    const some = valuesFor(instanceOf(sov({ federation: { enabled: true, domainWhitelist: ['matrix.org'] } }), Matrix), MATRIX_CHART.chart) as Any;
    expect(some.extraConfig.federation_domain_whitelist).toEqual(['matrix.org']);
  });

  test('outputs: server names and the Element Web host', () => {
    expect(instanceOf(sov(), Matrix).outputs()).toEqual({ serverName: 'matrix.${SOVEREIGN_FQDN}', publicServerName: 'matrix.${SOVEREIGN_FQDN}', elementWebHost: 'chat-web.${SOVEREIGN_FQDN}' });
  });

  test('a bad config fails with a path', () => {
    const n = targetIndex(Matrix);
    expect(expectIssueAt(() => sov({ serverName: 'Matrix Server' }), `sovereign.blueprints[${n}].values.serverName`)).toMatch(/pattern|matching/);
    expect(expectIssueAt(() => sov({ registration: { open: true } }), `sovereign.blueprints[${n}].values.registration.open`)).toMatch(/unknown key/);
  });

  test('every emitted object passes its schema', () => {
    const np = appObjects(synthesize(sov({ networkPolicy: { enabled: true } })), Matrix);
    expectSchemaValid([...kit, ...infra, ...np.kit, ...np.infra]);
  });

  test('kubectl kustomize builds the cluster folder', () => {
    const objects = kustomizeCluster(sov());
    expect(objects.some((o) => o.kind === 'Cluster' && o.metadata.name === 'matrix-postgres')).toBe(true);
  });
});
