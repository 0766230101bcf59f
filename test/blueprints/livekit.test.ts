import { appObjects, appSovereign, appUses, declaredDependencies, expectHelmPin, expectSchemaValid, find, normalizeQuantities, targetIndex } from './apps-helpers';
import { expectIssueAt, instanceOf, kustomizeCluster, sovereignWith, upstreamProvenance, upstreamValues, valuesFor } from './kit-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { LIVEKIT_CHART, Livekit } from '../../blueprints/livekit';
import { Stunner } from '../../blueprints/stunner';
import { synthesize } from '../../src/synth';
import { PlainObject } from '../../src/values';

const sov = (values: PlainObject = {}) => appSovereign(Livekit, values);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

describe('bp-livekit (slot 46)', () => {
  const result = synthesize(sov());
  const { kit, infra } = appObjects(result, Livekit);

  test('spec: listed 1.0.0 in namespace livekit, single region, pinned to livekit-server 1.9.0', () => {
    expect(Livekit.spec).toMatchObject({ name: 'livekit', version: '1.0.0', slot: 46, visibility: 'listed', namespace: 'livekit', category: 'application', upgradesFrom: ['0.x'] });
    // Host network for the RTC port range: the one application namespace that must be privileged, and says why.
    expect(Livekit.spec.podSecurity).toEqual({ level: 'privileged', reason: expect.stringMatching(/host network/) });
    expect(Livekit.spec.placement).toEqual({ modes: ['single-region'], default: 'single-region', minRegions: 1, maxRegions: 1 });
    expect(Livekit.spec.card).toMatchObject({ title: 'LiveKit', icon: 'livekit.svg', license: 'Apache-2.0', documentation: 'https://docs.livekit.io' });
    const prov = upstreamProvenance('livekit');
    expect({ chart: LIVEKIT_CHART.chart, version: LIVEKIT_CHART.version, repo: LIVEKIT_CHART.repository }).toEqual(prov);
    expectHelmPin(kit, 'bp-livekit', LIVEKIT_CHART);
  });

  test('depends on stunner, cert-manager and valkey (§2.3 ∪ forward-declared [stunner, cert-manager])', () => {
    expect(declaredDependencies(Livekit).map((d) => [d.name, d.version])).toEqual([['stunner', '^1'], ['cert-manager', '^1'], ['valkey', '^1']]);
    expect(find(kit, 'HelmRelease', 'bp-livekit').spec.dependsOn.map((d: { name: string }) => d.name).sort()).toEqual(['bp-cert-manager', 'bp-stunner', 'bp-valkey']);
  });

  test('defaults give the chart the upstream curated values, plus the API keys from the operator\'s Secret', () => {
    const curated = upstreamValues('livekit')['livekit-server'] as Any;
    const values = valuesFor(instanceOf(sov(), Livekit), LIVEKIT_CHART.chart) as Any;
    // Deliberate fix: LiveKit does not start without keys; upstream curated none.
    expect(curated.storeKeysInSecret.enabled).toBe(false);
    expect(values.storeKeysInSecret).toEqual({ enabled: true, existingSecret: 'livekit-api-keys', keys: {} });
    const { key_file: keyFile, ...livekit } = values.livekit;
    expect(keyFile).toBe('keys.yaml');
    expect({ ...values, livekit, storeKeysInSecret: curated.storeKeysInSecret }).toEqual(normalizeQuantities(curated));
  });

  test('the keys Secret is required (no default, nothing generated into Git)', () => {
    const n = targetIndex(Livekit);
    const uses = appUses(Livekit).map((u, i) => (i === n ? { ...u, values: {} } : u));
    expect(expectIssueAt(() => sovereignWith(uses), `sovereign.blueprints[${n}].values.keys.existingSecret`)).toMatch(/required/);
  });

  test('with stunner.enabled a STUNner UDPRoute attaches LiveKit to bp-stunner\'s UDP Gateway', () => {
    const s = sov({ stunner: { enabled: true } });
    const objs = appObjects(synthesize(s), Livekit);
    const route = find(objs.infra, 'UDPRoute', 'livekit');
    const gw = instanceOf(s, Stunner).udpGateway!;
    expect(route.apiVersion).toBe('stunner.l7mp.io/v1');
    expect(route.metadata.namespace).toBe('livekit');
    expect(route.spec).toEqual({ parentRefs: [{ name: gw.name, namespace: gw.namespace }], rules: [{ backendRefs: [{ name: 'livekit-livekit-server', namespace: 'livekit' }] }] });
  });

  test('an Ingress for signalling at livekit.<FQDN> with bp-cert-manager\'s issuer', () => {
    const s = sov({ ingress: { enabled: true } });
    const ing = find(appObjects(synthesize(s), Livekit).kit, 'Ingress', 'livekit-livekit-server');
    const issuer = instanceOf(s, CertManager).issuer;
    expect(ing.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': issuer.name });
    expect(ing.spec.rules[0].host).toBe('livekit.${SOVEREIGN_FQDN}');
    expect(ing.spec.tls).toEqual([{ hosts: ['livekit.${SOVEREIGN_FQDN}'], secretName: 'livekit-tls' }]);
  });

  test('outputs: the RTC port range the firewall opens', () => {
    expect(instanceOf(sov(), Livekit).outputs()).toMatchObject({ rtcPortRange: '50000-60000', url: 'http://livekit-livekit-server.livekit.svc.cluster.local' });
  });

  test('a bad config fails with a path: several replicas (no Redis without a password in Git), inverted port range', () => {
    const n = targetIndex(Livekit);
    expect(expectIssueAt(() => sov({ replicas: 2 }), `sovereign.blueprints[${n}].values.replicas`)).toMatch(/Redis/);
    expect(expectIssueAt(() => sov({ rtc: { portRangeStart: 60000, portRangeEnd: 50000 } }), `sovereign.blueprints[${n}].values.rtc`)).toMatch(/greater/);
  });

  test('every emitted object passes its schema (STUNner\'s CRD schemas are not vendored)', () => {
    const objs = appObjects(synthesize(sov({ stunner: { enabled: true }, ingress: { enabled: true } })), Livekit);
    expectSchemaValid([...kit, ...infra, ...objs.kit, ...objs.infra], ['stunner.l7mp.io/v1/UDPRoute']);
  });

  test('kubectl kustomize builds the cluster folder', () => {
    const objects = kustomizeCluster(sov({ stunner: { enabled: true } }));
    expect(objects.some((o) => o.kind === 'UDPRoute' && o.metadata.namespace === 'livekit')).toBe(true);
  });
});
