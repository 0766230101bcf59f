import {
  CLUSTER_DIR, expectChartPin, expectedChartValues, expectIssueAt, expectMatchesSlot, instanceOf, kitSlot, kustomizeCluster,
  slotBlueprintVersion, sovereignWith, valuesFor,
} from './kit-helpers';
import { expectUpstreamPin, imagesIn, inventory, objectNamed, primaryRelease, quantitiesAsStrings, synthSlot } from './wave2b-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { Cilium } from '../../blueprints/cilium';
import { Flux } from '../../blueprints/flux';
import { SeaweedFs } from '../../blueprints/seaweedfs';
import { VELERO_AWS_CREDENTIALS_FILE, VELERO_CHART, Velero } from '../../blueprints/velero';
import { use } from '../../src/sovereign';
import { PlainObject } from '../../src/values';

const SLOT = kitSlot('34-velero');
const FILE = '34-velero.yaml';
const base = () => [use(Cilium), use(CertManager), use(Flux), use(SeaweedFs)];
const withBackups = () => [...base(), use(Velero, { values: { backups: { enabled: true } } })];

type SecretEnv = { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } };
type InitContainer = { name: string; image: string; command?: string[]; env?: SecretEnv[]; volumeMounts: unknown[] };

describe('bp-velero', () => {
  test('pins the upstream velero chart recorded in the Blueprint chart', () => {
    expect(Velero.spec.upstream).toEqual([VELERO_CHART]);
    expectUpstreamPin(VELERO_CHART, 'velero');
    expect(Velero.spec).toMatchObject({ name: 'velero', slot: 34, namespace: 'velero', visibility: 'unlisted', section: 'pts-3-observability' });
    // The chart sets no securityContext: baseline, with the reason. SeaweedFS is reached through the dependency edge.
    expect(Velero.spec.podSecurity).toMatchObject({ level: 'baseline', reason: expect.stringContaining('securityContext') });
    expect(Velero.spec.network).toBeUndefined();
  });

  test('defaults give the chart exactly the upstream curated values: backups and snapshots off', () => {
    const values = valuesFor(instanceOf(sovereignWith([...base(), use(Velero)]), Velero), 'velero');
    expect(values).toEqual(quantitiesAsStrings(expectedChartValues('velero', 'velero', SLOT)));
    expect(values).toMatchObject({ backupsEnabled: false, snapshotsEnabled: false, deployNodeAgent: false });
    // CRD-backed monitors are off; the metrics endpoint stays on because the chart serves the probes from it.
    expect(values.metrics).toEqual({
      enabled: true,
      serviceMonitor: { autodetect: false, enabled: false },
      nodeAgentPodMonitor: { autodetect: false, enabled: false },
      prometheusRule: { autodetect: false, enabled: false },
    });
    // No credentials in the values.
    expect(values.credentials).toEqual({ useSecret: true, existingSecret: '', secretContents: {} });
  });

  test('the HelmRelease matches kit slot 34 and waits for bp-seaweedfs', () => {
    const slot = synthSlot([...base(), use(Velero)], FILE);
    const hr = primaryRelease(slot, 'velero');
    expectMatchesSlot(hr, SLOT);
    expect(hr.spec.dependsOn?.map((d) => d.name)).toEqual(['bp-seaweedfs']);
    expect(Velero.spec.version).toBe(slotBlueprintVersion(SLOT));
    expectChartPin(slot.kit, hr, VELERO_CHART);
    expect(inventory(slot.kit)).toEqual(['HelmRelease/bp-velero', 'HelmRepository/bp-velero', 'Namespace/velero']);
    expect(slot.result.files.get(`${CLUSTER_DIR}/bootstrap-kit/${FILE}`)).toMatchSnapshot();
  });

  test('images are pinned; the kubectl Job image follows the cluster version unless pinned', () => {
    const values = valuesFor(instanceOf(sovereignWith([...base(), use(Velero, { values: { kubectlImage: { tag: 'v1.32.4' } } })]), Velero), 'velero') as Record<string, PlainObject>;
    expect(values.image).toEqual({ repository: 'docker.io/velero/velero', tag: 'v1.18.0', pullPolicy: 'IfNotPresent' });
    expect(values.kubectl).toEqual({ image: { repository: 'registry.k8s.io/kubectl', tag: 'v1.32.4' } });
    expect(imagesIn([values])).toEqual(['velero/velero-plugin-for-aws:v1.14.0']);
    expect(instanceOf(sovereignWith([...base(), use(Velero)]), Velero).backupLocation).toBeUndefined();
  });

  test('backups.enabled wires the location to bp-seaweedfs from its typed outputs', () => {
    const sov = sovereignWith(withBackups());
    const velero = instanceOf(sov, Velero);
    const seaweed = instanceOf(sov, SeaweedFs);
    const values = valuesFor(velero, 'velero') as Record<string, unknown> & { configuration: { backupStorageLocation: PlainObject[]; extraEnvVars: PlainObject }; initContainers: InitContainer[] };
    expect(values.backupsEnabled).toBe(true);
    expect(values.configuration.backupStorageLocation).toEqual([{
      name: 'default',
      provider: 'aws',
      bucket: 'velero',
      default: true,
      accessMode: 'ReadWrite',
      config: { region: 'us-east-1', s3ForcePathStyle: 'true', s3Url: seaweed.s3Endpoint },
    }]);
    expect(seaweed.s3Endpoint).toBe('http://seaweedfs-s3.seaweedfs.svc.cluster.local:8333');
    expect(velero.backupLocation).toEqual({ name: 'default', bucket: 'velero', s3Url: seaweed.s3Endpoint });
    expect(velero.outputs()).toEqual({ backupStorageLocation: 'default', backupBucket: 'velero' });
    // The credentials file is written in-cluster from the copied SeaweedFS keys.
    expect(values.configuration.extraEnvVars).toEqual({ AWS_SHARED_CREDENTIALS_FILE: VELERO_AWS_CREDENTIALS_FILE });
    expect(values.credentials).toEqual({ useSecret: false, existingSecret: '', secretContents: {} });
    const writer = values.initContainers.find((c) => c.name === 'aws-credentials')!;
    const keys = seaweed.consumerCredentials;
    expect(writer.env?.map((e) => [e.name, e.valueFrom.secretKeyRef])).toEqual([
      ['AWS_ACCESS_KEY_ID', { name: keys.secretName, key: keys.accessKeyIdKey }],
      ['AWS_SECRET_ACCESS_KEY', { name: keys.secretName, key: keys.secretAccessKeyKey }],
    ]);
    expect(values.initContainers.map((c) => c.name)).toEqual(['velero-plugin-for-aws', 'aws-credentials']);
  });

  test('with backups on, the slot carries the bucket Job and the in-cluster copy of the S3 keys, and no secret material', () => {
    const slot = synthSlot(withBackups(), FILE);
    const text = slot.result.files.get(`${CLUSTER_DIR}/bootstrap-kit/${FILE}`) ?? '';
    const bucketJob = objectNamed(slot.kit, 'Job', 's3-bucket-velero');
    expect(bucketJob.metadata.namespace).toBe('seaweedfs');
    // bp-seaweedfs's in-cluster copier (its workload kind is SeaweedFS's business) runs in Velero's namespace.
    const copier = slot.kit.filter((o) => o.metadata.name === 'seaweedfs-s3-credentials-generator' && /^(Cron)?Job$/.test(o.kind));
    expect(copier.map((o) => o.metadata.namespace)).toEqual(['velero']);
    expect(slot.kit.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(text).not.toMatch(/aws_access_key_id=[A-Za-z0-9]/);
    // Flux substitutes only ${…}; the shell variables are unbraced.
    expect(text).not.toMatch(/\$\{AWS_/);
  });

  test('a bad override fails with the path of the field', () => {
    expectIssueAt(() => sovereignWith([...base(), use(Velero, { values: { backups: { bucket: 'Velero_Backups' } } })]), 'sovereign.blueprints[4].values.backups.bucket');
    expectIssueAt(() => sovereignWith([...base(), use(Velero, { values: { kubectlImage: { tag: 'latest' } } })]), 'sovereign.blueprints[4].values.kubectlImage.tag');
    expectIssueAt(() => sovereignWith([...base(), use(Velero, { values: { backupsEnabled: true } as never })]), 'sovereign.blueprints[4].values.backupsEnabled');
  });

  test('the cluster folder builds with kubectl kustomize, with and without backups', () => {
    for (const blueprints of [[...base(), use(Velero)], withBackups()]) {
      const objects = kustomizeCluster(sovereignWith(blueprints));
      expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-velero')).toBe(true);
      expect(objects.some((o) => o.kind === 'Namespace' && o.metadata.name === 'velero')).toBe(true);
    }
  });
});
