/**
 * bp-cert-manager's DNS-01 ClusterIssuer and its typed link to bp-cert-manager-dynadot-webhook:
 * the solver's group, name and credentials Secret are read from the webhook Blueprint's getters,
 * never copied into cert-manager's values.
 */
import { CLUSTER_DIR, expectIssueAt, instanceOf, sovereignWith, upstreamValues } from './kit-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { CertManagerDynadotWebhook } from '../../blueprints/cert-manager-dynadot-webhook';
import { Cilium } from '../../blueprints/cilium';
import { use } from '../../src/sovereign';
import { synthesize } from '../../src/synth';
import { K8sObject, objectsOf } from '../support/tools';

const IMAGE = { repository: 'ghcr.io/openova-io/openova/cert-manager-dynadot-webhook', tag: 'sha-4f80be2' };
const dns01On = { issuers: { dns01: { enabled: true } } };
const CM_INFRA = `${CLUSTER_DIR}/infrastructure/02-cert-manager.yaml`;

interface SecretRef {
  readonly name: string;
  readonly key: string;
  readonly namespace?: string;
}
interface Solver {
  readonly dns01?: { webhook: { groupName: string; solverName: string; config: Record<string, SecretRef> } };
  readonly http01?: unknown;
}
interface IssuerObj extends K8sObject {
  readonly spec: { acme: { server: string; email: string; privateKeySecretRef: { name: string }; solvers: Solver[] } };
}
const issuers = (objects: readonly K8sObject[]) => objects.filter((o) => o.kind === 'ClusterIssuer') as IssuerObj[];
const named = (objects: readonly K8sObject[], name: string) => {
  const o = issuers(objects).find((i) => i.metadata.name === name);
  if (!o) throw new Error(`no ClusterIssuer ${name}`);
  return o;
};

