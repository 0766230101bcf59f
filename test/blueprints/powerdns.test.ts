import { createHash } from 'crypto';
import {
  CLUSTER_DIR, expectChartPin, expectedChartValues, expectIssueAt, expectMatchesSlot, helmReleaseNamed, instanceOf,
  kitSlot, kustomizeCluster, slotBlueprintVersion, slotObjects, sovereignWith, upstreamProvenance, upstreamValues, valuesFor,
} from './kit-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { Cilium } from '../../blueprints/cilium';
import { Cnpg } from '../../blueprints/cnpg';
import { Flux } from '../../blueprints/flux';
import { POWERDNS_API_SECRET, PowerDns } from '../../blueprints/powerdns';
import { isNamespaceBaseline } from '../../src/network';
import { BlueprintUse, use } from '../../src/sovereign';
import { synthesize, SynthResult } from '../../src/synth';
import { PlainObject } from '../../src/values';
import { K8sObject, objectsOf, parseStream } from '../support/tools';

const SLOT = kitSlot('11-powerdns');
const base = () => [use(Cilium), use(CertManager), use(Flux), use(Cnpg)];
const UPSTREAM = upstreamValues('powerdns') as {
  postgres: {
    cluster: {
      name: string;
      namespace: string;
      instances: number;
      storageSize: string;
      storageClass: string;
      pgVersion: string;
      database: string;
      owner: string;
      resources: unknown;
    };
    schemaURL: string;
  };
  dnsdist: {
    image: { repository: string; tag: string; pullPolicy: string };
    replicaCount: number;
    resources: unknown;
    ratelimit: { qpsPerSource: number };
    service: { type: string };
  };
  api: { path: string; pathType: string; tls: { secretName: string } };
  anycast: { serviceName: string; serviceType: string; ports: { name: string; port: number; targetPort: string; protocol: string }[] };
};

interface Built {
  result: SynthResult;
  /** bootstrap-kit/11-powerdns.yaml */
  kit: K8sObject[];
  /** infrastructure/11-powerdns.yaml */
  infra: K8sObject[];
  /** Every object of both files. */
  all: K8sObject[];
  bp: PowerDns;
}

