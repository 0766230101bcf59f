import { parse } from 'yaml';
import {
  appObjects, appSovereign, declaredDependencies, envOf, expectHardenedDeployment, expectSchemaValid, find, normalizeQuantities,
  secretsIn, targetIndex,
} from './apps-helpers';
import { expectIssueAt, instanceOf, kustomizeCluster, upstreamValues } from './kit-helpers';
import { LlmGateway } from '../../blueprints/llm-gateway';
import { NemoGuardrails } from '../../blueprints/nemo-guardrails';
import { Vllm } from '../../blueprints/vllm';
import { synthesize } from '../../src/synth';
import { PlainObject } from '../../src/values';

const sov = (values: PlainObject = {}) => appSovereign(NemoGuardrails, values);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const up = () => upstreamValues('nemo-guardrails') as any;

describe('bp-nemo-guardrails (slot 43)', () => {
  const result = synthesize(sov());
  const { kit, infra } = appObjects(result, NemoGuardrails);
  const deployment = find(kit, 'Deployment', 'nemo-guardrails');
  const container = deployment.spec.template.spec.containers[0];

  test('spec: listed, manifest-only, in ai-runtime; vllm (§2.3, alias vllm) ∪ llm-gateway, bge, cnpg (forward-declared)', () => {
    expect(NemoGuardrails.spec).toMatchObject({ name: 'nemo-guardrails', version: '1.0.0', slot: 43, visibility: 'listed', namespace: 'ai-runtime', category: 'ai-safety' });
    expect(NemoGuardrails.spec.upstream).toEqual([]);
    expect(NemoGuardrails.spec.card).toMatchObject({ title: 'NeMo Guardrails', category: 'ai-safety', license: 'Apache-2.0' });
    expect(declaredDependencies(NemoGuardrails)).toEqual([
      { name: 'vllm', version: '^1.0', alias: 'vllm' },
      { name: 'llm-gateway', version: '^1.0', alias: 'gateway' },
      { name: 'bge', version: '^1.0', alias: 'bge' },
      { name: 'cnpg', version: '^1.0', alias: 'db' },
    ]);
  });

  test('defaults are the upstream curated values', () => {
    const g = up().guardrails;
    const d = NemoGuardrails.spec.defaults;
    expect([d.replicas, d.image, d.port]).toEqual([g.replicas, { repository: g.image.repository, tag: g.image.tag }, g.port]);
    const a = g.args;
    expect([d.disableChatUi, d.autoReload, d.verbose, d.extraArgs, d.llmEngine])
      .toEqual([a.disableChatUi, a.autoReload, a.verbose, a.extraArgs, g.llm.engine]);
    expect(d.resources).toEqual(normalizeQuantities(g.resources));
    expect(d.probes).toEqual(g.probes);
    expect(parse(d.defaultConfig.configYml)).toEqual(parse(up().configMap.defaultConfig.configYml));
    expect(d.defaultConfig.mainCo.split('\n').slice(1)).toEqual(up().configMap.defaultConfig.mainCo.split('\n').slice(1));
  });

  test('the guarded LLM is bp-vllm: endpoint and model from its getters (upstream left the endpoint empty)', () => {
    expect(up().guardrails.llm.endpoint).toBe('');
    const s = sov();
    const vllm = instanceOf(s, Vllm);
    const bp = instanceOf(s, NemoGuardrails);
    expect(bp.llm).toEqual({ endpoint: vllm.url, model: vllm.servedModel });
    // The model bp-vllm serves is the model upstream curated for the rails.
    expect(bp.llm.model).toBe(up().guardrails.llm.model);
    const config = parse(find(kit, 'ConfigMap', 'nemo-guardrails-config').data['config.yml']);
    expect(config.models).toEqual([{ type: 'main', engine: 'vllm_openai', model: vllm.servedModel, parameters: { openai_api_base: vllm.url } }]);
    expect(config.colang_version).toBe('2.x');
  });

  test('llmSource gateway points the rails at bp-llm-gateway, and then needs a model', () => {
    const n = targetIndex(NemoGuardrails);
    expect(expectIssueAt(() => sov({ llmSource: 'gateway' }), `sovereign.blueprints[${n}].values.llmModel`)).toMatch(/required/);
    const s = sov({ llmSource: 'gateway', llmModel: 'quick-thinker', llmEngine: 'openai', llmApiKey: { name: 'gw-key', key: 'key' } });
    expect(instanceOf(s, NemoGuardrails).llm).toEqual({ endpoint: instanceOf(s, LlmGateway).url, model: 'quick-thinker' });
    const c = find(appObjects(synthesize(s), NemoGuardrails).kit, 'Deployment', 'nemo-guardrails').spec.template.spec.containers[0];
    expect(envOf(c).OPENAI_API_KEY.valueFrom?.secretKeyRef).toEqual({ name: 'gw-key', key: 'key' });
  });

  test('the Deployment: hardened, `server` with the chat UI off, the stub rail mounted into /config/default', () => {
    expectHardenedDeployment(deployment);
    expect(container.args).toEqual(['server', '--port', '8000', '--config', '/config', '--disable-chat-ui', '--verbose']);
    expect(container.volumeMounts).toEqual([
      { name: 'config', mountPath: '/config/default/config.yml', subPath: 'config.yml', readOnly: true },
      { name: 'config', mountPath: '/config/default/main.co', subPath: 'main.co', readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
    expect(envOf(container).NEMOGUARDRAILS_DO_NOT_TRACK.value).toBe('1');
    expect(deployment.spec.template.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
    expect(secretsIn([...kit, ...infra])).toEqual([]);
  });

  test('configMapName mounts the tenant\'s rails instead of the stub', () => {
    const objs = appObjects(synthesize(sov({ configMapName: 'acme-rails' })), NemoGuardrails).kit;
    expect(objs.some((o) => o.kind === 'ConfigMap')).toBe(false);
    const pod = find(objs, 'Deployment', 'nemo-guardrails').spec.template.spec;
    expect(pod.volumes[0]).toEqual({ name: 'config', configMap: { name: 'acme-rails' } });
    expect(pod.containers[0].volumeMounts[0]).toEqual({ name: 'config', mountPath: '/config', readOnly: true });
  });

  test('NetworkPolicy egress reaches the guarded LLM\'s port', () => {
    const objs = appObjects(synthesize(sov({ networkPolicy: { enabled: true } })), NemoGuardrails).kit;
    expect(find(objs, 'NetworkPolicy', 'nemo-guardrails').spec.egress).toContainEqual({ ports: [{ protocol: 'TCP', port: 8000 }] });
  });

  test('a bad config fails with a path', () => {
    const n = targetIndex(NemoGuardrails);
    expect(expectIssueAt(() => sov({ llmSource: 'openai' }), `sovereign.blueprints[${n}].values.llmSource`)).toMatch(/vllm/);
    expect(expectIssueAt(() => sov({ llmEndpoint: 'vllm:8000' }), `sovereign.blueprints[${n}].values.llmEndpoint`)).toMatch(/http/);
  });

  test('every emitted object passes its schema', () => {
    expectSchemaValid([...kit, ...infra]);
  });

  test('kubectl kustomize builds the cluster folder', () => {
    const objects = kustomizeCluster(sov());
    expect(objects.some((o) => o.kind === 'ConfigMap' && o.metadata.name === 'nemo-guardrails-config')).toBe(true);
  });
});
