import {
  CLUSTER_DIR, expectChartPin, expectIssueAt, helmReleaseNamed, instanceOf, kitSlot, kustomizeCluster,
  slotBlueprintVersion, slotObjects, sovereignWith, upstreamProvenance, upstreamValues, valuesFor,
} from './kit-helpers';
import { closureOf, curatedChartValues, expectMatchesSlotSet, expectNoSecretMaterial, normalize, sovereignOf, withPath } from './wave2-helpers';
import { Cnpg } from '../../blueprints/cnpg';
import { Grafana, GRAFANA_CHART } from '../../blueprints/grafana';
import { Keycloak } from '../../blueprints/keycloak';
import { Loki } from '../../blueprints/loki';
import { Mimir } from '../../blueprints/mimir';
import { Tempo } from '../../blueprints/tempo';
import { blueprintSpec } from '../../src/blueprint';
import { synthesize } from '../../src/synth';

const SLOT = kitSlot('25-grafana');

interface Datasources {
  readonly 'datasources.yaml': { apiVersion: number; datasources: { name: string; type: string; uid: string; url: string; isDefault: boolean; jsonData?: unknown }[] };
}

describe('bp-grafana', () => {
  test('pins the upstream grafana chart recorded in the Blueprint chart', () => {
    const prov = upstreamProvenance('grafana');
    expect(Grafana.spec.upstream).toEqual([GRAFANA_CHART]);
    expect({ chart: GRAFANA_CHART.chart, version: GRAFANA_CHART.version, repo: GRAFANA_CHART.repository }).toEqual(prov);
  });

  test('defaults give the chart the upstream curated values, with the datasources upstream left empty', () => {
    const values = valuesFor(instanceOf(sovereignOf(Grafana), Grafana), 'grafana');
    expect((upstreamValues('grafana').grafana as { datasources: unknown }).datasources).toEqual({});
    // The one deliberate difference: `datasources` is provisioned from the backends' typed endpoints.
    expect(withPath(normalize(values) as Record<string, unknown>, 'datasources', {})).toEqual(curatedChartValues('grafana', 'grafana', SLOT));
    expect(values).toMatchObject({ image: { repository: 'grafana/grafana', tag: '12.3.1' }, serviceMonitor: { enabled: false } });
  });

  test('the datasources are the query endpoints of bp-mimir, bp-loki and bp-tempo', () => {
    const sov = sovereignOf(Grafana);
    const values = valuesFor(instanceOf(sov, Grafana), 'grafana') as { datasources: Datasources };
    const list = values.datasources['datasources.yaml'].datasources;
    expect(values.datasources['datasources.yaml'].apiVersion).toBe(1);
    expect(list.map((d) => [d.name, d.type, d.url, d.isDefault])).toEqual([
      ['Mimir', 'prometheus', instanceOf(sov, Mimir).queryEndpoint, true],
      ['Loki', 'loki', instanceOf(sov, Loki).queryEndpoint, false],
      ['Tempo', 'tempo', instanceOf(sov, Tempo).queryEndpoint, false],
    ]);
    expect(list.map((d) => d.url)).toEqual([
      'http://mimir-gateway.mimir.svc.cluster.local/prometheus',
      'http://loki.loki.svc.cluster.local:3100',
      'http://tempo.tempo.svc.cluster.local:3100',
    ]);
    // Traces link to their logs and to the service graph.
    expect(list[2].jsonData).toEqual({ tracesToLogsV2: { datasourceUid: 'loki', filterByTraceID: true }, serviceMap: { datasourceUid: 'mimir' } });
  });

  test('a backend in another release or namespace moves its datasource with it', () => {
    class MovedLoki extends Loki {
      public static readonly spec = blueprintSpec({ ...Loki.spec, namespace: 'logging', releaseName: 'logs' });
    }
    const c = closureOf(Grafana);
    const sov = sovereignWith(c.uses.map((u) => (u.blueprint === Loki ? { ...u, blueprint: MovedLoki } : u)));
    const values = valuesFor(instanceOf(sov, Grafana), 'grafana') as { datasources: Datasources };
    expect(values.datasources['datasources.yaml'].datasources.find((d) => d.type === 'loki')?.url).toBe('http://logs-loki.logging.svc.cluster.local:3100');
  });

  test('datasources can be switched off one by one; the default moves to the first remaining', () => {
    const values = valuesFor(instanceOf(sovereignOf(Grafana, { values: { datasources: { mimir: false } } }), Grafana), 'grafana') as { datasources: Datasources };
    const list = values.datasources['datasources.yaml'].datasources;
    expect(list.map((d) => `${d.name}:${d.isDefault}`)).toEqual(['Loki:true', 'Tempo:false']);
    const none = valuesFor(instanceOf(sovereignOf(Grafana, { values: { datasources: { mimir: false, loki: false, tempo: false } } }), Grafana), 'grafana');
    expect(none).toMatchObject({ datasources: {} });
  });

  test('the HelmRelease matches kit slot 25: waits for cnpg, loki, mimir, tempo and keycloak', () => {
    expect(Grafana.spec.depends).toEqual([Cnpg, Loki, Mimir, Tempo, Keycloak]);
    const result = synthesize(sovereignOf(Grafana));
    const objects = slotObjects(result, '25-grafana.yaml');
    const hr = helmReleaseNamed(objects, 'bp-grafana');
    expectMatchesSlotSet(hr, SLOT);
    expect(Grafana.spec.version).toBe(slotBlueprintVersion(SLOT));
    expectChartPin(objects, hr, GRAFANA_CHART);
    expect(result.files.get(`${CLUSTER_DIR}/bootstrap-kit/25-grafana.yaml`)).toMatchSnapshot();
  });

  test('admin password: generated by the chart, or your own Secret', () => {
    const bp = instanceOf(sovereignOf(Grafana), Grafana);
    expect(bp.adminCredentials).toEqual({ secretName: 'grafana', key: 'admin-password' });
    expect(valuesFor(bp, 'grafana')).not.toHaveProperty('adminPassword');
    const own = instanceOf(sovereignOf(Grafana, { values: { admin: { existingSecret: 'grafana-admin' } } }), Grafana);
    expect(valuesFor(own, 'grafana')).toMatchObject({ admin: { existingSecret: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' } });
    expect(own.adminCredentials.secretName).toBe('grafana-admin');
    expectNoSecretMaterial(slotObjects(synthesize(sovereignOf(Grafana)), '25-grafana.yaml'));
  });

  test('a bad override fails with the path of the field', () => {
    const c = closureOf(Grafana, { values: { replicas: 2, datasources: { prometheus: true } as never } });
    expectIssueAt(() => sovereignWith(c.uses), `${c.path}.values.replicas`);
    expectIssueAt(() => sovereignWith(c.uses), `${c.path}.values.datasources.prometheus`);
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignOf(Grafana));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-grafana')).toBe(true);
  });
});
