import { CLUSTER_DIR, expectIssueAt, FQDN, instanceOf, kitSlot, kustomizeCluster, slotBlueprintVersion, slotObjects, sovereignWith, upstreamValues } from './kit-helpers';
import { CatalystPlatform, FLUX_FORCE_ANNOTATION } from '../../blueprints/catalyst-platform';
import { CertManager } from '../../blueprints/cert-manager';
import { CertManagerDynadotWebhook } from '../../blueprints/cert-manager-dynadot-webhook';
import { Cilium } from '../../blueprints/cilium';
import { Gitea } from '../../blueprints/gitea';
import { Keycloak } from '../../blueprints/keycloak';
import { NatsJetstream } from '../../blueprints/nats-jetstream';
import { OpenBao } from '../../blueprints/openbao';
import { Spire } from '../../blueprints/spire';
import { BlueprintUse, Sovereign, use } from '../../src/sovereign';
import { synthesize } from '../../src/synth';
import { K8sObject } from '../support/tools';

const SLOT = kitSlot('13-bp-catalyst-platform');
const FILE = '13-catalyst-platform.yaml';
const leaves = (certManager: BlueprintUse = use(CertManager)): BlueprintUse[] => [
  use(Cilium), certManager, use(Spire), use(NatsJetstream), use(OpenBao), use(Keycloak), use(Gitea),
];
const sovereign = (values: object = {}) => sovereignWith([...leaves(), use(CatalystPlatform, { values })]);

type Obj = K8sObject & { spec: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
function find(objects: readonly K8sObject[], kind: string, name: string): Obj {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name}; have ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o as Obj;
}
interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}

