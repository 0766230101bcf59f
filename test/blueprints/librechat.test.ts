import { parse } from 'yaml';
import {
  appObjects, appSovereign, appUses, declaredDependencies, envOf, expectHardenedDeployment, expectSchemaValid, find, normalizeQuantities,
  secretsIn, targetIndex,
} from './apps-helpers';
import { expectIssueAt, instanceOf, kustomizeCluster, sovereignWith, upstreamValues } from './kit-helpers';
import { Bge } from '../../blueprints/bge';
import { CertManager } from '../../blueprints/cert-manager';
import { Keycloak } from '../../blueprints/keycloak';
import { Librechat, LibrechatValues } from '../../blueprints/librechat';
import { LlmGateway } from '../../blueprints/llm-gateway';
import { synthesize } from '../../src/synth';
import { PlainObject } from '../../src/values';

const sov = (values: PlainObject = {}) => appSovereign(Librechat, values);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const up = () => upstreamValues('librechat') as any;

describe('bp-librechat (slot 48)', () => {
  const s = sov();
  const result = synthesize(s);
  const { kit, infra } = appObjects(result, Librechat);
  const deployment = find(kit, 'Deployment', 'librechat');
  const env = envOf(deployment.spec.template.spec.containers[0]);

  test('spec: listed, manifest-only, in namespace librechat; depends on gateway, vllm, bge, idp with the §2.3 ranges', () => {
    expect(Librechat.spec).toMatchObject({ name: 'librechat', version: '1.0.0', slot: 48, visibility: 'listed', namespace: 'librechat', category: 'application', upgradesFrom: ['0.x'] });
    expect(Librechat.spec.upstream).toEqual([]);
    expect(Librechat.spec.card).toMatchObject({ title: 'LibreChat', icon: 'librechat.svg', license: 'MIT', documentation: 'https://www.librechat.ai/docs' });
    // Manifests this library hardens itself: the namespace stays at Pod Security `restricted`.
    expect(Librechat.spec.podSecurity).toBeUndefined();
    expect(find(kit, 'Namespace', 'librechat').metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(Librechat.spec.network).toEqual({ ingressFromWorld: [{ port: 3080 }], egressToWorld: [{ port: 443 }, { port: 27017 }] });
    expect(Librechat.spec.placement).toEqual({ modes: ['single-region', 'active-active'], default: 'single-region' });
    expect(declaredDependencies(Librechat)).toEqual([
      { name: 'llm-gateway', version: '^1.0', alias: 'gateway' },
      { name: 'vllm', version: '^1.0', alias: 'vllm' },
      { name: 'bge', version: '^1.0', alias: 'bge' },
      { name: 'keycloak', version: '^1.1', alias: 'idp' },
    ]);
  });

  test('defaults are the upstream curated values where they are values (image, probes, resources, models, OIDC client)', () => {
    const l = up().librechat;
    const d = Librechat.spec.defaults;
    expect([d.replicas, d.image, d.port]).toEqual([l.replicas, { repository: l.image.repository, tag: l.image.tag }, l.port]);
    expect(d.resources).toEqual(normalizeQuantities(l.resources));
    const strip = (p: PlainObject) => { const { port: _p, ...rest } = p as { port: number }; return rest; };
    expect(d.probes).toEqual({ liveness: strip(l.probes.liveness), readiness: strip(l.probes.readiness) });
    expect(d.llmGateway.models).toEqual(up().llmGateway.models);
    const { issuer: _i, existingSecret: _e, ...kc } = up().keycloak;
    expect(d.keycloak).toEqual(kc);
    expect(d.embeddings.provider).toBe(up().embeddings.provider);
  });

  test('required values (no safe default): MongoDB URI Secret, app credentials Secret, Keycloak realm and client Secret', () => {
    expect((LibrechatValues as unknown as { required: string[] }).required).toEqual(expect.arrayContaining(['mongo', 'credentials']));
    const n = targetIndex(Librechat);
    const uses = appUses(Librechat).map((u, i) => (i === n ? { ...u, values: {} } : u));
    expect(expectIssueAt(() => sovereignWith(uses), `sovereign.blueprints[${n}].values.mongo.existingSecret`)).toMatch(/required/);
    expect(expectIssueAt(() => sovereignWith(uses), `sovereign.blueprints[${n}].values.credentials`)).toMatch(/required/);
    expect(expectIssueAt(() => sovereignWith(uses), `sovereign.blueprints[${n}].values.keycloak.realm`)).toMatch(/required/);
  });

  test('endpoints from typed getters, not upstream\'s hard-coded `llm-gateway.llm-gateway.svc:8080` and `bge.bge.svc:8080`', () => {
    expect(up().llmGateway.baseURL).toBe('http://llm-gateway.llm-gateway.svc.cluster.local:8080/v1');
    expect(env.OPENAI_REVERSE_PROXY.value).toBe(instanceOf(s, LlmGateway).url);
    expect(env.RAG_OPENAI_BASEURL.value).toBe(instanceOf(s, Bge).embeddingsUrl);
    // Deliberate fix: the embeddings model is the one bp-bge serves (upstream asked for bge-large).
    expect(up().embeddings.model).toBe('BAAI/bge-large-en-v1.5');
    expect(env.EMBEDDINGS_MODEL.value).toBe(instanceOf(s, Bge).embeddingModel);
    expect(env.OPENID_ISSUER.value).toBe(`${instanceOf(s, Keycloak).url}/realms/acme`);
    expect(env.OPENID_CALLBACK_URL.value).toBe('https://chat-app.${SOVEREIGN_FQDN}/oauth/openid/callback');
    expect(env.OPENAI_MODELS.value).toBe('deep-thinker,quick-thinker,compliance-advisor');
  });

  test('credentials only by Secret reference; the gateway key is bp-llm-gateway\'s master key mirrored in-cluster', () => {
    expectHardenedDeployment(deployment);
    for (const k of ['CREDS_KEY', 'CREDS_IV', 'JWT_SECRET', 'JWT_REFRESH_SECRET']) expect(env[k].valueFrom?.secretKeyRef).toEqual({ name: 'librechat-credentials', key: k });
    expect(env.MONGO_URI.valueFrom?.secretKeyRef).toEqual({ name: 'librechat-mongo', key: 'MONGO_URI' });
    expect(env.OPENID_CLIENT_SECRET.valueFrom?.secretKeyRef).toEqual({ name: 'librechat-oidc', key: 'OPENID_CLIENT_SECRET' });
    const master = instanceOf(s, LlmGateway).masterKeySecret;
    expect(env.OPENAI_API_KEY.valueFrom?.secretKeyRef).toEqual({ name: 'librechat-llm-gateway', key: master.key });
    const mirror = [...kit, ...infra].find((o) => (o.kind === 'CronJob' || o.kind === 'Job') && o.metadata.name === 'librechat-llm-gateway-generator');
    expect(JSON.stringify(mirror)).toContain(`namespaces/${master.namespace}/secrets/${master.name}`);
    expect(secretsIn([...kit, ...infra])).toEqual([]);
    // A dedicated key replaces the mirror.
    const own = appObjects(synthesize(sov({ llmGateway: { apiKeySecret: { name: 'librechat-virtual-key', key: 'key' } } })), Librechat);
    expect([...own.kit, ...own.infra].some((o) => o.metadata.name === 'librechat-llm-gateway-generator')).toBe(false);
  });

  test('librechat.yaml: registration and upload limits, no `${…}` for Flux to blank', () => {
    const file = find(kit, 'ConfigMap', 'librechat-config').data['librechat.yaml'];
    expect(file).not.toMatch(/\$\{/);
    expect(parse(file)).toMatchObject({ version: '1.1.0', registration: { socialLogins: ['openid'] }, fileConfig: { endpoints: { openAI: { fileLimit: 10, fileSizeLimit: 50 } } } });
    expect(deployment.spec.template.spec.containers[0].volumeMounts).toEqual([{ name: 'config', mountPath: '/app/librechat.yaml', subPath: 'librechat.yaml', readOnly: true }]);
  });

  test('Ingress at chat-app.<FQDN> on Cilium with bp-cert-manager\'s issuer (upstream: traefik, letsencrypt-prod)', () => {
    const ing = find(kit, 'Ingress', 'librechat');
    expect(up().ingress.className).toBe('traefik');
    expect(ing.spec.ingressClassName).toBe('cilium');
    expect(ing.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': instanceOf(s, CertManager).issuer.name });
    expect(ing.spec.rules[0].host).toBe('chat-app.${SOVEREIGN_FQDN}');
    expect(ing.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'librechat', port: { number: 3080 } } });
  });

  test('NetworkPolicy (on by default, as upstream): egress to the gateway and bge namespaces on their ports', () => {
    const np = find(kit, 'NetworkPolicy', 'librechat');
    expect(up().networkPolicy.enabled).toBe(true);
    const gw = instanceOf(s, LlmGateway);
    expect(np.spec.egress).toContainEqual({ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': gw.namespace } } }], ports: [{ protocol: 'TCP', port: 4000 }] });
    expect(np.spec.egress).toContainEqual({ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': instanceOf(s, Bge).namespace } } }], ports: [{ protocol: 'TCP', port: 8080 }] });
    expect(np.spec.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: 3080 }] }]);
  });

  test('a bad config fails with a path', () => {
    const n = targetIndex(Librechat);
    expect(expectIssueAt(() => sov({ embeddings: { provider: 'openai' } }), `sovereign.blueprints[${n}].values.embeddings.baseURL`)).toMatch(/required/);
    expect(expectIssueAt(() => sov({ host: 'Chat App' }), `sovereign.blueprints[${n}].values.host`)).toMatch(/pattern|matching/);
  });

  test('every emitted object passes its schema', () => {
    expectSchemaValid([...kit, ...infra]);
  });

  test('kubectl kustomize builds the cluster folder', () => {
    const objects = kustomizeCluster(sov());
    expect(objects.some((o) => o.kind === 'Ingress' && o.metadata.name === 'librechat' && o.metadata.namespace === 'librechat')).toBe(true);
  });
});
