import { appObjects, appSovereign, declaredDependencies, expectOciPin, expectSchemaValid, find, normalizeQuantities, targetIndex } from './apps-helpers';
import { expectIssueAt, instanceOf, kustomizeCluster, upstreamProvenance, upstreamValues, valuesFor } from './kit-helpers';
import { Knative } from '../../blueprints/knative';
import { KSERVE_CHART, KSERVE_CRD_CHART, Kserve } from '../../blueprints/kserve';
import { FQDN_TOKEN } from '../../src/sovereign';
import { synthesize } from '../../src/synth';
import { PlainObject } from '../../src/values';

const sov = (values: PlainObject = {}) => appSovereign(Kserve, values);

describe('bp-kserve (slot 38)', () => {
  const result = synthesize(sov());
  const { kit, infra } = appObjects(result, Kserve);

  test('spec: unlisted 1.0.0 in namespace kserve; kserve v0.16.0 from the OCI registry, after its CRD chart', () => {
    expect(Kserve.spec).toMatchObject({ name: 'kserve', version: '1.0.0', slot: 38, visibility: 'unlisted', namespace: 'kserve', upgradesFrom: ['0.x'] });
    const prov = upstreamProvenance('kserve');
    expect({ chart: KSERVE_CHART.chart, version: KSERVE_CHART.version, repo: KSERVE_CHART.repository }).toEqual(prov);
    // Deliberate addition: before v0.17 the CRDs are a separate chart, installed first.
    expect(Kserve.spec.upstream).toEqual([KSERVE_CRD_CHART, KSERVE_CHART]);
    expect(KSERVE_CRD_CHART).toEqual({ chart: 'kserve-crd', version: 'v0.16.0', repository: 'oci://ghcr.io/kserve/charts' });
    expectOciPin(kit, 'bp-kserve', KSERVE_CHART);
    expectOciPin(kit, 'bp-kserve-crd', KSERVE_CRD_CHART);
    expect(find(kit, 'HelmRelease', 'bp-kserve').spec.dependsOn[0]).toEqual({ name: 'bp-kserve-crd', namespace: 'flux-system' });
    expect(Kserve.spec.providesApis).toContain('serving.kserve.io/v1beta1');
  });

  test('depends on cilium, cert-manager and knative (§2.3; the forward-declared list has knative only)', () => {
    expect(declaredDependencies(Kserve).map((d) => [d.name, d.version])).toEqual([['cilium', '^1'], ['cert-manager', '^1'], ['knative', '^1']]);
    expect(find(kit, 'HelmRelease', 'bp-kserve-crd').spec.dependsOn.map((d: { name: string }) => d.name)).toEqual(['bp-cilium', 'bp-cert-manager', 'bp-knative']);
  });

  test('defaults give the chart the upstream curated values, with the Sovereign FQDN instead of example.com', () => {
    const curated = upstreamValues('kserve').kserve as { kserve: { controller: { gateway: PlainObject } } };
    expect(curated.kserve.controller.gateway.domain).toBe('example.com');
    const controller = curated.kserve.controller;
    const expected = { kserve: { ...curated.kserve, controller: { ...controller, gateway: { ...controller.gateway, domain: FQDN_TOKEN } } } };
    const bp = instanceOf(sov(), Kserve);
    expect(valuesFor(bp, KSERVE_CHART.chart)).toEqual(normalizeQuantities(expected));
    expect(valuesFor(bp, KSERVE_CRD_CHART.chart)).toEqual({});
  });

  test('Knative gateway references come from bp-knative\'s Serving namespace', () => {
    const values = valuesFor(instanceOf(appSovereign(Kserve), Kserve), 'kserve') as { kserve: { controller: { gateway: { localGateway: PlainObject; ingressGateway: PlainObject } } } };
    const serving = instanceOf(appSovereign(Kserve), Knative).servingNamespace;
    expect(values.kserve.controller.gateway.localGateway).toMatchObject({ gateway: `${serving}/knative-local-gateway`, gatewayService: `knative-local-gateway.${serving}.svc.cluster.local` });
    expect(values.kserve.controller.gateway.ingressGateway).toMatchObject({ kserveGateway: 'kserve/kserve-ingress-gateway', className: 'cilium' });
  });

  test('typed values: Serverless mode, controller replicas, observability toggles as the chart\'s strings', () => {
    const values = valuesFor(instanceOf(sov({ deploymentMode: 'Serverless', controllerReplicas: 2, monitoring: { prometheusScraping: true } }), Kserve), 'kserve') as {
      kserve: { controller: PlainObject; metricsaggregator: PlainObject };
    };
    expect(values.kserve.controller).toMatchObject({ deploymentMode: 'Serverless', replicaCount: 2 });
    expect(values.kserve.metricsaggregator).toEqual({ enableMetricAggregation: 'false', enablePrometheusScraping: 'true' });
  });

  test('a bad config fails with a path', () => {
    const n = targetIndex(Kserve);
    expect(expectIssueAt(() => sov({ deploymentMode: 'ModelMesh' }), `sovereign.blueprints[${n}].values.deploymentMode`)).toMatch(/RawDeployment/);
    expect(expectIssueAt(() => sov({ controllerReplicas: 9 }), `sovereign.blueprints[${n}].values.controllerReplicas`)).toMatch(/<= 5/);
  });

  test('every emitted object passes its schema', () => {
    expectSchemaValid([...kit, ...infra]);
  });

  test('kubectl kustomize builds the cluster folder', () => {
    const objects = kustomizeCluster(sov());
    expect(objects.filter((o) => o.kind === 'HelmRelease' && o.metadata.name.startsWith('bp-kserve')).map((o) => o.metadata.name).sort()).toEqual(['bp-kserve', 'bp-kserve-crd']);
  });
});
