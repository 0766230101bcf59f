/**
 * src/network.ts: every namespace the Flux writer creates gets Pod Security labels, a
 * default-deny NetworkPolicy and explicit allows — the baseline, flows along the dependency
 * graph, and the Blueprint's declared `spec.network` needs.
 */
import { k8s } from 'cdk8s-plus-28';
import { CertManager } from '../../blueprints/cert-manager';
import { Cilium } from '../../blueprints/cilium';
import { OpenBao } from '../../blueprints/openbao';
import { Spire } from '../../blueprints/spire';
import { BlueprintClass } from '../../src/blueprint';
import { FLOW_REASON_ANNOTATION, POD_SECURITY_REASON_ANNOTATION } from '../../src/network';
import { Sovereign, use } from '../../src/sovereign';
import { synthesize } from '../../src/synth';
import { manifestBlueprint, ManifestSpec } from '../support/fake-blueprints';
import { validateObject } from '../support/schema';
import { K8sObject, objectsOf } from '../support/tools';

const FQDN = 'net.sovereign.test';
const ORG = { name: 'Acme', email: 'ops@acme.test' };
const dir = `flux/clusters/${FQDN}/bootstrap-kit`;
/** A manifest-only Blueprint (one ConfigMap) with the spec fields under test. */
function bp(name: string, spec: ManifestSpec = {}): BlueprintClass {
  return manifestBlueprint(name, (scope) => {
    new k8s.KubeConfigMap(scope, 'cfg', { metadata: { name: `${name}-cfg` } });
  }, spec);
}

type PolicyPorts = { port: number; protocol: string }[];
type Policy = K8sObject & {
  spec: { podSelector: object; policyTypes: string[]; ingress?: { from?: object[]; ports?: PolicyPorts }[]; egress?: { to?: object[]; ports?: PolicyPorts }[] };
};
const policies = (objs: readonly K8sObject[], ns: string) => new Map(objs.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === ns).map((o) => [o.metadata.name, o as Policy]));
const annotation = (o: K8sObject, key: string) => (o.metadata as { annotations?: Record<string, string> }).annotations?.[key];
const nsPeer = (ns: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });

describe('the baseline every created namespace gets', () => {
  const Api = bp('api');
  const result = synthesize(new Sovereign({ fqdn: FQDN, org: ORG, includeKit: false, blueprints: [use(Api)] }));
  const objs = objectsOf(result, `${dir}/api.yaml`);
  const np = policies(objs, 'api');

  test('Pod Security: restricted by default, enforced, warned and audited', () => {
    const ns = objs.find((o) => o.kind === 'Namespace')!;
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
    expect(annotation(ns, POD_SECURITY_REASON_ANNOTATION)).toBeUndefined();
  });

  test('deny-all selects every pod in both directions and allows nothing', () => {
    expect(np.get('deny-all')!.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('explicit allows: same namespace, DNS to kube-dns only, the API server by port', () => {
    expect([...np.keys()]).toEqual(['deny-all', 'allow-same-namespace', 'allow-dns', 'allow-apiserver']);
    expect(np.get('allow-same-namespace')!.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] });
    expect(np.get('allow-dns')!.spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
    }]);
    expect(np.get('allow-apiserver')!.spec.egress).toEqual([{ ports: [{ protocol: 'TCP', port: 6443 }, { protocol: 'TCP', port: 443 }] }]);
  });

  test('every policy says why it exists and validates against the NetworkPolicy schema', () => {
    for (const p of np.values()) {
      expect(annotation(p, FLOW_REASON_ANNOTATION)).toEqual(expect.any(String));
      expect(p.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'catalyst-cdk', 'catalyst.openova.io/blueprint': 'bp-api' });
      expect(validateObject(p)).toEqual([]);
    }
  });
});

describe('flows along the dependency graph', () => {
  const Db = bp('db');
  const Api = bp('api', { depends: [Db] });
  const Ui = bp('ui', { depends: [Api] });
  const result = synthesize(new Sovereign({ fqdn: FQDN, org: ORG, includeKit: false, blueprints: [use(Db), use(Api), use(Ui)] }));
  const api = policies(objectsOf(result, `${dir}/api.yaml`), 'api');
  const db = policies(objectsOf(result, `${dir}/db.yaml`), 'db');

  test('a dependant reaches its dependency, and the dependency admits it (nothing else)', () => {
    expect(api.get('allow-to-dependencies')!.spec).toEqual({ podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [nsPeer('db')] }] });
    expect(db.get('allow-from-dependants')!.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [nsPeer('api')] }] });
    expect(api.get('allow-from-dependants')!.spec.ingress).toEqual([{ from: [nsPeer('ui')] }]);
    expect(annotation(api.get('allow-to-dependencies')!, FLOW_REASON_ANNOTATION)).toBe('bp-api depends on bp-db');
  });

  test('the reverse direction is open along the same edges (an operator reaching what it manages)', () => {
    expect(db.get('allow-to-dependants')!.spec).toEqual({ podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [nsPeer('api')] }] });
    expect(api.get('allow-from-dependencies')!.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [nsPeer('db')] }] });
  });

  test('no edge, no flow: ui and db do not reach each other', () => {
    const ui = policies(objectsOf(result, `${dir}/ui.yaml`), 'ui');
    expect(JSON.stringify([...ui.values()])).not.toContain('"db"');
    expect(JSON.stringify([...db.values()])).not.toContain('"ui"');
    expect(db.has('allow-to-dependencies')).toBe(false);
  });
});

