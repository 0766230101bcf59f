import {
  ADAPTER_IMAGE, appObjects, appSovereign, declaredDependencies, expectOciPin, expectSchemaValid, find, normalizeQuantities, secretsIn, targetIndex,
} from './apps-helpers';
import { expectIssueAt, instanceOf, kustomizeCluster, upstreamProvenance, upstreamValues, valuesFor } from './kit-helpers';
import { AnthropicAdapter } from '../../blueprints/anthropic-adapter';
import { ExternalSecrets } from '../../blueprints/external-secrets';
import { Keycloak } from '../../blueprints/keycloak';
import { LITELLM_CHART, LlmGateway } from '../../blueprints/llm-gateway';
import { Vllm } from '../../blueprints/vllm';
import { BlueprintClass } from '../../src/blueprint';
import { isCatalystError } from '../../src/errors';
import { synthesize } from '../../src/synth';
import { PlainObject } from '../../src/values';

const sov = (values: PlainObject = {}, extra: BlueprintClass[] = []) => appSovereign(LlmGateway, values, extra);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

describe('bp-llm-gateway (slot 40)', () => {
  const result = synthesize(sov());
  const { kit, infra } = appObjects(result, LlmGateway);

  test('spec: listed 1.0.0 in ai-runtime; litellm-helm 0.1.572 from the OCI registry (no doubled chart name)', () => {
    expect(LlmGateway.spec).toMatchObject({ name: 'llm-gateway', version: '1.0.0', slot: 40, visibility: 'listed', namespace: 'ai-runtime', upgradesFrom: ['0.x'] });
    expect(LlmGateway.spec.card).toMatchObject({ title: 'LLM Gateway', icon: 'llm-gateway.svg', category: 'ai-runtime', license: 'MIT', documentation: 'https://docs.litellm.ai/' });
    const prov = upstreamProvenance('llm-gateway');
    expect({ chart: LITELLM_CHART.chart, version: LITELLM_CHART.version, repo: LITELLM_CHART.repository }).toEqual(prov);
    expectOciPin(kit, 'bp-llm-gateway', LITELLM_CHART);
  });

  test('depends on cnpg (db), keycloak (idp), external-secrets (eso): §2.3 ∪ forward-declared [cnpg, keycloak]', () => {
    expect(declaredDependencies(LlmGateway)).toEqual([
      { name: 'cnpg', version: '^1.0', alias: 'db' },
      { name: 'keycloak', version: '^1.0', alias: 'idp' },
      { name: 'external-secrets', version: '^1.0', alias: 'eso' },
    ]);
    expect(find(kit, 'HelmRelease', 'bp-llm-gateway').spec.dependsOn.map((d: { name: string }) => d.name).sort()).toEqual(['bp-cnpg', 'bp-external-secrets', 'bp-keycloak']);
  });

  test('defaults give the chart the upstream curated values except the deliberate fixes', () => {
    const curated = upstreamValues('llm-gateway')['litellm-helm'] as Any;
    const values = valuesFor(instanceOf(sov(), LlmGateway), LITELLM_CHART.chart) as Any;
    const { proxy_config: upstreamProxy, environmentSecrets: upstreamEnv, ...rest } = curated;
    const { proxy_config: proxy, environmentSecrets: env, masterkeySecretName, masterkeySecretKey, ...ours } = values;
    expect(ours).toEqual(normalizeQuantities(rest));
    // Fix 1: no placeholder credential and no hard-coded adapter URL; the model list comes from enabled backends.
    expect(upstreamProxy.model_list[0].litellm_params.api_key).toBe('operator-must-override-via-overlay');
    expect(proxy).toEqual({ model_list: [], general_settings: upstreamProxy.general_settings });
    // Fix 2: upstream loaded env from a Secret nothing created.
    expect(upstreamEnv).toEqual(['bp-llm-gateway-env']);
    expect(env).toEqual([]);
    // Addition: a create-only master key generated in-cluster.
    expect([masterkeySecretName, masterkeySecretKey]).toEqual(['llm-gateway-masterkey', 'masterkey']);
  });

  test('the audit log: a CNPG Cluster whose Service and generated Secret are what the chart reads; master key generated in-cluster', () => {
    const curated = upstreamValues('llm-gateway') as Any;
    const cluster = find(infra, 'Cluster', 'bp-llm-gateway-audit');
    expect(cluster.spec).toMatchObject({
      instances: curated.catalystOverlay.cnpg.instances,
      imageName: curated.catalystOverlay.cnpg.imageName,
      storage: { size: curated.catalystOverlay.cnpg.storage.size },
      bootstrap: { initdb: { database: 'litellm_audit', owner: 'litellm' } },
    });
    const db = (valuesFor(instanceOf(sov(), LlmGateway), LITELLM_CHART.chart) as Any).db;
    expect(db.endpoint).toBe(`${cluster.metadata.name}-rw`);
    expect(db.secret.name).toBe(`${cluster.metadata.name}-app`);
    expect(find(infra, 'Job', 'llm-gateway-masterkey-generator').metadata.namespace).toBe('ai-runtime');
    expect(secretsIn([...kit, ...infra])).toEqual([]);
    expect(JSON.stringify(find(kit, 'HelmRelease', 'bp-llm-gateway').spec.values)).not.toMatch(/operator-must-override|sk-[A-Za-z0-9]/);
  });

  test('backends: vLLM and the Anthropic adapter at the URLs their Blueprints publish', () => {
    const extra = [Vllm as unknown as BlueprintClass, AnthropicAdapter as unknown as BlueprintClass];
    const s = appSovereign(LlmGateway, { backends: { vllm: { enabled: true }, anthropicAdapter: { enabled: true } } }, extra);
    const gw = instanceOf(s, LlmGateway);
    const vllm = instanceOf(s, Vllm);
    const adapter = instanceOf(s, AnthropicAdapter);
    const list = gw.modelList();
    expect(list[0]).toEqual({ model_name: vllm.servedModel, litellm_params: { model: `hosted_vllm/${vllm.servedModel}`, api_base: vllm.url } });
    expect(list.slice(1).map((m) => m.model_name)).toEqual(adapter.modelNames);
    for (const m of list.slice(1)) expect(m.litellm_params.api_base).toBe('http://anthropic-adapter.ai-runtime.svc.cluster.local:8000/v1');
    expect(ADAPTER_IMAGE.tag).not.toBe('latest');
  });

  test('enabling a backend whose Blueprint is absent is an error at the backend\'s path', () => {
    let caught: unknown;
    try {
      synthesize(sov({ backends: { vllm: { enabled: true } } }));
    } catch (e) {
      caught = e;
    }
    expect(isCatalystError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/values\.backends\.vllm\.enabled.*bp-vllm/s);
  });

  test('cloud backends need models and credentials; credentials from OpenBao become an ExternalSecret', () => {
    const n = targetIndex(LlmGateway);
    expect(expectIssueAt(() => sov({ backends: { bedrock: { enabled: true, models: ['anthropic.claude-3-5-sonnet'] } } }), `sovereign.blueprints[${n}].values.credentials`)).toMatch(/credentials/);
    expect(expectIssueAt(() => sov({ backends: { vertex: { enabled: true } }, credentials: { secretName: 'gcp' } }), `sovereign.blueprints[${n}].values.backends.vertex.models`)).toMatch(/at least one/);
    const s = sov({ backends: { anthropic: { enabled: true, models: ['claude-3-5-sonnet-20241022'] } }, credentials: { fromOpenBao: { ANTHROPIC_API_KEY: { key: 'sovereign/anthropic', property: 'api-key' } } } });
    const objs = appObjects(synthesize(s), LlmGateway);
    const es = find(objs.infra, 'ExternalSecret', 'llm-gateway-env');
    expect(es.spec).toMatchObject({
      secretStoreRef: instanceOf(s, ExternalSecrets).secretStoreRef,
      target: { name: 'llm-gateway-env' },
      data: [{ secretKey: 'ANTHROPIC_API_KEY', remoteRef: { key: 'sovereign/anthropic', property: 'api-key' } }],
    });
    const values = find(objs.kit, 'HelmRelease', 'bp-llm-gateway').spec.values;
    expect(values.environmentSecrets).toEqual(['llm-gateway-env']);
    expect(values.proxy_config.model_list).toEqual([{ model_name: 'claude-3-5-sonnet-20241022', litellm_params: { model: 'anthropic/claude-3-5-sonnet-20241022' } }]);
  });

  test('Keycloak JWT auth: the issuer from bp-keycloak\'s URL, realm required', () => {
    const n = targetIndex(LlmGateway);
    expect(expectIssueAt(() => sov({ auth: { enabled: true } }), `sovereign.blueprints[${n}].values.auth.realm`)).toMatch(/required/);
    const s = sov({ auth: { enabled: true, realm: 'acme' } });
    const values = valuesFor(instanceOf(s, LlmGateway), LITELLM_CHART.chart) as Any;
    expect(values.envVars).toEqual({ JWT_PUBLIC_KEY_URL: `${instanceOf(s, Keycloak).url}/realms/acme/protocol/openid-connect/certs`, JWT_AUDIENCE: 'llm-gateway' });
    expect(values.proxy_config.general_settings.enable_jwt_auth).toBe(true);
  });

  test('getters: URL of the chart Service and the master key Secret', () => {
    const gw = instanceOf(sov(), LlmGateway);
    expect(gw.url).toBe('http://llm-gateway-litellm-helm.ai-runtime.svc.cluster.local:4000/v1');
    expect(gw.masterKeySecret).toEqual({ name: 'llm-gateway-masterkey', key: 'masterkey', namespace: 'ai-runtime' });
  });

  test('NetworkPolicy on the chart\'s pods: callers from the listed namespaces, egress to DNS, the database and HTTPS', () => {
    const objs = appObjects(synthesize(sov({ networkPolicy: { enabled: true } })), LlmGateway);
    const np = find([...objs.kit, ...objs.infra], 'NetworkPolicy', 'llm-gateway-litellm-helm');
    expect(np.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'litellm-helm', 'app.kubernetes.io/instance': 'llm-gateway' } });
    expect(np.spec.ingress[0].from).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'catalyst-apps' } } });
  });

  test('a bad config fails with a path', () => {
    const n = targetIndex(LlmGateway);
    expect(expectIssueAt(() => sov({ auth: { mode: 'basic' } }), `sovereign.blueprints[${n}].values.auth.mode`)).toMatch(/keycloak/);
    expect(expectIssueAt(() => sov({ image: { tag: 'latest' } }), `sovereign.blueprints[${n}].values.image.tag`)).toMatch(/latest/);
  });

  test('every emitted object passes its schema', () => {
    expectSchemaValid([...kit, ...infra]);
  });

  test('kubectl kustomize builds the cluster folder', () => {
    const objects = kustomizeCluster(sov());
    expect(objects.some((o) => o.kind === 'Cluster' && o.metadata.name === 'bp-llm-gateway-audit')).toBe(true);
    expect(objects.some((o) => o.kind === 'OCIRepository' && o.metadata.name === 'bp-llm-gateway')).toBe(true);
  });
});
