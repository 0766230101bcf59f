import {
  CLUSTER_DIR, expectChartPin, expectIssueAt, helmReleaseNamed, instanceOf, kitSlot, kustomizeCluster,
  slotBlueprintVersion, slotObjects, sovereignWith, upstreamProvenance, valuesFor,
} from './kit-helpers';
import { closureOf, curatedChartValues, expectMatchesSlotSet, expectNoSecretMaterial, normalize, secretEnv, sovereignOf, withPath } from './wave2-helpers';
import { Loki, LOKI_CHART } from '../../blueprints/loki';
import { SeaweedFs } from '../../blueprints/seaweedfs';
import { synthesize } from '../../src/synth';

const SLOT = kitSlot('22-loki');
const S3 = { values: { storage: { backend: 'seaweedfs' as const } } };

describe('bp-loki', () => {
  test('pins the upstream loki chart recorded in the Blueprint chart', () => {
    const prov = upstreamProvenance('loki');
    expect(Loki.spec.upstream).toEqual([LOKI_CHART]);
    expect({ chart: LOKI_CHART.chart, version: LOKI_CHART.version, repo: LOKI_CHART.repository }).toEqual(prov);
  });

  test('defaults give the chart the upstream curated values (filesystem storage), plus a seccomp profile', () => {
    const values = valuesFor(instanceOf(sovereignOf(Loki), Loki), 'loki');
    // The one addition: the chart's non-root pod security context lacks the seccomp profile the
    // namespace's `restricted` Pod Security level requires; Helm merges this key into it.
    const expected = withPath(curatedChartValues('loki', 'loki', SLOT), 'loki.podSecurityContext', { seccompProfile: { type: 'RuntimeDefault' } });
    expect(normalize(values)).toEqual(expected);
    expect(values).toMatchObject({ deploymentMode: 'SingleBinary', loki: { storage: { type: 'filesystem' } }, minio: { enabled: false } });
  });

  test('the schema date is written as a string Helm and Loki read as a date string, not a timestamp', () => {
    const text = synthesize(sovereignOf(Loki)).files.get(`${CLUSTER_DIR}/bootstrap-kit/22-loki.yaml`) ?? '';
    expect(text).toMatch(/from: "2024-04-01"/);
  });

  test('the HelmRelease matches kit slot 22: waits for bp-seaweedfs, 15m timeout', () => {
    expect(Loki.spec.depends).toEqual([SeaweedFs]);
    const result = synthesize(sovereignOf(Loki));
    const objects = slotObjects(result, '22-loki.yaml');
    const hr = helmReleaseNamed(objects, 'bp-loki');
    expectMatchesSlotSet(hr, SLOT);
    expect(Loki.spec.version).toBe(slotBlueprintVersion(SLOT));
    expectChartPin(objects, hr, LOKI_CHART);
    expect(result.files.get(`${CLUSTER_DIR}/bootstrap-kit/22-loki.yaml`)).toMatchSnapshot();
  });

  test('typed query endpoint for Grafana', () => {
    const bp = instanceOf(sovereignOf(Loki), Loki);
    expect(bp.queryEndpoint).toBe('http://loki.loki.svc.cluster.local:3100');
    expect(bp.pushEndpoint).toBe('http://loki.loki.svc.cluster.local:3100/loki/api/v1/push');
  });

  test('seaweedfs storage: S3 endpoint from bp-seaweedfs, keys from the environment, buckets created', () => {
    const sov = sovereignOf(Loki, S3);
    const bp = instanceOf(sov, Loki);
    const s3 = instanceOf(sov, SeaweedFs);
    const values = valuesFor(bp, 'loki') as {
      loki: { storage: PlainStorage; schemaConfig: { configs: { object_store: string }[] } };
      singleBinary: { extraEnv: never[] };
    };
    expect(values.loki.storage).toEqual({
      type: 's3',
      bucketNames: { chunks: 'loki-chunks', ruler: 'loki-ruler', admin: 'loki-admin' },
      s3: { endpoint: s3.s3HostPort, region: 'us-east-1', s3ForcePathStyle: true, insecure: true },
    });
    expect(values.loki.schemaConfig.configs[0].object_store).toBe('s3');
    expect(secretEnv(values.singleBinary.extraEnv)).toEqual([
      'AWS_ACCESS_KEY_ID <- seaweedfs-s3-credentials/admin_access_key_id',
      'AWS_SECRET_ACCESS_KEY <- seaweedfs-s3-credentials/admin_secret_access_key',
    ]);
    const objects = slotObjects(synthesize(sov), '22-loki.yaml');
    const jobs = objects.filter((o) => o.kind === 'Job' && o.metadata.namespace === 'seaweedfs').map((o) => o.metadata.name).sort();
    expect(jobs).toEqual(['s3-bucket-loki-admin', 's3-bucket-loki-chunks', 's3-bucket-loki-ruler']);
    expectNoSecretMaterial(objects);
  });

  test('filesystem storage creates no bucket and copies no keys', () => {
    const objects = slotObjects(synthesize(sovereignOf(Loki)), '22-loki.yaml');
    expect(objects.filter((o) => o.kind !== 'NetworkPolicy').map((o) => o.kind).sort()).toEqual(['HelmRelease', 'HelmRepository', 'Namespace']);
    expect(objects.some((o) => o.kind === 'Job' || o.kind === 'CronJob')).toBe(false);
  });

  test('a bad override fails with the path of the field', () => {
    const c = closureOf(Loki, { values: { storage: { backend: 'gcs' as never }, schema: { from: '1st of April' } } });
    expectIssueAt(() => sovereignWith(c.uses), `${c.path}.values.storage.backend`);
    expectIssueAt(() => sovereignWith(c.uses), `${c.path}.values.schema.from`);
  });

  test('the cluster folder builds with kubectl kustomize (S3 mode)', () => {
    const objects = kustomizeCluster(sovereignOf(Loki, S3));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-loki')).toBe(true);
    expect(objects.some((o) => o.kind === 'Job' && o.metadata.name === 's3-bucket-loki-chunks')).toBe(true);
  });
});

type PlainStorage = Record<string, unknown>;
