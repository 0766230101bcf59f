import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import {
  CLUSTER_DIR, expectChartPin, expectIssueAt, helmReleaseNamed, instanceOf, kitSlot, kustomizeCluster,
  slotBlueprintVersion, slotObjects, sovereignWith, upstreamProvenance, upstreamValues, valuesFor,
} from './kit-helpers';
import {
  closureOf, curatedChartValues, expectMatchesSlotSet, expectNoSecretMaterial, normalize, overlayJson, secretEnv, sovereignOf,
} from './wave2-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { Flux } from '../../blueprints/flux';
import { S3Bucket, S3Credentials, SEAWEEDFS_CHART, SeaweedFs } from '../../blueprints/seaweedfs';
import { Blueprint, blueprintSpec } from '../../src/blueprint';
import { use } from '../../src/sovereign';
import { synthesize } from '../../src/synth';
import { strictObject } from '../../src/values';
import { K8sObject, tempDir } from '../support/tools';

const SLOT = kitSlot('18-seaweedfs');

/** A third-party consumer: one bucket and the keys in its own namespace. */
class BucketUser extends Blueprint<ReturnType<typeof strictObject>> {
  public static readonly spec = blueprintSpec({
    name: 'bucket-user',
    version: '1.0.0',
    section: 'pts-3-5-storage-and-data',
    card: { title: 'Bucket user', summary: 'Test consumer of bp-seaweedfs.' },
    upstream: [],
    namespace: 'bucket-user',
    depends: [SeaweedFs],
    values: strictObject({ bucket: Type.String() }),
    defaults: { bucket: 'user-data' },
  });

  public bucket?: S3Bucket;
  public credentials?: S3Credentials;

  protected overlays(scope: Chart): void {
    const s3 = this.dependency(SeaweedFs);
    this.bucket = s3.bucket(scope, this, (this.values as { bucket: string }).bucket);
    this.credentials = s3.credentialsFor(scope, this);
  }
}

type EnvVar = { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };
interface JobObj extends K8sObject {
  readonly spec: { template: { spec: { containers: { command: string[]; env: EnvVar[] }[] } } };
}

