import {
  CLUSTER_DIR, expectChartPin, expectedChartValues, expectIssueAt, expectMatchesSlot, helmReleaseNamed, instanceOf,
  kitSlot, kustomizeCluster, slotBlueprintVersion, slotObjects, sovereignWith, upstreamProvenance, valuesFor,
} from './kit-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { Cilium } from '../../blueprints/cilium';
import { OPENBAO_CHART, OpenBao } from '../../blueprints/openbao';
import { Spire } from '../../blueprints/spire';
import { use } from '../../src/sovereign';
import { synthesize } from '../../src/synth';
import { PlainObject } from '../../src/values';

const SLOT = kitSlot('08-openbao');
const base = () => [use(Cilium), use(CertManager), use(Spire)];

/**
 * The upstream curated values with the one deliberate fix: the top-level `serviceMonitor` key is
 * not read by the openbao chart; its switch is `serverTelemetry.serviceMonitor.enabled`.
 */
function expectedValues(): PlainObject {
  const { serviceMonitor, ...rest } = expectedChartValues('openbao', 'openbao', SLOT) as { serviceMonitor: unknown };
  return { ...rest, serverTelemetry: { serviceMonitor } };
}

describe('bp-openbao', () => {
  test('pins the upstream openbao chart recorded in the Blueprint chart', () => {
    const prov = upstreamProvenance('openbao');
    expect(OpenBao.spec.upstream).toEqual([OPENBAO_CHART]);
    expect({ chart: OPENBAO_CHART.chart, version: OPENBAO_CHART.version, repo: OPENBAO_CHART.repository }).toEqual(prov);
  });

  test('defaults give the chart the upstream curated values, the ServiceMonitor switch where the chart reads it', () => {
    const values = valuesFor(instanceOf(sovereignWith([...base(), use(OpenBao)]), OpenBao), 'openbao');
    expect(values).toEqual(expectedValues());
    expect(values).not.toHaveProperty('serviceMonitor');
    expect(values).toMatchObject({
      server: { ha: { enabled: true, replicas: 3, raft: { enabled: true } } },
      injector: { metrics: { enabled: false } },
      serverTelemetry: { serviceMonitor: { enabled: false } },
    });
  });

  test('the HelmRelease matches kit slot 08 and waits for bp-spire', () => {
    const result = synthesize(sovereignWith([...base(), use(OpenBao)]));
    const objects = slotObjects(result, '08-openbao.yaml');
    const hr = helmReleaseNamed(objects, 'bp-openbao');
    expectMatchesSlot(hr, SLOT);
    expect(hr.spec.dependsOn?.map((d) => d.name)).toEqual(['bp-spire']);
    expect(OpenBao.spec.version).toBe(slotBlueprintVersion(SLOT));
    expectChartPin(objects, hr, OPENBAO_CHART);
    expect(hr.spec.values).toEqual(expectedValues());
    expect(result.files.get(`${CLUSTER_DIR}/bootstrap-kit/08-openbao.yaml`)).toMatchSnapshot();
  });

  test('address is the in-cluster URL of the chart Service, derived from release and namespace', () => {
    const bp = instanceOf(sovereignWith([...base(), use(OpenBao)]), OpenBao);
    expect(bp.serviceName).toBe(bp.releaseName);
    expect(bp.address).toBe(`http://${bp.releaseName}.${bp.namespace}.svc.cluster.local:8200`);
    // The URL External Secrets' ClusterSecretStore used upstream (kit slot 15).
    expect(bp.address).toBe('http://openbao.openbao.svc.cluster.local:8200');
    expect(bp.outputs()).toEqual({ address: bp.address });
  });

  test('no secret material is written: no Secret objects and no token or key in the values', () => {
    const result = synthesize(sovereignWith([...base(), use(OpenBao)]));
    const text = result.files.get(`${CLUSTER_DIR}/bootstrap-kit/08-openbao.yaml`) ?? '';
    expect(slotObjects(result, '08-openbao.yaml').filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(text).not.toMatch(/token|unseal|password/i);
  });

  test('a user override reaches the HelmRelease values', () => {
    const result = synthesize(sovereignWith([
      ...base(),
      use(OpenBao, { values: { ha: { replicas: 5 }, storageSize: '20Gi', monitoring: { serviceMonitor: true } } }),
    ]));
    const values = helmReleaseNamed(slotObjects(result, '08-openbao.yaml'), 'bp-openbao').spec.values;
    expect(values).toMatchObject({
      server: { ha: { enabled: true, replicas: 5, raft: { enabled: true } }, dataStorage: { size: '20Gi' } },
      serverTelemetry: { serviceMonitor: { enabled: true } },
    });
  });

  test('a bad override fails with the path of the field', () => {
    const message = expectIssueAt(
      () => sovereignWith([...base(), use(OpenBao, { values: { ha: { replicas: 0 } } })]),
      'sovereign.blueprints[3].values.ha.replicas',
    );
    expect(message).toContain('>= 1');
    expectIssueAt(
      () => sovereignWith([...base(), use(OpenBao, { values: { serviceMonitor: { enabled: true } } as never })]),
      'sovereign.blueprints[3].values.serviceMonitor',
    );
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignWith([...base(), use(OpenBao)]));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-openbao')).toBe(true);
    expect(objects.some((o) => o.kind === 'Namespace' && o.metadata.name === 'openbao')).toBe(true);
  });
});
