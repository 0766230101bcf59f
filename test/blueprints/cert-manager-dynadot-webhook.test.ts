import { CLUSTER_DIR, expectIssueAt, instanceOf, kustomizeCluster, sovereignWith, upstreamValues } from './kit-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { CertManagerDynadotWebhook, CertManagerDynadotWebhookValues } from '../../blueprints/cert-manager-dynadot-webhook';
import { Cilium } from '../../blueprints/cilium';
import { use } from '../../src/sovereign';
import { synthesize } from '../../src/synth';
import { validateAgainst } from '../../src/values';
import { K8sObject, objectsOf } from '../support/tools';

/** A pinned build; the Blueprint has no image default (upstream shipped `latest`). */
const IMAGE = { repository: 'ghcr.io/openova-io/openova/cert-manager-dynadot-webhook', tag: 'sha-4f80be2' };
const FILE = 'cert-manager-dynadot-webhook.yaml';
const webhook = (values: object = {}) => use(CertManagerDynadotWebhook, { values: { image: IMAGE, ...values } });
const sovereign = (values: object = {}) => sovereignWith([use(Cilium), use(CertManager), webhook(values)]);

type Obj = K8sObject & { spec?: any; rules?: any[]; roleRef?: any; subjects?: any[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
function find(objects: readonly K8sObject[], kind: string, name: string): Obj {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name}; have ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o as Obj;
}

describe('bp-cert-manager-dynadot-webhook', () => {
  const result = synthesize(sovereign());
  // The Deployment mounts the Secret that the Certificate (a CRD kind, in infrastructure/) creates:
  // the writer keeps all of a Blueprint's overlays together in infrastructure/ so bootstrap-kit never waits on it.
  const kit = objectsOf(result, `${CLUSTER_DIR}/infrastructure/${FILE}`);
  const infra = kit;

  test('spec: unlisted 1.0.0, manifest-only, in cert-manager\'s namespace, depending on bp-cert-manager', () => {
    const spec = CertManagerDynadotWebhook.spec;
    expect(spec).toMatchObject({ name: 'cert-manager-dynadot-webhook', version: '1.0.0', visibility: 'unlisted', section: 'pts-3-3-security-and-policy' });
    // The upstream's dummy `common` subchart is not reproduced.
    expect(spec.upstream).toEqual([]);
    // A ClusterIssuer's secret references resolve in cert-manager's namespace; the webhook must read the same Secret.
    expect(spec.namespace).toBe(CertManager.spec.namespace);
    const bp = instanceOf(sovereign(), CertManagerDynadotWebhook);
    expect(bp.dependencies().map((d) => d.blueprint)).toEqual([CertManager]);
    expect(kit.some((o) => o.kind === 'HelmRelease' || o.kind === 'HelmRepository' || o.kind === 'OCIRepository')).toBe(false);
  });

  test('defaults are the upstream curated values (image aside)', () => {
    const up = upstreamValues('cert-manager-dynadot-webhook') as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const d = CertManagerDynadotWebhook.spec.defaults;
    const w = up.webhook;
    for (const key of ['groupName', 'solverName', 'replicas', 'securePort', 'logLevel', 'resources'] as const) {
      expect([key, d[key]]).toEqual([key, w[key]]);
    }
    expect(d.imagePullPolicy).toBe(w.image.pullPolicy);
    expect(d.securityContext).toEqual({ runAsUser: w.podSecurityContext.runAsUser, fsGroup: w.podSecurityContext.fsGroup });
    expect(d.credentialsSecret).toEqual({ name: up.dynadot.credentialsSecret.name, keys: up.dynadot.credentialsSecret.keys });
    // Upstream's empty strings mean "unset": baseURL is not given, the namespace is the release's.
    expect(up.dynadot.baseURL).toBe('');
    expect(d.baseURL).toBeUndefined();
    expect(up.dynadot.credentialsSecret.namespace).toBe('');
    expect(d.service).toEqual({ port: up.service.port });
    expect(d.apiService).toEqual({ groupPriorityMinimum: up.apiService.groupPriorityMinimum, versionPriority: up.apiService.versionPriority });
    expect(d.servingCert).toEqual({ duration: up.servingCert.duration, renewBefore: up.servingCert.renewBefore });
    expect(d.monitoring.serviceMonitor).toBe(up.serviceMonitor.enabled);
    expect(d.networkPolicy.enabled).toBe(up.networkPolicy.enabled);
  });

  test('the upstream image (tag latest) is rejected, and there is no image default', () => {
    const up = upstreamValues('cert-manager-dynadot-webhook') as { webhook: { image: { repository: string; tag: string } } };
    expect(up.webhook.image.tag).toBe('latest');
    const issues = validateAgainst(CertManagerDynadotWebhookValues, { ...CertManagerDynadotWebhook.spec.defaults, image: { repository: up.webhook.image.repository, tag: 'latest' } }, 'v');
    expect(issues.map((i) => i.path)).toEqual(['v.image.tag']);
    expect(CertManagerDynadotWebhook.spec.defaults).not.toHaveProperty('image');
    expect((CertManagerDynadotWebhookValues as unknown as { required: string[] }).required).toContain('image');
  });

  test('a Sovereign that omits the image fails at sovereign.blueprints[N].values.image', () => {
    const message = expectIssueAt(() => sovereignWith([use(Cilium), use(CertManager), use(CertManagerDynadotWebhook)]), 'sovereign.blueprints[2].values.image');
    expect(message).toMatch(/required/);
    const latest = expectIssueAt(() => sovereignWith([use(Cilium), use(CertManager), webhook({ image: { ...IMAGE, tag: 'latest' } })]), 'sovereign.blueprints[2].values.image.tag');
    expect(latest).toContain('latest');
  });

  test('the Deployment runs the pinned image hardened, with probes on the secure port', () => {
    const d = find(kit, 'Deployment', 'cert-manager-dynadot-webhook');
    expect(d.metadata.namespace).toBe('cert-manager');
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    expect(c.image).toBe(`${IMAGE.repository}:${IMAGE.tag}`);
    expect(pod.serviceAccountName).toBe('cert-manager-dynadot-webhook');
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.ports).toEqual([{ name: 'https', containerPort: 4443, protocol: 'TCP' }]);
    expect(c.args).toContain('--secure-port=4443');
    for (const p of [c.livenessProbe, c.readinessProbe]) expect(p.httpGet).toEqual({ path: '/healthz', port: 'https', scheme: 'HTTPS' });
    expect(c.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } });
    // The serving certificate cert-manager issues is what the container serves.
    const certs = pod.volumes.find((v: { name: string }) => v.name === 'certs');
    expect(certs.secret.secretName).toBe(find(infra, 'Certificate', 'cert-manager-dynadot-webhook-tls').spec.secretName);
  });

  test('credentials come from the Secret by reference only; nothing secret is written', () => {
    const c = find(kit, 'Deployment', 'cert-manager-dynadot-webhook').spec.template.spec.containers[0];
    const env = Object.fromEntries(c.env.map((e: { name: string }) => [e.name, e]));
    expect(env.DYNADOT_API_KEY.valueFrom.secretKeyRef).toEqual({ name: 'dynadot-api-credentials', key: 'api-key' });
    expect(env.DYNADOT_API_SECRET.valueFrom.secretKeyRef).toEqual({ name: 'dynadot-api-credentials', key: 'api-secret' });
    expect(env.DYNADOT_MANAGED_DOMAINS.valueFrom.secretKeyRef).toEqual({ name: 'dynadot-api-credentials', key: 'domains', optional: true });
    expect(env.GROUP_NAME.value).toBe('acme.dynadot.openova.io');
    expect(env).not.toHaveProperty('DYNADOT_BASE_URL');
    expect([...kit, ...infra].filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('Service 443 → the secure port, and the APIService v1alpha1.<groupName> trusts the cert-manager CA', () => {
    const svc = find(kit, 'Service', 'cert-manager-dynadot-webhook');
    expect(svc.spec.ports).toEqual([{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }]);
    const api = find(kit, 'APIService', 'v1alpha1.acme.dynadot.openova.io');
    expect(api.apiVersion).toBe('apiregistration.k8s.io/v1');
    expect(api.metadata.namespace).toBeUndefined();
    expect(api.spec).toEqual({
      group: 'acme.dynadot.openova.io',
      version: 'v1alpha1',
      groupPriorityMinimum: 1000,
      versionPriority: 15,
      service: { name: 'cert-manager-dynadot-webhook', namespace: 'cert-manager', port: 443 },
    });
    expect(api.metadata.annotations).toEqual({ 'cert-manager.io/inject-ca-from': 'cert-manager/cert-manager-dynadot-webhook-tls' });
  });

  test('serving certificate: self-signed Issuer → CA Certificate → CA Issuer → serving Certificate for the Service names', () => {
    // CRD-backed objects wait in infrastructure/ until cert-manager's HelmRelease is Ready (the rest of the webhook with them).
    expect(infra.filter((o) => o.apiVersion === 'cert-manager.io/v1').map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Issuer/cert-manager-dynadot-webhook-selfsign', 'Certificate/cert-manager-dynadot-webhook-ca',
      'Issuer/cert-manager-dynadot-webhook-ca', 'Certificate/cert-manager-dynadot-webhook-tls',
    ]);
    expect(find(infra, 'Issuer', 'cert-manager-dynadot-webhook-selfsign').spec).toEqual({ selfSigned: {} });
    const ca = find(infra, 'Certificate', 'cert-manager-dynadot-webhook-ca');
    expect(ca.spec).toMatchObject({ isCA: true, issuerRef: { kind: 'Issuer', name: 'cert-manager-dynadot-webhook-selfsign' }, duration: '8760h', renewBefore: '720h' });
    expect(find(infra, 'Issuer', 'cert-manager-dynadot-webhook-ca').spec).toEqual({ ca: { secretName: ca.spec.secretName } });
    const tls = find(infra, 'Certificate', 'cert-manager-dynadot-webhook-tls');
    expect(tls.spec.issuerRef).toEqual({ kind: 'Issuer', name: 'cert-manager-dynadot-webhook-ca' });
    expect(tls.spec.dnsNames).toEqual(['cert-manager-dynadot-webhook', 'cert-manager-dynadot-webhook.cert-manager', 'cert-manager-dynadot-webhook.cert-manager.svc']);
    for (const o of infra.filter((x) => x.apiVersion === 'cert-manager.io/v1')) expect(o.metadata.namespace).toBe('cert-manager');
  });

  test('RBAC: flowcontrol, auth delegation, cert-manager may create ChallengeRequests, and only the credentials Secret is readable', () => {
    const sa = { kind: 'ServiceAccount', name: 'cert-manager-dynadot-webhook', namespace: 'cert-manager' };
    const flow = find(kit, 'ClusterRole', 'cert-manager-dynadot-webhook:flowcontrol-solver');
    expect(flow.rules).toEqual([{ apiGroups: ['flowcontrol.apiserver.k8s.io'], resources: ['prioritylevelconfigurations', 'flowschemas'], verbs: ['list', 'watch'] }]);
    expect(find(kit, 'ClusterRoleBinding', 'cert-manager-dynadot-webhook:flowcontrol-solver').subjects).toEqual([sa]);
    const delegator = find(kit, 'ClusterRoleBinding', 'cert-manager-dynadot-webhook:auth-delegator');
    expect(delegator.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' });
    expect(delegator.subjects).toEqual([sa]);
    const reader = find(kit, 'RoleBinding', 'cert-manager-dynadot-webhook:webhook-authentication-reader');
    expect(reader.metadata.namespace).toBe('kube-system');
    expect(reader.roleRef.name).toBe('extension-apiserver-authentication-reader');

    const solver = find(kit, 'ClusterRole', 'cert-manager-dynadot-webhook:domain-solver');
    expect(solver.rules).toEqual([{ apiGroups: ['acme.dynadot.openova.io'], resources: ['*'], verbs: ['create'] }]);
    const cm = instanceOf(sovereign(), CertManager).controllerServiceAccount;
    expect(find(kit, 'ClusterRoleBinding', 'cert-manager-dynadot-webhook:domain-solver').subjects).toEqual([{ kind: 'ServiceAccount', ...cm }]);

    const secretRole = find(kit, 'Role', 'cert-manager-dynadot-webhook:credentials-reader');
    expect(secretRole.metadata.namespace).toBe('cert-manager');
    expect(secretRole.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['dynadot-api-credentials'], verbs: ['get'] }]);
    expect(find(kit, 'RoleBinding', 'cert-manager-dynadot-webhook:credentials-reader').subjects).toEqual([sa]);
  });

  test('typed getters and outputs match upstream spec.outputs, and follow overrides', () => {
    const bp = instanceOf(sovereign(), CertManagerDynadotWebhook);
    expect(bp.outputs()).toEqual({ solverName: 'dynadot', groupName: 'acme.dynadot.openova.io' });
    expect(Object.keys(bp.outputs())).toEqual(['solverName', 'groupName']);
    expect(bp.credentialsSecret).toEqual({
      name: 'dynadot-api-credentials',
      namespace: 'cert-manager',
      keys: { apiKey: 'api-key', apiSecret: 'api-secret', managedDomains: 'domains', legacyDomain: 'domain' },
    });
    const custom = synthesize(sovereign({ groupName: 'acme.dns.example.org', credentialsSecret: { name: 'dns-creds' } }));
    const objects = objectsOf(custom, `${CLUSTER_DIR}/infrastructure/${FILE}`);
    expect(find(objects, 'APIService', 'v1alpha1.acme.dns.example.org').spec.group).toBe('acme.dns.example.org');
    expect(find(objects, 'Role', 'cert-manager-dynadot-webhook:credentials-reader').rules?.[0].resourceNames).toEqual(['dns-creds']);
  });

  test('observability and network toggles are off by default; on, they render', () => {
    expect(kit.some((o) => o.kind === 'NetworkPolicy' || o.kind === 'ServiceMonitor')).toBe(false);
    const on = synthesize(sovereign({ networkPolicy: { enabled: true }, monitoring: { serviceMonitor: true } }));
    const np = find(objectsOf(on, `${CLUSTER_DIR}/infrastructure/${FILE}`), 'NetworkPolicy', 'cert-manager-dynadot-webhook');
    expect(np.spec.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: 4443 }] }]);
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    // No Blueprint here installs monitoring.coreos.com/v1: the ServiceMonitor is dropped with a warning, not a failure.
    expect(on.warnings.some((w) => w.includes('ServiceMonitor cert-manager-dynadot-webhook'))).toBe(true);
  });

  test('a bad override names its field', () => {
    expectIssueAt(() => sovereign({ securePort: 443 }), 'sovereign.blueprints[2].values.securePort');
    expectIssueAt(() => sovereign({ groupName: 'nodots' }), 'sovereign.blueprints[2].values.groupName');
  });

  test('the module imports work in either order (no load-time cycle with bp-cert-manager)', () => {
    for (const first of ['../../blueprints/cert-manager-dynadot-webhook', '../../blueprints/cert-manager']) {
      jest.isolateModules(() => {
        require(first); // eslint-disable-line @typescript-eslint/no-require-imports
        const { CertManagerDynadotWebhook: W } = require('../../blueprints/cert-manager-dynadot-webhook'); // eslint-disable-line @typescript-eslint/no-require-imports
        const { CertManager: C } = require('../../blueprints/cert-manager'); // eslint-disable-line @typescript-eslint/no-require-imports
        expect(W.spec.depends).toEqual([C]);
        expect(W.spec.namespace).toBe('cert-manager');
      });
    }
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereign());
    expect(objects.some((o) => o.kind === 'APIService' && o.metadata.name === 'v1alpha1.acme.dynadot.openova.io')).toBe(true);
    expect(objects.some((o) => o.kind === 'Certificate' && o.metadata.name === 'cert-manager-dynadot-webhook-tls')).toBe(true);
    expect(result.files.has(`${CLUSTER_DIR}/bootstrap-kit/${FILE}`)).toBe(false);
    expect(result.files.get(`${CLUSTER_DIR}/infrastructure/${FILE}`)).toMatchSnapshot();
  });
});
