import {
  CLUSTER_DIR, expectChartPin, expectIssueAt, helmReleaseNamed, instanceOf, kitSlot, kustomizeCluster,
  slotBlueprintVersion, slotObjects, sovereignWith, upstreamProvenance, valuesFor,
} from './kit-helpers';
import { closureOf, curatedChartValues, expectMatchesSlotSet, normalize, sovereignOf } from './wave2-helpers';
import { Alloy, ALLOY_CHART } from '../../blueprints/alloy';
import { OpenTelemetry } from '../../blueprints/opentelemetry';
import { synthesize } from '../../src/synth';

const SLOT = kitSlot('21-alloy');

describe('bp-alloy', () => {
  test('pins the upstream alloy chart recorded in the Blueprint chart', () => {
    const prov = upstreamProvenance('alloy');
    expect(Alloy.spec.upstream).toEqual([ALLOY_CHART]);
    expect({ chart: ALLOY_CHART.chart, version: ALLOY_CHART.version, repo: ALLOY_CHART.repository }).toEqual(prov);
  });

  test('defaults give the chart exactly the upstream curated values', () => {
    const values = valuesFor(instanceOf(sovereignOf(Alloy), Alloy), 'alloy');
    expect(normalize(values)).toEqual(curatedChartValues('alloy', 'alloy', SLOT));
    // The typed image docker.io/grafana/alloy:v1.16.0 is split the way the chart wants it.
    expect(values).toMatchObject({ image: { registry: 'docker.io', repository: 'grafana/alloy', tag: 'v1.16.0' } });
  });

  test('the HelmRelease matches kit slot 21: waits for bp-opentelemetry, 15m timeout', () => {
    expect(Alloy.spec.depends).toEqual([OpenTelemetry]);
    const result = synthesize(sovereignOf(Alloy));
    const objects = slotObjects(result, '21-alloy.yaml');
    const hr = helmReleaseNamed(objects, 'bp-alloy');
    expectMatchesSlotSet(hr, SLOT);
    expect(hr.spec.dependsOn?.map((d) => d.name)).toEqual(['bp-opentelemetry']);
    expect(Alloy.spec.version).toBe(slotBlueprintVersion(SLOT));
    expectChartPin(objects, hr, ALLOY_CHART);
    expect(result.files.get(`${CLUSTER_DIR}/bootstrap-kit/21-alloy.yaml`)).toMatchSnapshot();
  });

  test('a pipeline configuration and a clustered deployment reach the chart', () => {
    const config = 'otelcol.receiver.otlp "default" {\n  grpc {}\n}\n';
    const bp = instanceOf(sovereignOf(Alloy, { values: { config, clustering: true, controller: { type: 'statefulset', replicas: 3 } } }), Alloy);
    expect(valuesFor(bp, 'alloy')).toMatchObject({
      alloy: { configMap: { create: true, content: config }, clustering: { enabled: true } },
      controller: { type: 'statefulset', replicas: 3 },
    });
    expect(bp.serviceName).toBe('alloy');
  });

  test('a bad override fails with the path of the field', () => {
    const c = closureOf(Alloy, { values: { controller: { type: 'job' as never }, storagePath: 'relative' } });
    expectIssueAt(() => sovereignWith(c.uses), `${c.path}.values.controller.type`);
    expectIssueAt(() => sovereignWith(c.uses), `${c.path}.values.storagePath`);
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignOf(Alloy));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-alloy')).toBe(true);
  });
});