describe('declared needs and Pod Security levels', () => {
  const Web = bp('web', {
    network: { ingressFromWorld: [{ port: 8080 }], ingressFromCluster: [{ port: 9443 }], egressToWorld: [{ port: 443 }, { port: 53, protocol: 'UDP' }] },
  });
  const Agent = bp('agent', { podSecurity: { level: 'privileged', reason: 'reads the host /proc' } });
  const Sidecar = bp('sidecar', { namespace: 'agent', podSecurity: { level: 'baseline', reason: 'runs as root' }, network: { egressToWorld: [{ port: 443 }] } });
  const result = synthesize(new Sovereign({ fqdn: FQDN, org: ORG, includeKit: false, blueprints: [use(Web), use(Agent), use(Sidecar)] }));

  test('world and cluster ingress, world egress: on the declared ports only', () => {
    const web = policies(objectsOf(result, `${dir}/web.yaml`), 'web');
    const world = [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }];
    expect(web.get('allow-ingress-from-world')!.spec.ingress).toEqual([{ from: world, ports: [{ protocol: 'TCP', port: 8080 }] }]);
    expect(web.get('allow-ingress-from-cluster')!.spec.ingress).toEqual([{ from: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: 9443 }] }]);
    expect(web.get('allow-egress-to-world')!.spec.egress).toEqual([{ to: world, ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 443 }] }]);
  });

  test('a shared namespace takes the weakest level any of its Blueprints needs, with every reason', () => {
    const ns = objectsOf(result, `${dir}/agent.yaml`).find((o) => o.kind === 'Namespace')!;
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/audit']).toBe('restricted');
    expect(annotation(ns, POD_SECURITY_REASON_ANNOTATION)).toBe('bp-agent: privileged: reads the host /proc; bp-sidecar: baseline: runs as root');
    // The namespace's policies are written once (with its first Blueprint) and cover the second one's needs.
    expect(objectsOf(result, `${dir}/sidecar.yaml`).some((o) => o.kind === 'Namespace' || o.kind === 'NetworkPolicy')).toBe(false);
    expect(annotation(policies(objectsOf(result, `${dir}/agent.yaml`), 'agent').get('allow-egress-to-world')!, FLOW_REASON_ANNOTATION)).toBe('bp-sidecar reaches the internet on 443/TCP');
  });
});

describe('the kit', () => {
  const result = synthesize(new Sovereign({ fqdn: FQDN, org: ORG, includeKit: false, blueprints: [use(Cilium), use(CertManager), use(Spire), use(OpenBao)] }));

  test('no Namespace and no policy is written for namespaces that exist before Flux (kube-system)', () => {
    const cilium = objectsOf(result, `${dir}/01-cilium.yaml`);
    expect(cilium.some((o) => o.kind === 'Namespace' || o.kind === 'NetworkPolicy')).toBe(false);
  });

  test('cert-manager: ACME and the DNS-01/HTTP-01 self-checks out, the API server in to the webhook', () => {
    const np = policies(objectsOf(result, `${dir}/02-cert-manager.yaml`), 'cert-manager');
    expect(np.get('allow-egress-to-world')!.spec.egress![0].ports).toEqual([{ protocol: 'TCP', port: 53 }, { protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 443 }]);
    expect(np.get('allow-ingress-from-cluster')!.spec.ingress![0].ports).toEqual([{ protocol: 'TCP', port: 10250 }]);
    expect(np.get('allow-to-dependencies')!.spec.egress).toEqual([{ to: [nsPeer('kube-system')] }]);
    expect(np.get('allow-from-dependants')!.spec.ingress).toEqual([{ from: [nsPeer('spire-system')] }]);
  });

  test('spire is privileged (node agent and CSI driver) and says why; openbao baseline and says why', () => {
    const spire = objectsOf(result, `${dir}/06-spire.yaml`).find((o) => o.kind === 'Namespace')!;
    expect(spire.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(annotation(spire, POD_SECURITY_REASON_ANNOTATION)).toMatch(/^bp-spire: privileged: the spire-agent DaemonSet mounts the host socket directory/);
    const bao = objectsOf(result, `${dir}/08-openbao.yaml`).find((o) => o.kind === 'Namespace')!;
    expect(bao.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(annotation(bao, POD_SECURITY_REASON_ANNOTATION)).toMatch(/^bp-openbao: baseline: /);
  });
});