describe('bp-catalyst-platform', () => {
  const result = synthesize(sovereign());
  const objects = slotObjects(result, FILE);

  test('spec matches kit slot 13: version, release name, namespace; manifest-only', () => {
    const spec = CatalystPlatform.spec;
    expect(spec.slot).toBe(13);
    expect(spec.version).toBe(slotBlueprintVersion(SLOT));
    expect(spec.version).toBe('1.1.8');
    expect(spec.releaseName).toBe(SLOT.releaseName);
    expect(spec.namespace).toBe(SLOT.targetNamespace);
    // The umbrella's ten re-installed kit leaves are not reproduced: no chart, no HelmRelease.
    expect(spec.upstream).toEqual([]);
    expect(objects.filter((o) => ['HelmRelease', 'HelmRepository', 'OCIRepository'].includes(o.kind))).toEqual([]);
    expect(find(objects, 'Namespace', 'catalyst-system').metadata.labels?.['catalyst.openova.io/sovereign']).toBe('${SOVEREIGN_FQDN}');
  });

  test('depends on the kit leaves it uses (typed), which include the slot\'s bp-gitea', () => {
    const bp = instanceOf(sovereign(), CatalystPlatform);
    const deps = bp.dependencies().map((d) => d.blueprint);
    expect(deps).toEqual([Gitea, Keycloak, OpenBao, NatsJetstream, CertManager]);
    for (const name of SLOT.dependsOn) expect(deps.map((d) => `bp-${d.spec.name}`)).toContain(name);
    expectIssueAt(() => sovereignWith([...leaves().filter((u) => u.blueprint !== Gitea), use(CatalystPlatform)]), 'sovereign.blueprints[6].depends');
  });

  test('the umbrella\'s subchart values have nothing left to configure', () => {
    const up = upstreamValues('catalyst-platform');
    // Only these keys existed: two subchart name overrides (#252, a collision inside the one umbrella
    // release) and a CRD toggle for a 0-byte crds/provisioningstate.yaml. None has an object here.
    expect(Object.keys(up).sort()).toEqual(['bp-gitea', 'bp-keycloak', 'provisioningState']);
    expect(objects.some((o) => o.kind === 'CustomResourceDefinition')).toBe(false);
  });

  test('catalyst-api: pinned image, Recreate with the Flux force annotation, non-root, probes, PVC', () => {
    const d = find(objects, 'Deployment', 'catalyst-api');
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    // CHART-AUTHORING: a Recreate Deployment carries the force annotation (upstream 015e7ab).
    expect(d.metadata.annotations).toEqual({ [FLUX_FORCE_ANNOTATION]: 'enabled' });
    expect(d.spec.replicas).toBe(1);
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    expect(c.image).toBe('ghcr.io/openova-io/openova/catalyst-api:4f80be2');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(c.resources.requests).toEqual({ cpu: '50m', memory: '128Mi' });
    expect(pod.imagePullSecrets).toEqual([{ name: 'ghcr-pull-secret' }]);
    const volumes = Object.fromEntries(pod.volumes.map((v: { name: string }) => [v.name, v]));
    expect(volumes.tmp.emptyDir).toEqual({ sizeLimit: '2Gi' });
    expect(volumes.home.emptyDir).toEqual({ sizeLimit: '256Mi' });
    expect(volumes.state.persistentVolumeClaim).toEqual({ claimName: 'catalyst-api-deployments' });

    const pvc = find(objects, 'PersistentVolumeClaim', 'catalyst-api-deployments');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
    // Never force-annotate a PVC: Flux would delete the data with it.
    expect(pvc.metadata.annotations).toBeUndefined();

    expect(find(objects, 'Service', 'catalyst-api').spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
  });

  test('catalyst-api env: Secret references only, public URLs from the Sovereign FQDN', () => {
    const env = find(objects, 'Deployment', 'catalyst-api').spec.template.spec.containers[0].env as EnvVar[];
    const byName = Object.fromEntries(env.map((e) => [e.name, e]));
    for (const e of env.filter((x) => /KEY|SECRET|TOKEN|PASSWORD|DOMAIN/.test(x.name))) {
      expect(e.value).toBeUndefined();
      expect(e.valueFrom?.secretKeyRef).toBeDefined();
    }
    expect(byName.DYNADOT_API_KEY.valueFrom?.secretKeyRef).toEqual({ name: 'dynadot-api-credentials', key: 'api-key', optional: true });
    expect(byName.CATALYST_GHCR_PULL_TOKEN.valueFrom?.secretKeyRef).toEqual({ name: 'catalyst-ghcr-pull-token', key: 'token', optional: true });
    expect(byName.CATALYST_TOFU_WORKDIR.value).toBe('/tmp/catalyst/tofu');
    expect(byName.CATALYST_DEPLOYMENTS_DIR.value).toBe('/var/lib/catalyst/deployments');
    expect(byName.CATALYST_KUBECONFIGS_DIR.value).toBe('/var/lib/catalyst/kubeconfigs');
    // Upstream hard-coded console.openova.io / catalyst.openova.io here.
    expect(byName.CATALYST_API_PUBLIC_URL.value).toBe('https://api.${SOVEREIGN_FQDN}');
    expect(byName.CORS_ORIGIN.value).toBe('https://console.${SOVEREIGN_FQDN}');
    expect(result.files.get(`${CLUSTER_DIR}/bootstrap-kit/${FILE}`)).not.toMatch(/openova\.io(?!\/)/);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('catalyst-ui: pinned image, uid 1001, /healthz probes, Service 80 → 8080, rolling updates', () => {
    const d = find(objects, 'Deployment', 'catalyst-ui');
    expect(d.metadata.annotations).toBeUndefined();
    expect(d.spec.strategy).toBeUndefined();
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    expect(c.image).toBe('ghcr.io/openova-io/openova/catalyst-ui:4f80be2');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1001 });
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1001, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(find(objects, 'Service', 'catalyst-ui').spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
  });

  test('the Ingress serves the kit slot\'s hostnames with TLS from bp-cert-manager\'s issuer', () => {
    const ing = find(objects, 'Ingress', 'catalyst-platform');
    const hosts = (SLOT.values as { ingress: { hosts: Record<string, { host: string }> } }).ingress.hosts;
    const bp = instanceOf(sovereign(), CatalystPlatform);
    expect(bp.hostnames).toEqual({ console: hosts.console.host, admin: hosts.admin.host, api: hosts.api.host, marketplace: hosts.marketplace.host });
    expect(ing.spec.ingressClassName).toBe('cilium');
    type Rule = { host: string; http: { paths: { backend: { service: unknown } }[] } };
    const rules = Object.fromEntries(ing.spec.rules.map((r: Rule) => [r.host, r.http.paths[0].backend.service]));
    expect(rules).toEqual({
      [hosts.console.host]: { name: 'catalyst-ui', port: { number: 80 } },
      [hosts.admin.host]: { name: 'catalyst-ui', port: { number: 80 } },
      [hosts.api.host]: { name: 'catalyst-api', port: { number: 8080 } },
      [hosts.marketplace.host]: { name: 'catalyst-ui', port: { number: 80 } },
    });
    expect(ing.spec.tls).toEqual([{ hosts: Object.keys(rules), secretName: 'catalyst-platform-tls' }]);
    const issuer = instanceOf(sovereign(), CertManager).issuer;
    expect(ing.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': issuer.name });
  });

  test('with DNS-01 on, the Ingress follows bp-cert-manager\'s issuer', () => {
    const sov = sovereignWith([
      ...leaves(use(CertManager, { values: { issuers: { dns01: { enabled: true } } } })),
      use(CertManagerDynadotWebhook, { values: { image: { repository: 'ghcr.io/openova-io/openova/cert-manager-dynadot-webhook', tag: 'sha-4f80be2' } } }),
      use(CatalystPlatform),
    ]);
    const ing = find(slotObjects(synthesize(sov), FILE), 'Ingress', 'catalyst-platform');
    expect(ing.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt-dns01-prod' });
  });

  test('typed overrides: ingress class, host labels, literal FQDN, storage class', () => {
    const sov = new Sovereign({
      fqdn: FQDN,
      fqdnMode: 'literal',
      org: { name: 'Acme', email: 'ops@acme.test' },
      includeKit: false,
      blueprints: [...leaves(), use(CatalystPlatform, { values: { ingress: { className: 'nginx', hosts: { console: 'portal' } }, api: { storage: { storageClassName: 'hcloud-volumes' } } } })],
    });
    const out = slotObjects(synthesize(sov), FILE);
    const ing = find(out, 'Ingress', 'catalyst-platform');
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.spec.rules.map((r: { host: string }) => r.host)).toEqual([`portal.${FQDN}`, `admin.${FQDN}`, `api.${FQDN}`, FQDN]);
    expect(find(out, 'PersistentVolumeClaim', 'catalyst-api-deployments').spec.storageClassName).toBe('hcloud-volumes');
  });

  test('bad values fail with their field path', () => {
    expectIssueAt(() => sovereign({ api: { image: { tag: 'latest' } } }), 'sovereign.blueprints[7].values.api.image.tag');
    expectIssueAt(() => sovereign({ ingress: { hosts: { admin: 'Admin!' } } }), 'sovereign.blueprints[7].values.ingress.hosts.admin');
    const twice = expectIssueAt(() => synthesize(sovereign({ ingress: { hosts: { admin: 'console' } } })), 'sovereign.blueprints[7].values.ingress.hosts');
    expect(twice).toContain('console.${SOVEREIGN_FQDN}');
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const built = kustomizeCluster(sovereign());
    expect(built.some((o) => o.kind === 'Deployment' && o.metadata.name === 'catalyst-api' && o.metadata.namespace === 'catalyst-system')).toBe(true);
    expect(built.some((o) => o.kind === 'Ingress' && o.metadata.name === 'catalyst-platform')).toBe(true);
    expect(result.files.get(`${CLUSTER_DIR}/bootstrap-kit/${FILE}`)).toMatchSnapshot();
  });
});
