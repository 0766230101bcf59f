import {
  CLUSTER_DIR, expectChartPin, expectIssueAt, helmReleaseNamed, instanceOf, kitSlot, kustomizeCluster,
  slotBlueprintVersion, slotObjects, sovereignWith, upstreamProvenance, valuesFor,
} from './kit-helpers';
import { closureOf, curatedChartValues, expectMatchesSlotSet, expectNoSecretMaterial, normalize, secretEnv, sovereignOf } from './wave2-helpers';
import { Mimir, MIMIR_CHART } from '../../blueprints/mimir';
import { SeaweedFs } from '../../blueprints/seaweedfs';
import { synthesize } from '../../src/synth';

const SLOT = kitSlot('23-mimir');
const S3 = { values: { storage: { backend: 'seaweedfs' as const } } };

describe('bp-mimir', () => {
  test('pins the upstream mimir-distributed chart recorded in the Blueprint chart', () => {
    const prov = upstreamProvenance('mimir');
    expect(Mimir.spec.upstream).toEqual([MIMIR_CHART]);
    expect({ chart: MIMIR_CHART.chart, version: MIMIR_CHART.version, repo: MIMIR_CHART.repository }).toEqual(prov);
  });

  test('defaults give the chart exactly the upstream curated values (bundled MinIO)', () => {
    const values = valuesFor(instanceOf(sovereignOf(Mimir), Mimir), 'mimir-distributed');
    expect(normalize(values)).toEqual(curatedChartValues('mimir', 'mimir-distributed', SLOT));
    expect(values).toMatchObject({ minio: { enabled: true }, gateway: { enabled: true } });
  });

  test('the HelmRelease matches kit slot 23: waits for bp-seaweedfs, 15m timeout', () => {
    expect(Mimir.spec.depends).toEqual([SeaweedFs]);
    const result = synthesize(sovereignOf(Mimir));
    const objects = slotObjects(result, '23-mimir.yaml');
    const hr = helmReleaseNamed(objects, 'bp-mimir');
    expectMatchesSlotSet(hr, SLOT);
    expect(Mimir.spec.version).toBe(slotBlueprintVersion(SLOT));
    expectChartPin(objects, hr, MIMIR_CHART);
    expect(result.files.get(`${CLUSTER_DIR}/bootstrap-kit/23-mimir.yaml`)).toMatchSnapshot();
  });

  test('typed query endpoint: through the gateway, or the query-frontend without it', () => {
    const bp = instanceOf(sovereignOf(Mimir), Mimir);
    expect(bp.fullname).toBe('mimir');
    expect(bp.queryEndpoint).toBe('http://mimir-gateway.mimir.svc.cluster.local/prometheus');
    expect(bp.remoteWriteEndpoint).toBe('http://mimir-gateway.mimir.svc.cluster.local/api/v1/push');
    const direct = instanceOf(sovereignOf(Mimir, { values: { gateway: false } }), Mimir);
    expect(direct.queryEndpoint).toBe('http://mimir-query-frontend.mimir.svc.cluster.local:8080/prometheus');
  });

  test('seaweedfs storage: MinIO off, S3 endpoint from bp-seaweedfs, one bucket per store, keys from the environment', () => {
    const sov = sovereignOf(Mimir, S3);
    const values = valuesFor(instanceOf(sov, Mimir), 'mimir-distributed') as { minio: unknown; global: { extraEnv: never[] }; mimir: { structuredConfig: unknown } };
    expect(values.minio).toEqual({ enabled: false });
    expect(values.mimir.structuredConfig).toEqual({
      common: { storage: { backend: 's3', s3: { endpoint: instanceOf(sov, SeaweedFs).s3HostPort, region: 'us-east-1', insecure: true } } },
      blocks_storage: { s3: { bucket_name: 'mimir-blocks' } },
      alertmanager_storage: { s3: { bucket_name: 'mimir-alertmanager' } },
      ruler_storage: { s3: { bucket_name: 'mimir-ruler' } },
    });
    expect(secretEnv(values.global.extraEnv)).toEqual([
      'AWS_ACCESS_KEY_ID <- seaweedfs-s3-credentials/admin_access_key_id',
      'AWS_SECRET_ACCESS_KEY <- seaweedfs-s3-credentials/admin_secret_access_key',
    ]);
    const objects = slotObjects(synthesize(sov), '23-mimir.yaml');
    expect(objects.filter((o) => o.kind === 'Job' && o.metadata.namespace === 'seaweedfs').map((o) => o.metadata.name).sort())
      .toEqual(['s3-bucket-mimir-alertmanager', 's3-bucket-mimir-blocks', 's3-bucket-mimir-ruler']);
    expectNoSecretMaterial(objects);
  });

  test('zone-aware replication without three replicas per zoned component fails with the path', () => {
    const c = closureOf(Mimir, { values: { zoneAwareReplication: true } });
    expectIssueAt(() => synthesize(sovereignWith(c.uses)), `${c.path}.values.zoneAwareReplication`);
  });

  test('a bad override fails with the path of the field', () => {
    const c = closureOf(Mimir, { values: { replicas: { ingester: 0 }, storage: { backend: 's3' as never } } });
    expectIssueAt(() => sovereignWith(c.uses), `${c.path}.values.replicas.ingester`);
    expectIssueAt(() => sovereignWith(c.uses), `${c.path}.values.storage.backend`);
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignOf(Mimir, S3));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-mimir')).toBe(true);
  });
});
