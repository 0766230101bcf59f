import { appObjects, appSovereign, declaredDependencies, expectHelmPin, expectSchemaValid, find, normalizeQuantities, targetIndex } from './apps-helpers';
import { expectIssueAt, instanceOf, kustomizeCluster, upstreamProvenance, upstreamValues, valuesFor } from './kit-helpers';
import { KNATIVE_OPERATOR_API_VERSION, KNATIVE_OPERATOR_CHART, Knative } from '../../blueprints/knative';
import { FQDN_TOKEN } from '../../src/sovereign';
import { synthesize } from '../../src/synth';
import { PlainObject } from '../../src/values';

const sov = (values: PlainObject = {}) => appSovereign(Knative, values);

describe('bp-knative (slot 37)', () => {
  const result = synthesize(sov());
  const { kit, infra } = appObjects(result, Knative);

  test('spec: unlisted 1.0.0 in namespace knative-operator, pinned to knative-operator v1.21.1', () => {
    expect(Knative.spec).toMatchObject({ name: 'knative', version: '1.0.0', slot: 37, visibility: 'unlisted', namespace: 'knative-operator', upgradesFrom: ['0.x'] });
    expect(Knative.spec.placement).toEqual({ modes: ['single-region', 'active-active'], default: 'single-region', minRegions: 1, maxRegions: 5 });
    expect(Knative.spec.providesApis).toEqual([KNATIVE_OPERATOR_API_VERSION]);
    const prov = upstreamProvenance('knative');
    expect({ chart: KNATIVE_OPERATOR_CHART.chart, version: KNATIVE_OPERATOR_CHART.version, repo: KNATIVE_OPERATOR_CHART.repository }).toEqual(prov);
    expectHelmPin(kit, 'bp-knative', KNATIVE_OPERATOR_CHART);
  });

  test('depends on bp-cilium and bp-cert-manager: the union of §2.3 (both) and the forward-declared list (cert-manager only)', () => {
    expect(declaredDependencies(Knative).map((d) => [d.name, d.version])).toEqual([['cilium', '^1'], ['cert-manager', '^1']]);
    expect(find(kit, 'HelmRelease', 'bp-knative').spec.dependsOn.map((d: { name: string }) => d.name)).toEqual(['bp-cilium', 'bp-cert-manager']);
  });

  test('defaults give the chart exactly the upstream curated values', () => {
    const curated = upstreamValues('knative')['knative-operator'];
    expect(valuesFor(instanceOf(sov(), Knative), KNATIVE_OPERATOR_CHART.chart)).toEqual(normalizeQuantities(curated));
  });

  test('KnativeServing: istio-less, Gateway API ingress on Cilium, the Sovereign FQDN as domain, scale-to-zero as curated', () => {
    const curated = (upstreamValues('knative').knativeOverlay as { knativeServing: { version: string; scaleToZero: PlainObject; domainTemplate: string; highAvailability: PlainObject; sovereignFqdn: string } }).knativeServing;
    const ks = find(infra, 'KnativeServing', 'knative-serving');
    expect(ks.metadata.namespace).toBe('knative-serving');
    expect(ks.spec.version).toBe(curated.version);
    // Deliberate: upstream left `sovereignFqdn` empty; the domain is the Sovereign's FQDN token.
    expect(curated.sovereignFqdn).toBe('');
    expect(ks.spec.config.domain).toEqual({ [FQDN_TOKEN]: '' });
    expect(ks.spec.config.network).toEqual({ 'ingress-class': 'gateway-api.ingress.networking.knative.dev', 'domain-template': curated.domainTemplate });
    expect(ks.spec.config.autoscaler).toEqual({ 'enable-scale-to-zero': 'true', 'scale-to-zero-grace-period': '30s', 'stable-window': '60s' });
    expect(ks.spec['high-availability']).toEqual(curated.highAvailability);
    expect(ks.spec.ingress.istio).toEqual({ enabled: false });
    // Its namespace is created next to it (the operator only watches it).
    expect(find(infra, 'Namespace', 'knative-serving').metadata.labels?.['catalyst.openova.io/sovereign']).toBe(FQDN_TOKEN);
  });

  test('getters: Serving namespace and domain, which bp-kserve reads', () => {
    const bp = instanceOf(sov(), Knative);
    expect(bp.servingNamespace).toBe('knative-serving');
    expect(bp.domain).toBe(FQDN_TOKEN);
    expect(instanceOf(sov({ sovereignFqdn: 'apps.example.org' }), Knative).domain).toBe('apps.example.org');
  });

  test('knativeServing.create false leaves only the operator', () => {
    const off = appObjects(synthesize(sov({ knativeServing: { create: false } })), Knative);
    expect([...off.kit, ...off.infra].some((o) => o.kind === 'KnativeServing')).toBe(false);
  });

  test('a bad config fails with a path', () => {
    const n = targetIndex(Knative);
    expect(expectIssueAt(() => sov({ ingressClass: 'istio' }), `sovereign.blueprints[${n}].values.ingressClass`)).toMatch(/cilium/);
    expect(expectIssueAt(() => sov({ knativeServing: { highAvailability: { replicas: 0 } } }), `sovereign.blueprints[${n}].values.knativeServing.highAvailability.replicas`)).toMatch(/>= 1/);
  });

  test('every emitted object passes its schema (the KnativeServing CRD schema is not vendored)', () => {
    expectSchemaValid([...kit, ...infra], ['operator.knative.dev/v1beta1/KnativeServing']);
  });

  test('kubectl kustomize builds the cluster folder', () => {
    const objects = kustomizeCluster(sov());
    expect(objects.some((o) => o.kind === 'KnativeServing' && o.metadata.namespace === 'knative-serving')).toBe(true);
  });
});
