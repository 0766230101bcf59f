import {
  CLUSTER_DIR, expectChartPin, expectedChartValues, expectIssueAt, expectMatchesSlot, helmReleaseNamed, instanceOf,
  kitSlot, kustomizeCluster, slotBlueprintVersion, slotObjects, sovereignWith, upstreamProvenance, upstreamValues, valuesFor,
} from './kit-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { Cilium } from '../../blueprints/cilium';
import { Cnpg } from '../../blueprints/cnpg';
import { ExternalDns } from '../../blueprints/external-dns';
import { Flux } from '../../blueprints/flux';
import { PowerDns } from '../../blueprints/powerdns';
import { isNamespaceBaseline } from '../../src/network';
import { BlueprintUse, use } from '../../src/sovereign';
import { synthesize, SynthResult } from '../../src/synth';
import { deepMerge, PlainObject } from '../../src/values';
import { K8sObject, parseStream } from '../support/tools';

const SLOT = kitSlot('12-external-dns');
const base = () => [use(Cilium), use(CertManager), use(Flux), use(Cnpg)];
const UPSTREAM = upstreamValues('external-dns') as {
  externalDns: {
    networkPolicy: { enabled: boolean; powerdnsNamespace: string; powerdnsApiPort: number };
    serviceMonitor: { enabled: boolean; interval: string };
    externalSecret: {
      enabled: boolean;
      refreshInterval: string;
      secretStoreRef: { name: string; kind: string };
      target: { name: string };
      data: { secretKey: string; remoteRef: { key: string; property: string } }[];
    };
  };
};

interface Built { result: SynthResult; kit: K8sObject[]; bp: ExternalDns; pdns: PowerDns }

function build(edns: BlueprintUse = use(ExternalDns), pdns: BlueprintUse = use(PowerDns)): Built {
  const sov = sovereignWith([...base(), pdns, edns]);
  const result = synthesize(sov);
  return { result, kit: slotObjects(result, '12-external-dns.yaml'), bp: instanceOf(sov, ExternalDns), pdns: instanceOf(sov, PowerDns) };
}

const find = (objects: readonly K8sObject[], kind: string, name: string): K8sObject & PlainObject => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name} in ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o as K8sObject & PlainObject;
};

/**
 * Literal credentials anywhere in the synthesized files: Secret objects carrying data,
 * password-like keys holding a value, or long random-looking tokens.
 */
function literalSecrets(result: SynthResult): string[] {
  const found: string[] = [];
  const SECRETISH = /^(password|passwd|.*Password|apiKey|api-key|token|secretKey)$/;
  const walk = (v: unknown, at: string): void => {
    if (Array.isArray(v)) {v.forEach((x, i) => walk(x, `${at}[${i}]`));} else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (typeof x === 'string' && x !== '' && SECRETISH.test(k)) found.push(`${at}.${k}`);
        walk(x, `${at}.${k}`);
      }
    }
  };
  for (const [file, text] of result.files) {
    if (file.endsWith('.yaml')) {
      for (const o of parseStream(text)) {
        if (o.kind === 'Secret' && (o.data || o.stringData)) found.push(`${file}: Secret ${o.metadata?.name} has data`);
        walk(o, `${file}: ${o.kind}/${o.metadata?.name ?? ''}`);
      }
    }
    for (const t of text.match(/\b(?=[A-Za-z0-9]*[A-Z])(?=[A-Za-z0-9]*[a-z])(?=[A-Za-z0-9]*[0-9])[A-Za-z0-9]{20,}\b/g) ?? []) {
      found.push(`${file}: random-looking token ${t}`);
    }
  }
  return found;
}

