import {
  ADAPTER_IMAGE, appObjects, appSovereign, appUses, declaredDependencies, envOf, expectHardenedDeployment, expectSchemaValid, find,
  normalizeQuantities,
  secretsIn, targetIndex,
} from './apps-helpers';
import { expectIssueAt, instanceOf, kustomizeCluster, sovereignWith, upstreamValues } from './kit-helpers';
import { AnthropicAdapter, AnthropicAdapterValues } from '../../blueprints/anthropic-adapter';
import { ExternalSecrets } from '../../blueprints/external-secrets';
import { LlmGateway } from '../../blueprints/llm-gateway';
import { synthesize } from '../../src/synth';
import { PlainObject, validateAgainst } from '../../src/values';

const sov = (values: PlainObject = {}) => appSovereign(AnthropicAdapter, values);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const up = () => upstreamValues('anthropic-adapter') as any;

describe('bp-anthropic-adapter (slot 41)', () => {
  const result = synthesize(sov());
  const { kit, infra } = appObjects(result, AnthropicAdapter);
  const deployment = find(kit, 'Deployment', 'anthropic-adapter');
  const container = deployment.spec.template.spec.containers[0];

  test('spec: listed, manifest-only, in ai-runtime; depends on external-secrets (eso) and llm-gateway (forward-declared)', () => {
    expect(AnthropicAdapter.spec).toMatchObject({ name: 'anthropic-adapter', version: '1.0.0', slot: 41, visibility: 'listed', namespace: 'ai-runtime', upgradesFrom: ['0.x'] });
    expect(AnthropicAdapter.spec.upstream).toEqual([]);
    expect(AnthropicAdapter.spec.card).toMatchObject({ title: 'Anthropic Adapter', icon: 'anthropic-adapter.svg', license: 'Apache-2.0', documentation: 'https://docs.anthropic.com/en/api/messages' });
    expect(declaredDependencies(AnthropicAdapter)).toEqual([
      { name: 'external-secrets', version: '^1.0', alias: 'eso' },
      { name: 'llm-gateway', version: '^1.0', alias: 'gateway' },
    ]);
  });

  test('the upstream left the image tag empty: there is no default, and the schema requires a pinned one', () => {
    expect(up().adapter.image.tag).toBe('');
    expect(AnthropicAdapter.spec.defaults).not.toHaveProperty('image');
    expect((AnthropicAdapterValues as unknown as { required: string[] }).required).toContain('image');
    const n = targetIndex(AnthropicAdapter);
    const uses = appUses(AnthropicAdapter).map((u, i) => (i === n ? { ...u, values: {} } : u));
    expect(expectIssueAt(() => sovereignWith(uses), `sovereign.blueprints[${n}].values.image`)).toMatch(/required/);
    expect(validateAgainst(AnthropicAdapterValues, { ...AnthropicAdapter.spec.defaults, image: { ...ADAPTER_IMAGE, tag: 'latest' } }, 'v').map((i) => i.path)).toEqual(['v.image.tag']);
  });

  test('defaults are the upstream curated values', () => {
    const a = up().adapter;
    const d = AnthropicAdapter.spec.defaults;
    expect([d.replicas, d.port, d.defaults]).toEqual([a.replicas, a.port, a.defaults]);
    // YAML 1.1 reads the unquoted `2023-06-01` as a date; Helm (YAML → JSON) keeps the string.
    const apiVersion = a.anthropic.apiVersion instanceof Date ? a.anthropic.apiVersion.toISOString().slice(0, 10) : a.anthropic.apiVersion;
    expect(d.anthropic).toEqual({ baseUrl: a.anthropic.baseUrl, apiVersion });
    expect(d.auth).toEqual({ mode: a.auth.mode, secretName: a.auth.secretName, secretKey: a.auth.secretKey });
    expect(d.resources).toEqual(normalizeQuantities(a.resources));
    expect(d.probes).toEqual(a.probes);
    const { runAsUser, runAsGroup, fsGroup } = a.podSecurityContext;
    expect(d.identity).toEqual({ runAsUser, runAsGroup, fsGroup, readOnlyRootFilesystem: a.containerSecurityContext.readOnlyRootFilesystem });
    expect(d.modelMap).toEqual(up().configMap.modelMap);
  });

  test('the Deployment: hardened, read-only root, the OAuth token by Secret reference, the model map mounted', () => {
    expectHardenedDeployment(deployment);
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(container.image).toBe(`${ADAPTER_IMAGE.repository}:${ADAPTER_IMAGE.tag}`);
    const env = envOf(container);
    expect(env.ANTHROPIC_OAUTH_TOKEN.valueFrom?.secretKeyRef).toEqual({ name: 'bp-anthropic-adapter-oauth', key: 'oauth_token' });
    expect(env).not.toHaveProperty('ANTHROPIC_API_KEY');
    expect(env.MODEL_MAP_PATH.value).toBe('/etc/anthropic-adapter/model-map.json');
    expect(JSON.parse(find(kit, 'ConfigMap', 'anthropic-adapter-config').data['model-map.json'])).toEqual(up().configMap.modelMap);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(secretsIn([...kit, ...infra])).toEqual([]);
  });

  test('the OAuth token can come from OpenBao through an ExternalSecret on bp-external-secrets\' store', () => {
    const s = sov({ auth: { fromOpenBao: { key: 'sovereign/claude', property: 'oauth_token' } } });
    const objs = appObjects(synthesize(s), AnthropicAdapter);
    const es = find(objs.infra, 'ExternalSecret', 'bp-anthropic-adapter-oauth');
    expect(es.spec.secretStoreRef).toEqual(instanceOf(s, ExternalSecrets).secretStoreRef);
    expect(es.spec.data).toEqual([{ secretKey: 'oauth_token', remoteRef: { key: 'sovereign/claude', property: 'oauth_token' } }]);
  });

  test('getters, and the NetworkPolicy admitting only bp-llm-gateway\'s pods', () => {
    const s = sov({ networkPolicy: { enabled: true } });
    const bp = instanceOf(s, AnthropicAdapter);
    expect(bp.url).toBe('http://anthropic-adapter.ai-runtime.svc.cluster.local:8000/v1');
    expect(bp.modelNames).toEqual(['gpt-4', 'gpt-4-turbo', 'gpt-4o', 'gpt-4o-mini', 'gpt-3.5-turbo']);
    const gw = instanceOf(s, LlmGateway);
    const np = find(appObjects(synthesize(s), AnthropicAdapter).kit, 'NetworkPolicy', 'anthropic-adapter');
    expect(np.spec.ingress[0].from).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': gw.namespace } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'litellm-helm', 'app.kubernetes.io/instance': gw.releaseName } },
    }]);
    expect(np.spec.egress).toContainEqual({ ports: [{ protocol: 'TCP', port: 443 }] });
  });

  test('a bad config fails with a path', () => {
    const n = targetIndex(AnthropicAdapter);
    expect(expectIssueAt(() => sov({ auth: { mode: 'apikey' } }), `sovereign.blueprints[${n}].values.auth.mode`)).toMatch(/oauth/);
    expect(expectIssueAt(() => sov({ anthropic: { baseUrl: 'api.anthropic.com' } }), `sovereign.blueprints[${n}].values.anthropic.baseUrl`)).toMatch(/https/);
  });

  test('every emitted object passes its schema', () => {
    expectSchemaValid([...kit, ...infra]);
  });

  test('kubectl kustomize builds the cluster folder', () => {
    const objects = kustomizeCluster(sov());
    expect(objects.some((o) => o.kind === 'Deployment' && o.metadata.name === 'anthropic-adapter' && o.metadata.namespace === 'ai-runtime')).toBe(true);
  });
});
