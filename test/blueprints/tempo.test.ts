import {
  CLUSTER_DIR, expectChartPin, expectIssueAt, helmReleaseNamed, instanceOf, kitSlot, kustomizeCluster,
  slotBlueprintVersion, slotObjects, sovereignWith, upstreamProvenance, valuesFor,
} from './kit-helpers';
import { closureOf, curatedChartValues, expectMatchesSlotSet, expectNoSecretMaterial, normalize, secretEnv, sovereignOf } from './wave2-helpers';
import { SeaweedFs } from '../../blueprints/seaweedfs';
import { Tempo, TEMPO_CHART } from '../../blueprints/tempo';
import { synthesize } from '../../src/synth';

const SLOT = kitSlot('24-tempo');
const S3 = { values: { storage: { backend: 'seaweedfs' as const } } };

describe('bp-tempo', () => {
  test('pins the upstream tempo chart recorded in the Blueprint chart', () => {
    const prov = upstreamProvenance('tempo');
    expect(Tempo.spec.upstream).toEqual([TEMPO_CHART]);
    expect({ chart: TEMPO_CHART.chart, version: TEMPO_CHART.version, repo: TEMPO_CHART.repository }).toEqual(prov);
  });

  test('defaults give the chart exactly the upstream curated values (local storage)', () => {
    const values = valuesFor(instanceOf(sovereignOf(Tempo), Tempo), 'tempo');
    expect(normalize(values)).toEqual(curatedChartValues('tempo', 'tempo', SLOT));
    // No phoning home from a Sovereign.
    expect(values).toMatchObject({ tempo: { reportingEnabled: false, registry: 'docker.io', repository: 'grafana/tempo', tag: '2.9.0' } });
  });

  test('the HelmRelease matches kit slot 24: waits for bp-seaweedfs, 15m timeout', () => {
    expect(Tempo.spec.depends).toEqual([SeaweedFs]);
    const result = synthesize(sovereignOf(Tempo));
    const objects = slotObjects(result, '24-tempo.yaml');
    const hr = helmReleaseNamed(objects, 'bp-tempo');
    expectMatchesSlotSet(hr, SLOT);
    expect(Tempo.spec.version).toBe(slotBlueprintVersion(SLOT));
    expectChartPin(objects, hr, TEMPO_CHART);
    expect(result.files.get(`${CLUSTER_DIR}/bootstrap-kit/24-tempo.yaml`)).toMatchSnapshot();
  });

  test('typed query and OTLP endpoints', () => {
    const bp = instanceOf(sovereignOf(Tempo), Tempo);
    expect(bp.queryEndpoint).toBe('http://tempo.tempo.svc.cluster.local:3100');
    expect(bp.otlpGrpcEndpoint).toBe('http://tempo.tempo.svc.cluster.local:4317');
  });

  test('seaweedfs storage: S3 endpoint from bp-seaweedfs, keys from the environment, bucket created', () => {
    const sov = sovereignOf(Tempo, S3);
    const values = valuesFor(instanceOf(sov, Tempo), 'tempo') as { tempo: { storage: { trace: unknown }; extraEnv: never[] } };
    expect(values.tempo.storage.trace).toEqual({
      backend: 's3',
      s3: { bucket: 'tempo-traces', endpoint: instanceOf(sov, SeaweedFs).s3HostPort, region: 'us-east-1', insecure: true, forcepathstyle: true },
      wal: { path: '/var/tempo/wal' },
    });
    expect(secretEnv(values.tempo.extraEnv)).toEqual([
      'AWS_ACCESS_KEY_ID <- seaweedfs-s3-credentials/admin_access_key_id',
      'AWS_SECRET_ACCESS_KEY <- seaweedfs-s3-credentials/admin_secret_access_key',
    ]);
    const objects = slotObjects(synthesize(sov), '24-tempo.yaml');
    expect(objects.some((o) => o.kind === 'Job' && o.metadata.namespace === 'seaweedfs' && o.metadata.name === 's3-bucket-tempo-traces')).toBe(true);
    expectNoSecretMaterial(objects);
  });

  test('a bad override fails with the path of the field', () => {
    const c = closureOf(Tempo, { values: { replicas: 2, persistence: { accessModes: [] } } });
    expectIssueAt(() => sovereignWith(c.uses), `${c.path}.values.replicas`);
    expectIssueAt(() => sovereignWith(c.uses), `${c.path}.values.persistence.accessModes`);
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignOf(Tempo, S3));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-tempo')).toBe(true);
  });
});