describe('bp-external-dns', () => {
  test('the chart pin is upstream external-dns 1.15.2', () => {
    const prov = upstreamProvenance('external-dns');
    // helmChart() refuses a trailing '/', which the upstream repo URL had; same repository.
    expect(Object.values(ExternalDns.spec.upstream[0])).toEqual([prov.chart, prov.version, prov.repo.replace(/\/$/, '')]);
    expect(ExternalDns.spec.version).toBe(slotBlueprintVersion(SLOT));
    expect(ExternalDns.spec.slot).toBe(12);
  });

  test('defaults give the chart the upstream values with the kit overlay, and --pdns-server fixed', () => {
    const { bp } = build();
    const expected = expectedChartValues('external-dns', 'external-dns', SLOT) as { extraArgs: string[] };
    // The defect: PowerDNS runs in `powerdns`, not `openova-system`.
    expect(expected.extraArgs[0]).toBe('--pdns-server=http://powerdns.openova-system.svc.cluster.local:8081');
    const fixed = deepMerge(expected, { extraArgs: ['--pdns-server=http://powerdns.powerdns.svc.cluster.local:8081', ...expected.extraArgs.slice(1)] });
    expect(valuesFor(bp, 'external-dns')).toEqual(fixed);
    // txtOwnerId and domainFilters are the FQDN token (the kit's overrides), from the model.
    expect(valuesFor(bp, 'external-dns')).toMatchObject({ txtOwnerId: '${SOVEREIGN_FQDN}', domainFilters: ['${SOVEREIGN_FQDN}'] });
  });

  test('--pdns-server and the NetworkPolicy follow bp-powerdns\'s getters', () => {
    const { bp, kit, pdns } = build(use(ExternalDns), use(PowerDns, { values: { webserver: { port: 8082 } } }));
    expect(pdns.apiEndpoint).toBe('http://powerdns.powerdns.svc.cluster.local:8082');
    expect((valuesFor(bp, 'external-dns').extraArgs as string[])[0]).toBe(`--pdns-server=${pdns.apiEndpoint}`);
    const np = find(kit, 'NetworkPolicy', 'external-dns') as unknown as { spec: { egress: { to?: PlainObject[]; ports: PlainObject[] }[] } };
    expect(np.spec.egress[2]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': pdns.namespace } } }],
      ports: [{ protocol: 'TCP', port: 8082 }],
    });
  });

  test('the HelmRelease matches kit slot 12', () => {
    const { result, kit } = build();
    const hr = helmReleaseNamed(kit, 'bp-external-dns');
    expectMatchesSlot(hr, SLOT);
    expectChartPin(kit, hr, ExternalDns.spec.upstream[0]);
    expect(result.files.get(`${CLUSTER_DIR}/bootstrap-kit/12-external-dns.yaml`)).toMatchSnapshot();
  });

  test('the API key Secret exists in the external-dns namespace: mirrored from bp-powerdns\'s', () => {
    const { kit, bp, pdns } = build();
    const env = (valuesFor(bp, 'external-dns').env as { valueFrom: { secretKeyRef: { name: string; key: string } } }[])[0].valueFrom.secretKeyRef;
    expect(env).toEqual({ name: pdns.apiCredentials.secretName, key: pdns.apiCredentials.key });
    // No Secret object and no cross-namespace reference: a CronJob in this namespace creates it
    // (a CronJob, so bootstrap-kit never waits on bp-powerdns's Secret, created in infrastructure/).
    expect(kit.some((o) => o.kind === 'Secret' || o.kind === 'Job')).toBe(false);
    const job = find(kit, 'CronJob', `${env.name}-generator`);
    expect(job.metadata.namespace).toBe('external-dns');
    type CronJobJson = { spec: { jobTemplate: { spec: { template: { spec: { containers: { command: string[] }[] } } } } } };
    const script = (job as unknown as CronJobJson).spec.jobTemplate.spec.template.spec.containers[0].command[2];
    expect(script).toContain(`source="$api/api/v1/namespaces/${pdns.namespace}/secrets/${pdns.apiCredentials.secretName}"`);
    expect(script).toContain('target="$api/api/v1/namespaces/external-dns/secrets"');
    // Read access to exactly that Secret, granted in the powerdns namespace.
    const reader = kit.find((o) => o.kind === 'Role' && o.metadata.namespace === pdns.namespace) as unknown as { rules: unknown };
    expect(reader.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], resourceNames: [pdns.apiCredentials.secretName], verbs: ['get'] }]);
    const binding = kit.find((o) => o.kind === 'RoleBinding' && o.metadata.namespace === pdns.namespace) as unknown as { subjects: unknown };
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: `${env.name}-generator`, namespace: 'external-dns' }]);
  });

  test('NetworkPolicy: egress only to DNS, the API server and the PowerDNS API; no ingress by default', () => {
    const { kit, pdns } = build();
    expect(UPSTREAM.externalDns.networkPolicy.enabled).toBe(true);
    const np = find(kit, 'NetworkPolicy', 'external-dns') as unknown as { spec: { podSelector: PlainObject; policyTypes: string[]; ingress: unknown[]; egress: unknown[] } };
    expect(np.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'external-dns', 'app.kubernetes.io/instance': 'external-dns' } });
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress).toEqual([]);
    expect(np.spec.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      },
      { ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }] },
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': pdns.namespace } } }], ports: [{ protocol: 'TCP', port: pdns.apiPort }] },
    ]);
    const off = build(use(ExternalDns, { values: { networkPolicy: { enabled: false } } })).kit;
    expect(off.some((o) => o.kind === 'NetworkPolicy' && !isNamespaceBaseline(o))).toBe(false);
  });

  test('ServiceMonitor: off by default; when on, optional and dropped with a warning (no monitoring.coreos.com provider)', () => {
    const off = build();
    expect(UPSTREAM.externalDns.serviceMonitor.enabled).toBe(false);
    expect(off.result.warnings.filter((w) => w.includes('external-dns'))).toEqual([]);
    const on = build(use(ExternalDns, { values: { monitoring: { serviceMonitor: true } } }));
    expect(on.result.warnings).toContainEqual(expect.stringContaining('dropped optional ServiceMonitor external-dns'));
    expect([...on.result.files.values()].join('\n')).not.toContain('monitoring.coreos.com');
    // The scrape port opens only when something scrapes it.
    const np = find(on.kit, 'NetworkPolicy', 'external-dns') as unknown as { spec: { ingress: unknown[] } };
    expect(np.spec.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: 7979 }] }]);
  });

  test('ExternalSecret: off by default; when on it replaces the mirror Job and is optional (no external-secrets.io provider)', () => {
    const es = UPSTREAM.externalDns.externalSecret;
    expect(es.enabled).toBe(false);
    const on = build(use(ExternalDns, { values: { externalSecret: { enabled: true } } }));
    expect(on.kit.some((o) => o.kind === 'Job' || o.kind === 'CronJob')).toBe(false);
    expect(on.result.warnings).toContainEqual(expect.stringContaining(`dropped optional ExternalSecret ${es.target.name}: no installed dependency of bp-external-dns provides external-secrets.io/v1beta1`));
    // The object that would be emitted carries the upstream store reference.
    const obj = on.bp.overlayScope.node.findAll().map((c) => c as unknown as { kind?: string; toJson?: () => PlainObject }).find((c) => c.kind === 'ExternalSecret');
    expect(obj?.toJson?.()).toMatchObject({
      metadata: { name: es.target.name, namespace: 'external-dns' },
      spec: {
        refreshInterval: es.refreshInterval,
        secretStoreRef: es.secretStoreRef,
        target: { name: es.target.name },
        data: es.data,
      },
    });
  });

  test('txtOwnerId and domainFilters can be set; a bad policy is rejected with its path', () => {
    const { bp } = build(use(ExternalDns, { values: { txtOwnerId: 'acme', domainFilters: ['a.example', 'b.example'] } }));
    expect(valuesFor(bp, 'external-dns')).toMatchObject({ txtOwnerId: 'acme', domainFilters: ['a.example', 'b.example'] });
    expectIssueAt(() => sovereignWith([...base(), use(PowerDns), use(ExternalDns, { values: { policy: 'delete-all' as never } })]), 'sovereign.blueprints[5].values.policy');
  });

  test('every overlay object carries app.kubernetes.io labels', () => {
    const { kit } = build();
    const overlays = kit.filter((o) => !isNamespaceBaseline(o) && !['HelmRepository', 'HelmRelease'].includes(o.kind));
    expect(overlays.length).toBeGreaterThanOrEqual(7);
    for (const o of overlays) {
      expect(o.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'external-dns', 'app.kubernetes.io/instance': 'external-dns', 'app.kubernetes.io/managed-by': 'catalyst-cdk' });
    }
  });

  test('without bp-powerdns the Sovereign refuses to build', () => {
    expectIssueAt(() => sovereignWith([use(Cilium), use(CertManager), use(ExternalDns)]), 'sovereign.blueprints[2].depends');
  });

  test('no literal secret in any synthesized file', () => {
    expect(literalSecrets(build().result)).toEqual([]);
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignWith([...base(), use(PowerDns), use(ExternalDns)]));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-external-dns')).toBe(true);
    expect(objects.some((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'external-dns')).toBe(true);
    expect(objects.some((o) => o.kind === 'Role' && o.metadata.namespace === 'powerdns' && o.metadata.name.endsWith('-reader-external-dns'))).toBe(true);
  });
});
