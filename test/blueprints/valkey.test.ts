import {
  CLUSTER_DIR, expectChartPin, expectIssueAt, helmReleaseNamed, instanceOf, kitSlot, kustomizeCluster,
  slotBlueprintVersion, slotObjects, sovereignWith, upstreamProvenance, valuesFor,
} from './kit-helpers';
import { closureOf, curatedChartValues, expectMatchesSlotSet, expectNoSecretMaterial, sovereignOf } from './wave2-helpers';
import { Flux } from '../../blueprints/flux';
import { Valkey, VALKEY_CHART } from '../../blueprints/valkey';
import { synthesize } from '../../src/synth';

const SLOT = kitSlot('17-valkey');

describe('bp-valkey', () => {
  test('pins the upstream Bitnami valkey chart recorded in the Blueprint chart', () => {
    const prov = upstreamProvenance('valkey');
    expect(Valkey.spec.upstream).toEqual([VALKEY_CHART]);
    expect({ chart: VALKEY_CHART.chart, version: VALKEY_CHART.version, repo: VALKEY_CHART.repository }).toEqual(prov);
  });

  test('defaults give the chart exactly the upstream curated values', () => {
    const values = valuesFor(instanceOf(sovereignOf(Valkey), Valkey), 'valkey');
    expect(values).toEqual(curatedChartValues('valkey', 'valkey', SLOT));
    expect(values).toMatchObject({ metrics: { enabled: false, serviceMonitor: { enabled: false }, prometheusRule: { enabled: false } } });
  });

  test('depends on bp-flux (§3.2) and the HelmRelease matches kit slot 17', () => {
    expect(Valkey.spec.depends).toEqual([Flux]);
    const result = synthesize(sovereignOf(Valkey));
    const objects = slotObjects(result, '17-valkey.yaml');
    const hr = helmReleaseNamed(objects, 'bp-valkey');
    expectMatchesSlotSet(hr, SLOT);
    expect(hr.spec.dependsOn?.map((d) => d.name)).toEqual(['bp-flux']);
    expect(Valkey.spec.version).toBe(slotBlueprintVersion(SLOT));
    expectChartPin(objects, hr, VALKEY_CHART);
    const text = result.files.get(`${CLUSTER_DIR}/bootstrap-kit/17-valkey.yaml`);
    // Upstream labelled this Namespace with the never-substituted SOVEREIGN_FQDN_PLACEHOLDER.
    expect(text).not.toContain('SOVEREIGN_FQDN_PLACEHOLDER');
    expect(objects.find((o) => o.kind === 'Namespace')?.metadata.labels?.['catalyst.openova.io/sovereign']).toBe('${SOVEREIGN_FQDN}');
    expect(text).toMatchSnapshot();
  });

  test('typed outputs: primary host and the chart-generated password Secret', () => {
    const bp = instanceOf(sovereignOf(Valkey), Valkey);
    expect(bp.host).toBe('valkey-primary.valkey.svc.cluster.local');
    expect(bp.port).toBe(6379);
    expect(bp.credentials).toEqual({ secretName: 'valkey', key: 'valkey-password' });
    expect(bp.outputs()).toEqual({ host: bp.host, port: '6379' });
  });

  test('an existing Secret replaces the generated password; auth off makes credentials an error', () => {
    const own = instanceOf(sovereignOf(Valkey, { values: { auth: { existingSecret: 'my-valkey' } } }), Valkey);
    expect(valuesFor(own, 'valkey')).toMatchObject({ auth: { enabled: true, existingSecret: 'my-valkey', existingSecretPasswordKey: 'valkey-password' } });
    expect(own.credentials.secretName).toBe('my-valkey');
    const c = closureOf(Valkey, { values: { auth: { enabled: false } } });
    expectIssueAt(() => instanceOf(sovereignWith(c.uses), Valkey).credentials, `${c.path}.values.auth.enabled`);
  });

  test('an image override is pinned and passed in Bitnami\'s split form', () => {
    const bp = instanceOf(sovereignOf(Valkey, { values: { image: { repository: 'docker.io/bitnamilegacy/valkey', tag: '8.1.1-debian-12-r1' } } }), Valkey);
    expect(valuesFor(bp, 'valkey')).toMatchObject({
      global: { security: { allowInsecureImages: true } },
      image: { registry: 'docker.io', repository: 'bitnamilegacy/valkey', tag: '8.1.1-debian-12-r1' },
    });
    const c = closureOf(Valkey, { values: { image: { repository: 'docker.io/bitnamilegacy/valkey', tag: 'latest' } } });
    expectIssueAt(() => sovereignWith(c.uses), `${c.path}.values.image.tag`);
  });

  test('metrics toggles: the monitors follow metrics', () => {
    const on = instanceOf(sovereignOf(Valkey, { values: { monitoring: { metrics: true, serviceMonitor: true } } }), Valkey);
    expect(valuesFor(on, 'valkey')).toMatchObject({ metrics: { enabled: true, serviceMonitor: { enabled: true }, prometheusRule: { enabled: false } } });
    const orphan = instanceOf(sovereignOf(Valkey, { values: { monitoring: { serviceMonitor: true } } }), Valkey);
    expect(valuesFor(orphan, 'valkey')).toMatchObject({ metrics: { enabled: false, serviceMonitor: { enabled: false } } });
  });

  test('no secret material is written', () => {
    expectNoSecretMaterial(slotObjects(synthesize(sovereignOf(Valkey)), '17-valkey.yaml'));
  });

  test('a bad override fails with the path of the field', () => {
    const c = closureOf(Valkey, { values: { architecture: 'cluster' as never, primary: { persistence: { size: 'big' } } } });
    expectIssueAt(() => sovereignWith(c.uses), `${c.path}.values.architecture`);
    expectIssueAt(() => sovereignWith(c.uses), `${c.path}.values.primary.persistence.size`);
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignOf(Valkey));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-valkey')).toBe(true);
    expect(objects.some((o) => o.kind === 'Namespace' && o.metadata.name === 'valkey')).toBe(true);
  });
});