function build(extra: BlueprintUse[] = [use(PowerDns)]): Built {
  const sov = sovereignWith([...base(), ...extra]);
  const result = synthesize(sov);
  const kit = slotObjects(result, '11-powerdns.yaml');
  const infra = objectsOf(result, `${CLUSTER_DIR}/infrastructure/11-powerdns.yaml`);
  return { result, kit, infra, all: [...kit, ...infra], bp: instanceOf(sov, PowerDns) };
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

describe('bp-powerdns', () => {
  test('the chart pin is upstream powerdns 0.10.0 from schich.tel', () => {
    const prov = upstreamProvenance('powerdns');
    expect(PowerDns.spec.upstream).toEqual([{ chart: prov.chart, version: prov.version, repository: prov.repo }]);
    expect(PowerDns.spec.version).toBe(slotBlueprintVersion(SLOT));
    expect(PowerDns.spec.slot).toBe(11);
  });

  test('defaults give the chart the upstream curated values, minus the in-chart generator inputs', () => {
    const { bp } = build();
    // apiKey/webserverPassword/useExistingApiSecret fed the umbrella chart's own Secret template
    // (the gpgsql chart ignores them); the Secret is now generated in-cluster by an overlay.
    const { apiKey, webserverPassword, useExistingApiSecret, ...rest } = expectedChartValues('powerdns', 'powerdns', SLOT);
    expect([apiKey, webserverPassword, useExistingApiSecret]).toEqual(['', '', false]);
    expect(valuesFor(bp, 'powerdns')).toEqual(rest);
  });

  test('the HelmRelease matches kit slot 11, plus bp-cnpg (the zone database operator)', () => {
    const { result, kit } = build();
    const hr = helmReleaseNamed(kit, 'bp-powerdns');
    expect((hr.spec.dependsOn ?? []).map((d) => d.name)).toEqual(['bp-cert-manager', 'bp-cnpg']);
    expectMatchesSlot({ ...hr, spec: { ...hr.spec, dependsOn: hr.spec.dependsOn!.filter((d) => d.name !== 'bp-cnpg') } }, SLOT);
    expect(hr.spec.timeout).toBe('15m');
    expectChartPin(kit, hr, PowerDns.spec.upstream[0]);
    expect(result.files.get(`${CLUSTER_DIR}/bootstrap-kit/11-powerdns.yaml`)).toMatchSnapshot();
  });

  test('the zone database is a CNPG Cluster in the powerdns namespace, whose app Secret the chart reads', () => {
    const { infra, kit, bp } = build();
    const up = UPSTREAM.postgres.cluster;
    // CRD-backed: in infrastructure/, after bp-cnpg's CRDs (upstream #190).
    expect(kit.some((o) => o.kind === 'Cluster')).toBe(false);
    const cluster = find(infra, 'Cluster', up.name) as unknown as { apiVersion: string; metadata: { namespace: string }; spec: PlainObject };
    expect(cluster.apiVersion).toBe('postgresql.cnpg.io/v1');
    // Fix: upstream put it in openova-system, where PowerDNS (namespace powerdns) cannot read its Secret.
    expect(up.namespace).toBe('openova-system');
    expect(cluster.metadata.namespace).toBe('powerdns');
    expect(cluster.spec).toMatchObject({
      instances: up.instances,
      storage: { size: up.storageSize, storageClass: up.storageClass },
      bootstrap: { initdb: { database: up.database, owner: up.owner } },
      resources: up.resources,
      imageName: expect.stringMatching(new RegExp(`^ghcr\\.io/cloudnative-pg/postgresql:${up.pgVersion}\\.[0-9]+$`)),
    });
    expect(bp.databaseSecret).toBe(`${up.name}-app`);
    const db = (valuesFor(bp, 'powerdns').powerdns as { db: Record<string, { name: string }> }).db;
    for (const k of ['host', 'port', 'name', 'username', 'password']) expect(db[k].name).toBe(bp.databaseSecret);
  });

  test('dnsdist: pinned image, resources, probes, non-root, and a config rendered from the typed rate limit', () => {
    const { all: kit, bp } = build();
    const up = UPSTREAM.dnsdist;
    const cm = find(kit, 'ConfigMap', 'dnsdist-config') as unknown as { data: { 'dnsdist.conf': string } };
    const conf = cm.data['dnsdist.conf'];
    expect(conf).toContain(`MaxQPSIPRule(${up.ratelimit.qpsPerSource})`);
    expect(conf).toContain("os.getenv('POWERDNS_SERVICE_HOST')");
    // Fix: the Service port (53), and no fallback to 127.0.0.1 (dnsdist itself).
    expect(conf).toContain("backend .. ':53'");
    expect(conf).not.toContain('127.0.0.1');
    expect(conf).not.toContain('{{');
    const dep = find(kit, 'Deployment', 'dnsdist') as unknown as { spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: { enableServiceLinks: boolean; securityContext: PlainObject; containers: PlainObject[]; volumes: PlainObject[] } } } };
    const pod = dep.spec.template;
    const c = pod.spec.containers[0];
    expect(c.image).toBe(`${up.image.repository}:${up.image.tag}`);
    expect(c.imagePullPolicy).toBe(up.image.pullPolicy);
    expect(c.resources).toEqual(up.resources);
    expect(c.readinessProbe).toMatchObject({ tcpSocket: { port: 'dns-tcp' } });
    expect(c.livenessProbe).toMatchObject({ tcpSocket: { port: 'dns-tcp' } });
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 953 });
    expect(pod.spec.enableServiceLinks).toBe(true);
    expect(dep.spec.replicas).toBe(up.replicaCount);
    expect(pod.metadata.labels).toMatchObject(dep.spec.selector.matchLabels);
    expect(pod.metadata.annotations['catalyst.openova.io/config-sha256']).toBe(createHash('sha256').update(conf).digest('hex'));
    expect(bp.dnsdistConfig()).toBe(conf);
    const svc = find(kit, 'Service', 'dnsdist') as unknown as { spec: { type: string; selector: unknown; ports: unknown[] } };
    expect(svc.spec.type).toBe(up.service.type);
    expect(svc.spec.selector).toEqual(dep.spec.selector.matchLabels);
    // A changed rate limit changes the config and rolls the pods.
    const other = build([use(PowerDns, { values: { dnsdist: { ratelimit: { qpsPerSource: 50 } } } })]).all;
    const conf50 = (find(other, 'ConfigMap', 'dnsdist-config') as unknown as { data: { 'dnsdist.conf': string } }).data['dnsdist.conf'];
    expect(conf50).toContain('MaxQPSIPRule(50)');
    const dep50 = find(other, 'Deployment', 'dnsdist') as unknown as typeof dep;
    expect(dep50.spec.template.metadata.annotations['catalyst.openova.io/config-sha256']).not.toBe(pod.metadata.annotations['catalyst.openova.io/config-sha256']);
  });

  test('the anycast Service is a LoadBalancer on 53/UDP+TCP in front of dnsdist', () => {
    const { all: kit } = build();
    const up = UPSTREAM.anycast;
    const svc = find(kit, 'Service', up.serviceName) as unknown as { spec: { type: string; selector: Record<string, string>; ports: unknown[]; externalTrafficPolicy: string } };
    expect(svc.spec.type).toBe(up.serviceType);
    expect(svc.spec.ports).toEqual(up.ports);
    const dep = find(kit, 'Deployment', 'dnsdist') as unknown as { spec: { selector: { matchLabels: Record<string, string> } } };
    expect(svc.spec.selector).toEqual(dep.spec.selector.matchLabels);
    // Client source IPs reach dnsdist's per-IP rate limit.
    expect(svc.spec.externalTrafficPolicy).toBe('Local');
  });

  test('the API Ingress uses the FQDN token, the typed class and bp-cert-manager\'s issuer; no Traefik', () => {
    const { result, all: kit } = build();
    const ing = find(kit, 'Ingress', 'powerdns-api') as unknown as { metadata: { annotations: Record<string, string> }; spec: { ingressClassName: string; tls: unknown[]; rules: { host: string; http: { paths: PlainObject[] } }[] } };
    expect(ing.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt-http01-prod' });
    expect(ing.spec.ingressClassName).toBe('cilium');
    expect(ing.spec.tls).toEqual([{ hosts: ['pdns.${SOVEREIGN_FQDN}'], secretName: UPSTREAM.api.tls.secretName }]);
    expect(ing.spec.rules).toEqual([{
      host: 'pdns.${SOVEREIGN_FQDN}',
      http: { paths: [{ path: UPSTREAM.api.path, pathType: UPSTREAM.api.pathType, backend: { service: { name: 'powerdns', port: { number: 8081 } } } }] },
    }]);
    const all = [...result.files.values()].join('\n');
    for (const gone of ['pdns.openova.io', 'letsencrypt-prod', 'traefik.io', 'openova-system', 'powerdns-api-auth']) expect(all).not.toContain(gone);
    const ingressClass = build([use(PowerDns, { values: { api: { ingressClassName: 'nginx' } } })]).all;
    expect((find(ingressClass, 'Ingress', 'powerdns-api') as unknown as { spec: { ingressClassName: string } }).spec.ingressClassName).toBe('nginx');
  });

  test('API credentials: generated in-cluster, exposed through typed getters', () => {
    const { all: kit, bp } = build();
    expect(kit.some((o) => o.kind === 'Secret')).toBe(false);
    const job = find(kit, 'Job', `${POWERDNS_API_SECRET}-generator`) as unknown as { spec: { template: { spec: { containers: { command: string[] }[] } } } };
    const script = job.spec.template.spec.containers[0].command[2];
    expect(script).toContain('\\"api-key\\":\\"$(rand)\\"');
    expect(script).toContain('\\"webserver-password\\":\\"$(rand)\\"');
    expect(bp.apiEndpoint).toBe('http://powerdns.powerdns.svc.cluster.local:8081');
    expect(bp.apiCredentials).toEqual({ secretName: POWERDNS_API_SECRET, key: 'api-key' });
    expect(bp.namespace).toBe('powerdns');
    const v = valuesFor(bp, 'powerdns').powerdns as { api: { key: unknown }; webserver: { password: unknown } };
    expect(v.api.key).toEqual({ name: POWERDNS_API_SECRET, key: 'api-key' });
    expect(v.webserver.password).toEqual({ name: POWERDNS_API_SECRET, key: 'webserver-password' });
    const own = build([use(PowerDns, { values: { existingCredentialsSecret: 'pdns-from-openbao' } })]);
    expect(own.all.some((o) => o.kind === 'Job')).toBe(false);
    expect(own.bp.apiCredentials).toEqual({ secretName: 'pdns-from-openbao', key: 'api-key' });
  });

  test('every overlay object carries app.kubernetes.io labels', () => {
    const { kit, infra } = build();
    const overlays = [...kit.filter((o) => !isNamespaceBaseline(o) && !['HelmRepository', 'HelmRelease'].includes(o.kind)), ...infra];
    expect(overlays.length).toBeGreaterThanOrEqual(10);
    for (const o of overlays) {
      expect(o.metadata.labels?.['app.kubernetes.io/instance']).toBe('powerdns');
      expect(o.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('catalyst-cdk');
      expect(o.metadata.labels?.['app.kubernetes.io/name']).toMatch(/^(powerdns|dnsdist)$/);
      expect(o.metadata.labels?.['app.kubernetes.io/component']).toBeDefined();
    }
  });

  test('switching off dnsdist, anycast and the API removes their objects; anycast then targets PowerDNS', () => {
    const noFront = build([use(PowerDns, { values: { dnsdist: { enabled: false }, api: { enabled: false } } })]).all;
    expect(noFront.some((o) => o.metadata.name === 'dnsdist' || o.kind === 'Ingress')).toBe(false);
    const svc = find(noFront, 'Service', 'powerdns-anycast') as unknown as { spec: { selector: Record<string, string> } };
    expect(svc.spec.selector).toEqual({ 'app.kubernetes.io/name': 'powerdns', 'app.kubernetes.io/instance': 'powerdns' });
    const none = build([use(PowerDns, { values: { anycast: { enabled: false } } })]).all;
    expect(none.some((o) => o.metadata.name === 'powerdns-anycast')).toBe(false);
  });

  test('without bp-cnpg the Sovereign refuses to build', () => {
    expectIssueAt(() => sovereignWith([use(Cilium), use(CertManager), use(PowerDns)]), 'sovereign.blueprints[2].depends');
  });

  test('no literal secret in any synthesized file', () => {
    expect(literalSecrets(build().result)).toEqual([]);
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignWith([...base(), use(PowerDns)]));
    for (const [kind, name] of [['HelmRelease', 'bp-powerdns'], ['Cluster', 'pdns-pg'], ['Deployment', 'dnsdist'], ['Ingress', 'powerdns-api'], ['Job', `${POWERDNS_API_SECRET}-generator`]]) {
      expect(objects.some((o) => o.kind === kind && o.metadata.name === name)).toBe(true);
    }
  });
});
