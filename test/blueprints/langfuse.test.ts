import {
  CLUSTER_DIR, expectChartPin, expectIssueAt, helmReleaseNamed, instanceOf, kitSlot, kustomizeCluster,
  slotBlueprintVersion, slotObjects, sovereignWith, upstreamProvenance, upstreamValues, valuesFor,
} from './kit-helpers';
import {
  allSlotObjects, closureOf, curatedChartValues, expectMatchesSlotSet, expectNoSecretMaterial, infraObjects, normalize, runGenerator,
  sovereignOf, withPath,
} from './wave2-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { Cnpg } from '../../blueprints/cnpg';
import { Keycloak } from '../../blueprints/keycloak';
import { Langfuse, LANGFUSE_CHART } from '../../blueprints/langfuse';
import { SeaweedFs } from '../../blueprints/seaweedfs';
import { blueprintSpec } from '../../src/blueprint';
import { synthesize } from '../../src/synth';
import { PlainObject } from '../../src/values';
import { K8sObject } from '../support/tools';

const SLOT = kitSlot('26-langfuse');

/**
 * The upstream curated values with the documented fixes:
 *  - S3 endpoint from bp-seaweedfs's `s3Endpoint` (upstream: seaweedfs-s3.openova-system, a
 *    namespace SeaweedFS does not run in) and keys from the Secret copied out of it (upstream
 *    named `langfuse-s3-secret`, which nothing creates);
 *  - database user and Secret from the CNPG Cluster this Blueprint creates (upstream: the
 *    `postgres` superuser and `langfuse-postgresql-secret`, which nothing creates);
 *  - NEXTAUTH_URL from the FQDN token (upstream: empty).
 */
function expectedValues(): PlainObject {
  let v = curatedChartValues('langfuse', 'langfuse', SLOT);
  v = withPath(v, 'langfuse.nextauth.url', 'https://langfuse.${SOVEREIGN_FQDN}');
  v = withPath(v, 'postgresql.auth.username', 'langfuse');
  v = withPath(v, 'postgresql.auth.existingSecret', 'langfuse-postgres-app');
  v = withPath(v, 's3.endpoint', 'http://seaweedfs-s3.seaweedfs.svc.cluster.local:8333');
  v = withPath(v, 's3.accessKeyId', { secretKeyRef: { name: 'seaweedfs-s3-credentials', key: 'admin_access_key_id' } });
  v = withPath(v, 's3.secretAccessKey', { secretKeyRef: { name: 'seaweedfs-s3-credentials', key: 'admin_secret_access_key' } });
  return v;
}

interface JobObj extends K8sObject {
  readonly spec: { template: { spec: { containers: { command: string[] }[] } } };
}