describe('bp-cert-manager DNS-01 issuer', () => {
  test('DNS-01 is off by default: only the HTTP-01 issuer, which is what dependants get', () => {
    const sov = sovereignWith([use(Cilium), use(CertManager)]);
    const objects = objectsOf(synthesize(sov), CM_INFRA);
    expect(issuers(objects).map((i) => i.metadata.name)).toEqual(['letsencrypt-http01-prod']);
    const cm = instanceOf(sov, CertManager);
    expect(CertManager.spec.defaults.issuers.dns01).toEqual({ enabled: false });
    expect(cm.issuer).toEqual({ name: 'letsencrypt-http01-prod', kind: 'ClusterIssuer', group: 'cert-manager.io' });
    expect(cm.wildcardIssuer).toBeUndefined();
    expect(cm.outputs()).toEqual({ issuerName: 'letsencrypt-http01-prod', issuerKind: 'ClusterIssuer' });
  });

  test('enabled without the webhook Blueprint: a clear error at the dns01 switch', () => {
    const sov = sovereignWith([use(Cilium), use(CertManager, { values: dns01On })]);
    const message = expectIssueAt(() => synthesize(sov), 'sovereign.blueprints[1].values.issuers.dns01.enabled');
    expect(message).toContain('bp-cert-manager-dynadot-webhook');
    expect(message).toContain('dns01.enabled to false');
  });

  test('enabled with the webhook: the solver comes from the webhook\'s typed getters', () => {
    const sov = sovereignWith([use(Cilium), use(CertManager, { values: dns01On }), use(CertManagerDynadotWebhook, { values: { image: IMAGE } })]);
    const webhook = instanceOf(sov, CertManagerDynadotWebhook);
    const issuer = named(objectsOf(synthesize(sov), CM_INFRA), 'letsencrypt-dns01-prod');
    const solver = issuer.spec.acme.solvers[0].dns01!.webhook;
    expect(solver.groupName).toBe(webhook.groupName);
    expect(solver.solverName).toBe(webhook.solverName);
    const secret = webhook.credentialsSecret;
    expect(solver.config).toEqual({
      apiKeySecretRef: { name: secret.name, key: secret.keys.apiKey },
      apiSecretSecretRef: { name: secret.name, key: secret.keys.apiSecret },
      managedDomainsSecretRef: { name: secret.name, key: secret.keys.managedDomains },
    });
    // Upstream bug: the refs pointed into openova-system; a ClusterIssuer resolves them in cert-manager's namespace.
    expect(secret.namespace).toBe('cert-manager');
    expect(JSON.stringify(solver.config)).not.toContain('namespace');
    expect(issuer.spec.acme.privateKeySecretRef.name).toBe('letsencrypt-dns01-prod-account-key');
    expect(issuer.spec.acme.email).toBe('ops@acme.test');

    const cm = instanceOf(sov, CertManager);
    expect(cm.issuer.name).toBe('letsencrypt-dns01-prod');
    // The upstream blueprint.yaml outputs.
    expect(cm.outputs()).toEqual({ issuerName: 'letsencrypt-dns01-prod', issuerKind: 'ClusterIssuer', wildcardIssuerName: 'letsencrypt-dns01-prod' });
  });

  test('the defaults reproduce upstream\'s curated group and solver names', () => {
    const up = upstreamValues('cert-manager') as { certManager: { issuers: { dns01: { webhookGroupName: string; webhookSolverName: string } } } };
    const d = CertManagerDynadotWebhook.spec.defaults;
    expect({ webhookGroupName: d.groupName, webhookSolverName: d.solverName }).toEqual({
      webhookGroupName: up.certManager.issuers.dns01.webhookGroupName,
      webhookSolverName: up.certManager.issuers.dns01.webhookSolverName,
    });
  });

  test('overriding the webhook moves the issuer with it (no copy can drift)', () => {
    const sov = sovereignWith([
      use(Cilium),
      use(CertManager, { values: dns01On }),
      use(CertManagerDynadotWebhook, { values: { image: IMAGE, groupName: 'acme.dns.example.org', credentialsSecret: { name: 'dns-creds', keys: { apiKey: 'key' } } } }),
    ]);
    const result = synthesize(sov);
    const solver = named(objectsOf(result, CM_INFRA), 'letsencrypt-dns01-prod').spec.acme.solvers[0].dns01!.webhook;
    expect(solver.groupName).toBe('acme.dns.example.org');
    expect(solver.config.apiKeySecretRef).toEqual({ name: 'dns-creds', key: 'key' });
    expect(solver.config.apiSecretSecretRef).toEqual({ name: 'dns-creds', key: 'api-secret' });
    // ...and the APIService cert-manager calls is registered for that same group.
    const webhookObjects = objectsOf(result, `${CLUSTER_DIR}/infrastructure/cert-manager-dynadot-webhook.yaml`);
    expect(webhookObjects.some((o) => o.kind === 'APIService' && o.metadata.name === 'v1alpha1.acme.dns.example.org')).toBe(true);
  });

  test('the ClusterIssuers wait in infrastructure/, after cert-manager\'s CRDs exist', () => {
    const sov = sovereignWith([use(Cilium), use(CertManager, { values: dns01On }), use(CertManagerDynadotWebhook, { values: { image: IMAGE } })]);
    const result = synthesize(sov);
    expect(issuers(objectsOf(result, CM_INFRA)).map((i) => i.metadata.name)).toEqual(['letsencrypt-dns01-prod', 'letsencrypt-http01-prod']);
    expect(issuers(objectsOf(result, `${CLUSTER_DIR}/bootstrap-kit/02-cert-manager.yaml`))).toEqual([]);
  });

  test('the controller ServiceAccount getter names the jetstack chart\'s account', () => {
    expect(instanceOf(sovereignWith([use(Cilium), use(CertManager)]), CertManager).controllerServiceAccount).toEqual({ name: 'cert-manager', namespace: 'cert-manager' });
  });
});
