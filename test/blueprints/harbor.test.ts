import {
  CLUSTER_DIR, expectChartPin, FQDN, expectIssueAt, helmReleaseNamed, instanceOf, kitSlot, kustomizeCluster,
  slotBlueprintVersion, slotObjects, sovereignWith, upstreamProvenance, valuesFor,
} from './kit-helpers';
import {
  allSlotObjects, closureOf, curatedChartValues, expectMatchesSlotSet, expectNoSecretMaterial, infraObjects, normalize, runGenerator,
  secretEnv, sovereignOf, withPath,
} from './wave2-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { Cnpg } from '../../blueprints/cnpg';
import { Harbor, HARBOR_CHART } from '../../blueprints/harbor';
import { SeaweedFs } from '../../blueprints/seaweedfs';
import { blueprintSpec } from '../../src/blueprint';
import { Sovereign } from '../../src/sovereign';
import { synthesize } from '../../src/synth';
import { PlainObject } from '../../src/values';
import { K8sObject } from '../support/tools';

const SLOT = kitSlot('19-harbor');
const S3_ENV = [
  { name: 'REGISTRY_STORAGE_S3_ACCESSKEY', valueFrom: { secretKeyRef: { name: 'seaweedfs-s3-credentials', key: 'admin_access_key_id' } } },
  { name: 'REGISTRY_STORAGE_S3_SECRETKEY', valueFrom: { secretKeyRef: { name: 'seaweedfs-s3-credentials', key: 'admin_secret_access_key' } } },
];

/**
 * The upstream curated values with the documented fixes:
 *  - host and externalURL from the FQDN token (upstream: harbor.example.local);
 *  - the ingress issuer from bp-cert-manager (upstream: "");
 *  - `disableredirect: true` (upstream wrote `disableRedirect`, which the chart does not read;
 *    redirects would send clients to the in-cluster S3 endpoint);
 *  - S3 keys from the Secret copied out of bp-seaweedfs instead of empty accesskey/secretkey;
 *  - the database password from CNPG's app Secret (upstream named a Secret nobody creates);
 *  - admin password and encryption key from a generated Secret (chart defaults are published).
 */
function expectedValues(): PlainObject {
  let v = curatedChartValues('harbor', 'harbor', SLOT);
  v = withPath(v, 'externalURL', 'https://harbor.${SOVEREIGN_FQDN}');
  v = withPath(v, 'expose.ingress.hosts.core', 'harbor.${SOVEREIGN_FQDN}');
  v = withPath(v, 'expose.ingress.annotations', {
    'cert-manager.io/cluster-issuer': 'letsencrypt-http01-prod',
    'ingress.kubernetes.io/proxy-body-size': '0',
    'nginx.ingress.kubernetes.io/proxy-body-size': '0',
  });
  v = withPath(v, 'persistence.imageChartStorage.disableRedirect', undefined);
  v = withPath(v, 'persistence.imageChartStorage.disableredirect', true);
  v = withPath(v, 'persistence.imageChartStorage.s3.accesskey', undefined);
  v = withPath(v, 'persistence.imageChartStorage.s3.secretkey', undefined);
  v = withPath(v, 'database.external.existingSecret', 'harbor-postgres-app');
  v = withPath(v, 'registry.registry.extraEnvVars', S3_ENV);
  v = withPath(v, 'registry.controller.extraEnvVars', S3_ENV);
  v = withPath(v, 'existingSecretAdminPassword', 'harbor-credentials');
  v = withPath(v, 'existingSecretAdminPasswordKey', 'HARBOR_ADMIN_PASSWORD');
  v = withPath(v, 'existingSecretSecretKey', 'harbor-credentials');
  return v;
}

interface JobObj extends K8sObject {
  readonly spec: { template: { spec: { containers: { command: string[] }[] } } };
}