describe('bp-langfuse', () => {
  test('pins the upstream langfuse chart recorded in the Blueprint chart', () => {
    const prov = upstreamProvenance('langfuse');
    expect(Langfuse.spec.upstream).toEqual([LANGFUSE_CHART]);
    expect({ chart: LANGFUSE_CHART.chart, version: LANGFUSE_CHART.version, repo: LANGFUSE_CHART.repository }).toEqual(prov);
  });

  test('defaults give the chart the upstream curated values with the documented fixes only', () => {
    const values = valuesFor(instanceOf(sovereignOf(Langfuse), Langfuse), 'langfuse');
    expect(normalize(values)).toEqual(expectedValues());
    expect(JSON.stringify(values)).not.toContain('openova-system');
    expect(values).toMatchObject({ langfuse: { image: { tag: '3.171.0' }, features: { telemetryEnabled: false } } });
  });

  test('the HelmRelease matches kit slot 26, plus bp-seaweedfs whose S3 endpoint it uses', () => {
    expect(Langfuse.spec.depends).toEqual([Cnpg, Keycloak, CertManager, SeaweedFs]);
    const result = synthesize(sovereignOf(Langfuse));
    const objects = slotObjects(result, '26-langfuse.yaml');
    const hr = helmReleaseNamed(objects, 'bp-langfuse');
    // §3.2 lists cnpg, keycloak, cert-manager; the upstream values used SeaweedFS without the edge.
    expectMatchesSlotSet(hr, SLOT, ['bp-seaweedfs']);
    expect(Langfuse.spec.version).toBe(slotBlueprintVersion(SLOT));
    expectChartPin(objects, hr, LANGFUSE_CHART);
    expect(result.files.get(`${CLUSTER_DIR}/bootstrap-kit/26-langfuse.yaml`)).toMatchSnapshot();
  });

  test('the S3 endpoint is bp-seaweedfs\'s typed output and follows it; the bucket is created', () => {
    const curated = (upstreamValues('langfuse').langfuse as { s3: { endpoint: string } }).s3.endpoint;
    class MovedSeaweedFs extends SeaweedFs {
      public static readonly spec = blueprintSpec({ ...SeaweedFs.spec, namespace: 'objects' });
    }
    const c = closureOf(Langfuse);
    const sov = sovereignWith(c.uses.map((u) => (u.blueprint === SeaweedFs ? { ...u, blueprint: MovedSeaweedFs } : u)));
    const values = valuesFor(instanceOf(sov, Langfuse), 'langfuse') as { s3: { endpoint: string; bucket: string } };
    expect(values.s3.endpoint).toBe('http://seaweedfs-s3.objects.svc.cluster.local:8333');
    expect(values.s3.endpoint).not.toBe(curated);
    const objects = allSlotObjects(synthesize(sov), '26-langfuse.yaml');
    expect(objects.find((o) => o.kind === 'Job' && o.metadata.name === 's3-bucket-langfuse')?.metadata.namespace).toBe('objects');
  });

  test('PostgreSQL: a CNPG Cluster named as the upstream host expected, in infrastructure/', () => {
    const result = synthesize(sovereignOf(Langfuse));
    const cluster = infraObjects(result, '26-langfuse.yaml').find((o) => o.kind === 'Cluster');
    expect(cluster).toMatchObject({
      metadata: { name: 'langfuse-postgres', namespace: 'langfuse' },
      spec: { instances: 1, storage: { size: '20Gi' }, bootstrap: { initdb: { database: 'postgres_langfuse', owner: 'langfuse' } } },
    });
    const curatedHost = (upstreamValues('langfuse').langfuse as { postgresql: { host: string } }).postgresql.host;
    expect(`${cluster!.metadata.name}-rw`).toBe(curatedHost);
  });

  test('salt, encryption key and NextAuth secret are generated in-cluster, the key as 64 hex digits', () => {
    const objects = allSlotObjects(synthesize(sovereignOf(Langfuse)), '26-langfuse.yaml');
    const job = objects.find((o) => o.kind === 'Job' && o.metadata.name === 'langfuse-secrets-generator') as JobObj;
    expect(job.metadata.namespace).toBe('langfuse');
    const secret = runGenerator(job.spec.template.spec.containers[0].command[2]);
    expect(secret.metadata).toMatchObject({ name: 'langfuse-secrets', namespace: 'langfuse' });
    expect(secret.stringData.encryptionKey).toMatch(/^[0-9a-f]{64}$/);
    expect(secret.stringData.salt).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(secret.stringData.nextauthSecret).toMatch(/^[A-Za-z0-9]{32}$/);
    expectNoSecretMaterial(objects);
  });

  test('your own Secret replaces the generated one', () => {
    const sov = sovereignOf(Langfuse, { values: { existingSecret: 'my-langfuse' } });
    expect(valuesFor(instanceOf(sov, Langfuse), 'langfuse')).toMatchObject({ langfuse: { salt: { secretKeyRef: { name: 'my-langfuse', key: 'salt' } } } });
    expect(allSlotObjects(synthesize(sov), '26-langfuse.yaml').some((o) => o.metadata.name === 'langfuse-secrets-generator')).toBe(false);
  });

  test('a bad override fails with the path of the field', () => {
    const c = closureOf(Langfuse, { values: { imageTag: 'latest', redis: { port: 0 } } });
    expectIssueAt(() => sovereignWith(c.uses), `${c.path}.values.imageTag`);
    expectIssueAt(() => sovereignWith(c.uses), `${c.path}.values.redis.port`);
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignOf(Langfuse));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-langfuse')).toBe(true);
    expect(objects.some((o) => o.kind === 'Cluster' && o.metadata.name === 'langfuse-postgres')).toBe(true);
  });
});