describe('bp-seaweedfs', () => {
  test('pins the upstream seaweedfs chart recorded in the Blueprint chart', () => {
    const prov = upstreamProvenance('seaweedfs');
    expect(SeaweedFs.spec.upstream).toEqual([SEAWEEDFS_CHART]);
    expect({ chart: SEAWEEDFS_CHART.chart, version: SEAWEEDFS_CHART.version, repo: SEAWEEDFS_CHART.repository }).toEqual(prov);
  });

  test('one version for the Blueprint and the kit pin (upstream blueprint.yaml 1.0.0, chart 1.0.1)', () => {
    expect(SeaweedFs.spec.version).toBe('1.0.1');
    expect(SeaweedFs.spec.version).toBe(slotBlueprintVersion(SLOT));
  });

  test('defaults give the chart exactly the upstream curated values', () => {
    const values = valuesFor(instanceOf(sovereignOf(SeaweedFs), SeaweedFs), 'seaweedfs');
    expect(normalize(values)).toEqual(curatedChartValues('seaweedfs', 'seaweedfs', SLOT));
    // Security stays off: the chart renders it with fromToml, which helm-controller lacks (b8d7a8b).
    expect(values).toMatchObject({ global: { enableSecurity: false, monitoring: { enabled: false } } });
  });

  test('blueprint depends and HelmRelease dependsOn agree: bp-flux and bp-cert-manager (upstream bp listed only cert-manager)', () => {
    expect(SeaweedFs.spec.depends).toEqual([Flux, CertManager]);
    const result = synthesize(sovereignOf(SeaweedFs));
    const objects = slotObjects(result, '18-seaweedfs.yaml');
    const hr = helmReleaseNamed(objects, 'bp-seaweedfs');
    expectMatchesSlotSet(hr, SLOT);
    expectChartPin(objects, hr, SEAWEEDFS_CHART);
    const text = result.files.get(`${CLUSTER_DIR}/bootstrap-kit/18-seaweedfs.yaml`);
    expect(text).not.toContain('SOVEREIGN_FQDN_PLACEHOLDER');
    // The curated hostPath logs need the privileged Pod Security level; the namespace says why.
    const ns = objects.find((o) => o.kind === 'Namespace')!;
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(JSON.stringify(ns.metadata.annotations)).toContain('hostPath');
    expect(text).toMatchSnapshot();
  });

  test('typed S3 outputs: the endpoint and the chart-generated key Secret', () => {
    const bp = instanceOf(sovereignOf(SeaweedFs), SeaweedFs);
    expect(bp.s3Endpoint).toBe('http://seaweedfs-s3.seaweedfs.svc.cluster.local:8333');
    expect(bp.s3HostPort).toBe('seaweedfs-s3.seaweedfs.svc.cluster.local:8333');
    // The endpoint the upstream harbor values hard-coded is exactly this output.
    expect(bp.s3Endpoint).toBe(((upstreamValues('harbor').harbor as { persistence: { imageChartStorage: { s3: { regionendpoint: string } } } }).persistence.imageChartStorage.s3.regionendpoint));
    expect(bp.s3Secret).toEqual({ namespace: 'seaweedfs', secretName: 'seaweedfs-s3-secret', accessKeyIdKey: 'admin_access_key_id', secretAccessKeyKey: 'admin_secret_access_key' });
    expect(bp.outputs()).toEqual({ s3Endpoint: bp.s3Endpoint, s3Secret: 'seaweedfs-s3-secret' });
    const moved = instanceOf(sovereignOf(SeaweedFs, { values: { s3: { port: 9000 } } }), SeaweedFs);
    expect(moved.s3Endpoint).toBe('http://seaweedfs-s3.seaweedfs.svc.cluster.local:9000');
  });

  test('bucket(): a Job in SeaweedFS\'s namespace PUTs the bucket with the admin keys; credentialsFor() copies them', () => {
    const sov = sovereignWith([...closureOf(SeaweedFs).uses, use(BucketUser)]);
    const result = synthesize(sov);
    const user = instanceOf(sov, BucketUser);
    expect(user.bucket).toEqual({
      name: 'user-data',
      endpoint: 'http://seaweedfs-s3.seaweedfs.svc.cluster.local:8333',
      hostPort: 'seaweedfs-s3.seaweedfs.svc.cluster.local:8333',
      region: 'us-east-1',
      forcePathStyle: true,
      insecure: true,
    });
    expect(user.credentials).toEqual({ secretName: 'seaweedfs-s3-credentials', accessKeyIdKey: 'admin_access_key_id', secretAccessKeyKey: 'admin_secret_access_key' });
    const objects = slotObjects(result, 'bucket-user.yaml');
    const job = objects.find((o) => o.kind === 'Job' && o.metadata.name === 's3-bucket-user-data') as JobObj;
    expect(job.metadata.namespace).toBe('seaweedfs');
    const container = job.spec.template.spec.containers[0];
    expect(secretEnv(container.env)).toEqual([
      'AWS_ACCESS_KEY_ID <- seaweedfs-s3-secret/admin_access_key_id',
      'AWS_SECRET_ACCESS_KEY <- seaweedfs-s3-secret/admin_secret_access_key',
    ]);
    expect(container.command[2]).toContain("'http://seaweedfs-s3.seaweedfs.svc.cluster.local:8333/user-data'");
    expect(container.command[2]).toMatch(/200\).*exit 0/);
    expect(container.command[2]).toMatch(/409\).*exit 0/);
    // The copy: a generator in the consumer's namespace, allowed to read the one source Secret.
    const reader = objects.find((o) => o.kind === 'Role' && o.metadata.namespace === 'seaweedfs') as K8sObject & { rules: { resourceNames: string[]; verbs: string[] }[] };
    expect(reader.rules).toEqual([expect.objectContaining({ resourceNames: ['seaweedfs-s3-secret'], verbs: ['get'] })]);
    // (bp-keycloak's GeneratedSecret mirrors with a Job or CronJob; either runs in the consumer's namespace.)
    expect(objects.some((o) => /^(Cron)?Job$/.test(o.kind) && o.metadata.namespace === 'bucket-user' && o.metadata.name === 'seaweedfs-s3-credentials-generator')).toBe(true);
    expectNoSecretMaterial(objects);
  });

  test('the bucket Job\'s script succeeds on 200 and on 409 (exists), and retries otherwise', () => {
    const sov = sovereignWith([...closureOf(SeaweedFs).uses, use(BucketUser)]);
    const job = slotObjects(synthesize(sov), 'bucket-user.yaml').find((o) => o.kind === 'Job' && o.metadata.name === 's3-bucket-user-data') as JobObj;
    const script = job.spec.template.spec.containers[0].command[2];
    const run = (code: string) => {
      const dir = tempDir('bucket-job-');
      const log = path.join(dir, 'args');
      fs.writeFileSync(path.join(dir, 'curl'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${log}'\nprintf ${code}\n`, { mode: 0o755 });
      fs.writeFileSync(path.join(dir, 'sleep'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      const out = execFileSync('/bin/sh', ['-c', script], { env: { PATH: `${dir}:/usr/bin:/bin`, AWS_ACCESS_KEY_ID: 'AK', AWS_SECRET_ACCESS_KEY: 'SK' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return { out, args: fs.readFileSync(log, 'utf8').split('\n') };
    };
    const created = run('200');
    expect(created.out).toContain('created bucket user-data');
    expect(created.args).toEqual(expect.arrayContaining(['PUT', '--aws-sigv4', 'aws:amz:us-east-1:s3', '--user', 'AK:SK', 'http://seaweedfs-s3.seaweedfs.svc.cluster.local:8333/user-data']));
    expect(run('409').out).toContain('bucket user-data exists');
    // 503 forever: gives up after its retries with a non-zero exit.
    expect(() => run('503')).toThrow();
  });

  test('bucket() refuses a bad bucket name and an S3 gateway without auth, naming the path', () => {
    const c = closureOf(SeaweedFs);
    const bad = sovereignWith([...c.uses, use(BucketUser, { values: { bucket: 'Bad_Bucket' } })]);
    expectIssueAt(() => synthesize(bad), `sovereign.blueprints[${c.index + 1}]`);
    const noAuth = sovereignWith([...closureOf(SeaweedFs, { values: { s3: { enableAuth: false } } }).uses, use(BucketUser)]);
    const message = expectIssueAt(() => synthesize(noAuth), `${c.path}.values.s3`);
    expect(message).toContain('bp-bucket-user');
  });

  test('NetworkPolicy overlay: off by default (only dependants reach S3); on, every namespace reaches the S3 port only', () => {
    expect(overlayJson(instanceOf(sovereignOf(SeaweedFs), SeaweedFs))).toEqual([]);
    const sov = sovereignWith([...closureOf(SeaweedFs).uses, use(BucketUser)]);
    // The baseline: the dependant's namespace is admitted, nobody else.
    expect(JSON.stringify(slotObjects(synthesize(sov), '18-seaweedfs.yaml').find((o) => o.metadata.name === 'allow-from-dependants'))).toContain('"bucket-user"');
    const result = synthesize(sovereignOf(SeaweedFs, { values: { networkPolicy: { enabled: true } } }));
    type Np = K8sObject & { spec: { podSelector: unknown; ingress: { from: unknown[]; ports?: { port: number }[] }[] } };
    const np = slotObjects(result, '18-seaweedfs.yaml').find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'seaweedfs') as Np;
    expect(np.metadata.namespace).toBe('seaweedfs');
    expect(np.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'seaweedfs', 'app.kubernetes.io/instance': 'seaweedfs' } });
    expect(np.spec.ingress).toEqual([{ from: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: 8333 }] }]);
  });

  test('ServiceMonitor overlay is optional: built when asked, dropped with a warning without the monitoring CRDs', () => {
    const sov = sovereignOf(SeaweedFs, { values: { monitoring: { serviceMonitor: true } } });
    const bp = instanceOf(sov, SeaweedFs);
    const monitors = overlayJson(bp).filter((o) => o.kind === 'ServiceMonitor');
    expect(monitors).toHaveLength(1);
    expect(monitors[0]).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', spec: { endpoints: [{ port: 'metrics', interval: '30s' }] } });
    // The monitor needs the metrics ports, so asking for it turns them on.
    expect(valuesFor(bp, 'seaweedfs')).toMatchObject({ global: { monitoring: { enabled: true } } });
    const result = synthesize(sov);
    expect(result.warnings.some((w) => w.includes('dropped optional ServiceMonitor seaweedfs'))).toBe(true);
    expect(result.files.has(`${CLUSTER_DIR}/infrastructure/18-seaweedfs.yaml`)).toBe(false);
  });

  test('no secret material is written', () => {
    expectNoSecretMaterial(slotObjects(synthesize(sovereignOf(SeaweedFs)), '18-seaweedfs.yaml'));
  });

  test('a bad override fails with the path of the field', () => {
    const c = closureOf(SeaweedFs, { values: { replicationPlacement: '00', volume: { replicas: 0 } } });
    expectIssueAt(() => sovereignWith(c.uses), `${c.path}.values.replicationPlacement`);
    expect(expectIssueAt(() => sovereignWith(c.uses), `${c.path}.values.volume.replicas`)).toContain('>= 1');
  });

  test('the cluster folder builds with kubectl kustomize, consumer objects included', () => {
    const objects = kustomizeCluster(sovereignWith([...closureOf(SeaweedFs).uses, use(BucketUser)]));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-seaweedfs')).toBe(true);
    expect(objects.some((o) => o.kind === 'Job' && o.metadata.name === 's3-bucket-user-data')).toBe(true);
  });
});
