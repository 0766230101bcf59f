import {
  CLUSTER_DIR, expectChartPin, expectIssueAt, helmReleaseNamed, instanceOf, kitSlot, kustomizeCluster,
  slotBlueprintVersion, slotObjects, sovereignWith, upstreamProvenance, upstreamValues, valuesFor,
} from './kit-helpers';
import { closureOf, curatedChartValues, expectMatchesSlotSet, normalize, sovereignOf, withPath } from './wave2-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { OPENTELEMETRY_COLLECTOR_CHART, OpenTelemetry } from '../../blueprints/opentelemetry';
import { synthesize } from '../../src/synth';

const SLOT = kitSlot('20-opentelemetry');

describe('bp-opentelemetry', () => {
  test('pins the upstream opentelemetry-collector chart recorded in the Blueprint chart', () => {
    const prov = upstreamProvenance('opentelemetry');
    expect(OpenTelemetry.spec.upstream).toEqual([OPENTELEMETRY_COLLECTOR_CHART]);
    const c = OPENTELEMETRY_COLLECTOR_CHART;
    expect({ chart: c.chart, version: c.version, repo: c.repository }).toEqual(prov);
  });

  test('defaults give the chart the upstream curated values, plus restricted security contexts', () => {
    const values = valuesFor(instanceOf(sovereignOf(OpenTelemetry), OpenTelemetry), 'opentelemetry-collector');
    // The one addition: the chart ships empty security contexts, the namespace enforces `restricted`.
    let expected = withPath(curatedChartValues('opentelemetry', 'opentelemetry-collector', SLOT), 'podSecurityContext', {
      runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' },
    });
    expected = withPath(expected, 'securityContext', { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(normalize(values)).toEqual(expected);
    // The contrib image and its binary name go together; the tag is pinned.
    expect(values).toMatchObject({ image: { repository: 'otel/opentelemetry-collector-contrib', tag: '0.150.1' }, command: { name: 'otelcol-contrib' } });
  });

  test('the upstream overlay key opentelemetryOverlay.networkPolicy had no template: not modelled', () => {
    expect(upstreamValues('opentelemetry').opentelemetryOverlay).toEqual({ networkPolicy: { enabled: false } });
    expect(Object.keys(OpenTelemetry.spec.defaults)).not.toContain('opentelemetryOverlay');
    // The chart's own NetworkPolicy switch is the typed `networkPolicy`.
    const on = instanceOf(sovereignOf(OpenTelemetry, { values: { networkPolicy: true } }), OpenTelemetry);
    expect(valuesFor(on, 'opentelemetry-collector')).toMatchObject({ networkPolicy: { enabled: true } });
  });

  test('the HelmRelease matches kit slot 20: waits for bp-cert-manager, 15m timeout', () => {
    expect(OpenTelemetry.spec.depends).toEqual([CertManager]);
    const result = synthesize(sovereignOf(OpenTelemetry));
    const objects = slotObjects(result, '20-opentelemetry.yaml');
    const hr = helmReleaseNamed(objects, 'bp-opentelemetry');
    expectMatchesSlotSet(hr, SLOT);
    expect(hr.spec.timeout).toBe('15m');
    // Workloads anywhere send OTLP: the namespace admits the two OTLP ports from the cluster.
    expect(objects.find((o) => o.kind === 'Namespace')?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const fromCluster = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-ingress-from-cluster') as unknown as { spec: { ingress: { ports: { port: number }[] }[] } };
    expect(fromCluster.spec.ingress[0].ports.map((p) => p.port)).toEqual([4317, 4318]);
    expect(OpenTelemetry.spec.version).toBe(slotBlueprintVersion(SLOT));
    expectChartPin(objects, hr, OPENTELEMETRY_COLLECTOR_CHART);
    expect(result.files.get(`${CLUSTER_DIR}/bootstrap-kit/20-opentelemetry.yaml`)).toMatchSnapshot();
  });

  test('typed OTLP endpoints from the chart fullname', () => {
    const bp = instanceOf(sovereignOf(OpenTelemetry), OpenTelemetry);
    // The release name does not contain the chart name, so the chart prefixes it.
    expect(bp.serviceName).toBe('opentelemetry-opentelemetry-collector');
    expect(bp.otlpGrpcEndpoint).toBe('http://opentelemetry-opentelemetry-collector.opentelemetry.svc.cluster.local:4317');
    expect(bp.otlpHttpEndpoint).toBe('http://opentelemetry-opentelemetry-collector.opentelemetry.svc.cluster.local:4318');
    expect(bp.outputs()).toEqual({ otlpGrpcEndpoint: bp.otlpGrpcEndpoint, otlpHttpEndpoint: bp.otlpHttpEndpoint });
  });

  test('overrides reach the chart: daemonset mode with the k8s presets', () => {
    const bp = instanceOf(sovereignOf(OpenTelemetry, { values: { mode: 'daemonset', presets: { logsCollection: true, kubernetesAttributes: true } } }), OpenTelemetry);
    expect(valuesFor(bp, 'opentelemetry-collector')).toMatchObject({
      mode: 'daemonset',
      presets: { logsCollection: { enabled: true }, kubernetesAttributes: { enabled: true }, hostMetrics: { enabled: false } },
    });
  });

  test('a bad override fails with the path of the field', () => {
    const c = closureOf(OpenTelemetry, { values: { mode: 'sidecar' as never, image: { repository: 'otel/opentelemetry-collector-contrib', tag: 'latest' } } });
    expectIssueAt(() => sovereignWith(c.uses), `${c.path}.values.mode`);
    expectIssueAt(() => sovereignWith(c.uses), `${c.path}.values.image.tag`);
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignOf(OpenTelemetry));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-opentelemetry')).toBe(true);
    expect(objects.some((o) => o.kind === 'Namespace' && o.metadata.name === 'opentelemetry')).toBe(true);
  });
});