describe('bp-harbor', () => {
  test('pins the upstream harbor chart recorded in the Blueprint chart', () => {
    const prov = upstreamProvenance('harbor');
    expect(Harbor.spec.upstream).toEqual([HARBOR_CHART]);
    expect({ chart: HARBOR_CHART.chart, version: HARBOR_CHART.version, repo: HARBOR_CHART.repository }).toEqual(prov);
  });

  test('defaults give the chart the upstream curated values with the documented fixes only', () => {
    const values = valuesFor(instanceOf(sovereignOf(Harbor), Harbor), 'harbor');
    expect(normalize(values)).toEqual(expectedValues());
    // Images pinned to the curated v2.14.3, every one.
    const images = JSON.stringify(values).match(/"tag":"[^"]+"/g) ?? [];
    expect(new Set(images)).toEqual(new Set(['"tag":"v2.14.3"']));
  });

  test('the HelmRelease matches kit slot 19: waits for bp-cnpg, bp-seaweedfs and bp-cert-manager', () => {
    expect(Harbor.spec.depends).toEqual([Cnpg, SeaweedFs, CertManager]);
    const result = synthesize(sovereignOf(Harbor));
    const objects = slotObjects(result, '19-harbor.yaml');
    const hr = helmReleaseNamed(objects, 'bp-harbor');
    expectMatchesSlotSet(hr, SLOT);
    expect(Harbor.spec.version).toBe(slotBlueprintVersion(SLOT));
    expectChartPin(objects, hr, HARBOR_CHART);
    const text = result.files.get(`${CLUSTER_DIR}/bootstrap-kit/19-harbor.yaml`);
    expect(text).not.toContain('SOVEREIGN_FQDN_PLACEHOLDER');
    expect(text).not.toContain('example.local');
    // The ingress controller reaches core/portal; the CNPG operator reaches the database manager.
    const policy = (name: string) => objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name) as unknown as { spec: { ingress: { ports: { port: number }[] }[] } };
    expect(policy('allow-ingress-from-world').spec.ingress[0].ports.map((p) => p.port)).toEqual([8080]);
    expect(policy('allow-ingress-from-cluster').spec.ingress[0].ports.map((p) => p.port)).toEqual([8000]);
    expect(text).toMatchSnapshot();
  });

  test('hostname from the FQDN token; a literal-FQDN Sovereign gets the literal host', () => {
    const bp = instanceOf(sovereignOf(Harbor), Harbor);
    expect(bp.host).toBe('harbor.${SOVEREIGN_FQDN}');
    expect(bp.url).toBe('https://harbor.${SOVEREIGN_FQDN}');
    const other = instanceOf(sovereignOf(Harbor, { values: { hostPrefix: 'registry' } }), Harbor);
    expect(valuesFor(other, 'harbor')).toMatchObject({ externalURL: 'https://registry.${SOVEREIGN_FQDN}', expose: { ingress: { hosts: { core: 'registry.${SOVEREIGN_FQDN}' } } } });
    const literal = new Sovereign({ fqdn: FQDN, org: { name: 'Acme', email: 'ops@acme.test' }, includeKit: false, fqdnMode: 'literal', blueprints: closureOf(Harbor).uses });
    expect(valuesFor(instanceOf(literal, Harbor), 'harbor')).toMatchObject({ externalURL: `https://harbor.${FQDN}`, expose: { ingress: { hosts: { core: `harbor.${FQDN}` } } } });
  });

  test('blob storage: bucket on bp-seaweedfs from its typed endpoint, created by a Job, keys copied into harbor', () => {
    class MovedSeaweedFs extends SeaweedFs {
      public static readonly spec = blueprintSpec({ ...SeaweedFs.spec, namespace: 'objects', releaseName: 'store' });
    }
    const c = closureOf(Harbor);
    const sov = sovereignWith(c.uses.map((u) => (u.blueprint === SeaweedFs ? { ...u, blueprint: MovedSeaweedFs } : u)));
    const values = valuesFor(instanceOf(sov, Harbor), 'harbor') as { persistence: { imageChartStorage: { s3: { regionendpoint: string; bucket: string } } } };
    // The endpoint follows SeaweedFS's release and namespace: no copied service name.
    expect(values.persistence.imageChartStorage.s3.regionendpoint).toBe('http://store-seaweedfs-s3.objects.svc.cluster.local:8333');
    const objects = allSlotObjects(synthesize(sov), '19-harbor.yaml');
    const bucketJob = objects.find((o) => o.kind === 'Job' && o.metadata.name === 's3-bucket-harbor-data');
    expect(bucketJob?.metadata.namespace).toBe('objects');
    expect(objects.some((o) => o.kind === 'Role' && o.metadata.namespace === 'objects' && o.metadata.name === 'store-seaweedfs-s3-secret-reader-harbor')).toBe(true);
  });

  test('the registry and its GC controller read the S3 keys from the copied Secret, not from values', () => {
    const values = valuesFor(instanceOf(sovereignOf(Harbor), Harbor), 'harbor') as { registry: { registry: { extraEnvVars: never[] }; controller: { extraEnvVars: never[] } } };
    for (const env of [values.registry.registry.extraEnvVars, values.registry.controller.extraEnvVars]) {
      expect(secretEnv(env)).toEqual([
        'REGISTRY_STORAGE_S3_ACCESSKEY <- seaweedfs-s3-credentials/admin_access_key_id',
        'REGISTRY_STORAGE_S3_SECRETKEY <- seaweedfs-s3-credentials/admin_secret_access_key',
      ]);
    }
  });

  test('external database: a CNPG Cluster in infrastructure/, host and Secret derived from it', () => {
    const result = synthesize(sovereignOf(Harbor));
    const cluster = infraObjects(result, '19-harbor.yaml').find((o) => o.kind === 'Cluster');
    expect(cluster).toMatchObject({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: 'harbor-postgres', namespace: 'harbor' },
      spec: { instances: 1, imageName: 'ghcr.io/cloudnative-pg/postgresql:16.6', bootstrap: { initdb: { database: 'registry', owner: 'harbor' } } },
    });
    const values = valuesFor(instanceOf(sovereignOf(Harbor), Harbor), 'harbor');
    expect(values).toMatchObject({
      database: { type: 'external', external: { host: 'harbor-postgres-rw.harbor.svc.cluster.local', username: 'harbor', coreDatabase: 'registry', existingSecret: 'harbor-postgres-app', sslmode: 'disable' } },
    });
  });

  test('admin password and encryption key: generated in-cluster with the shapes Harbor requires', () => {
    const objects = allSlotObjects(synthesize(sovereignOf(Harbor)), '19-harbor.yaml');
    const job = objects.find((o) => o.kind === 'Job' && o.metadata.name === 'harbor-credentials-generator') as JobObj;
    expect(job.metadata.namespace).toBe('harbor');
    const secret = runGenerator(job.spec.template.spec.containers[0].command[2]);
    expect(secret.metadata).toMatchObject({ name: 'harbor-credentials', namespace: 'harbor' });
    expect(secret.stringData.HARBOR_ADMIN_PASSWORD).toMatch(/^[A-Za-z0-9]{32}$/);
    // Harbor's AES key must be exactly 16 characters.
    expect(secret.stringData.secretKey).toMatch(/^[A-Za-z0-9]{16}$/);
    expect(secret.stringData.secretKey).not.toBe('not-a-secure-key');
  });

  test('network: default deny, egress to its dependencies (S3, operator) and HTTPS; the upstream overlay is subsumed', () => {
    const objects = slotObjects(synthesize(sovereignOf(Harbor)), '19-harbor.yaml');
    const names = objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name);
    expect(names).toContain('deny-all');
    const deps = JSON.stringify(objects.find((o) => o.metadata.name === 'allow-to-dependencies'));
    for (const ns of ['cnpg-system', 'seaweedfs', 'cert-manager']) expect(deps).toContain(`"${ns}"`);
    expect(JSON.stringify(objects.find((o) => o.metadata.name === 'allow-egress-to-world'))).toContain('443');
    // harborOverlay.networkPolicy allowed DNS, the namespace, SeaweedFS's S3 and 443: all in the baseline now.
    expect(Object.keys(Harbor.spec.defaults)).not.toContain('networkPolicy');
  });

  test('metrics: the chart\'s ServiceMonitor only with metrics on', () => {
    const values = valuesFor(instanceOf(sovereignOf(Harbor, { values: { monitoring: { serviceMonitor: true } } }), Harbor), 'harbor');
    expect(values).toMatchObject({ metrics: { enabled: false, serviceMonitor: { enabled: false } } });
  });

  test('no secret material is written', () => {
    const result = synthesize(sovereignOf(Harbor));
    const checked = expectNoSecretMaterial(allSlotObjects(result, '19-harbor.yaml'));
    expect(checked.length).toBeGreaterThan(0);
  });

  test('a bad override fails with the path of the field', () => {
    const c = closureOf(Harbor, { values: { database: { cluster: { owner: 'postgres' } }, images: { core: { repository: 'goharbor/harbor-core', tag: 'latest' } } } });
    const c2 = closureOf(Harbor, { values: { networkPolicy: { enabled: true } } as never });
    expectIssueAt(() => sovereignWith(c2.uses), `${c2.path}.values.networkPolicy`);
    expectIssueAt(() => sovereignWith(c.uses), `${c.path}.values.database.cluster.owner`);
    expectIssueAt(() => sovereignWith(c.uses), `${c.path}.values.images.core.tag`);
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignOf(Harbor));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-harbor')).toBe(true);
    expect(objects.some((o) => o.kind === 'Cluster' && o.metadata.name === 'harbor-postgres')).toBe(true);
  });
});
