import {
  appObjects, appSovereign, declaredDependencies, envOf, expectHardenedDeployment, expectSchemaValid, find, normalizeQuantities,
  secretsIn, targetIndex,
} from './apps-helpers';
import { expectIssueAt, instanceOf, kustomizeCluster, upstreamValues } from './kit-helpers';
import { Bge } from '../../blueprints/bge';
import { synthesize } from '../../src/synth';
import { PlainObject } from '../../src/values';

const sov = (values: PlainObject = {}) => appSovereign(Bge, values);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const up = () => upstreamValues('bge') as any;

describe('bp-bge (slot 42)', () => {
  const result = synthesize(sov());
  const { kit, infra } = appObjects(result, Bge);
  const deployment = find(kit, 'Deployment', 'bge');
  const [embeddings, reranker] = deployment.spec.template.spec.containers;

  test('spec: listed, manifest-only, in ai-runtime, depending on bp-cnpg as `cnpg`', () => {
    expect(Bge.spec).toMatchObject({ name: 'bge', version: '1.0.0', slot: 42, visibility: 'listed', namespace: 'ai-runtime', upgradesFrom: ['0.x'] });
    expect(Bge.spec.upstream).toEqual([]);
    expect(Bge.spec.card).toMatchObject({ title: 'BGE Embeddings + Reranker', icon: 'bge.svg', license: 'MIT', documentation: 'https://huggingface.co/BAAI' });
    expect(Bge.spec.placement).toEqual({ modes: ['single-region', 'active-active'], default: 'active-active' });
    expect(declaredDependencies(Bge)).toEqual([{ name: 'cnpg', version: '^1.0', alias: 'cnpg' }]);
  });

  test('defaults are the upstream curated values (configSchema names at the top level)', () => {
    const b = up().bge;
    const d = Bge.spec.defaults;
    expect([d.embeddingModel, d.rerankerModel, d.enableReranker, d.replicas, d.maxBatchSize]).toEqual([
      b.embeddings.model, b.reranker.model, b.reranker.enabled, b.replicas, b.embeddings.args.maxBatchSize,
    ]);
    expect(d.image).toEqual({ repository: b.image.repository, tag: b.image.tag });
    const e = b.embeddings.args;
    expect(d.embeddings).toEqual({
      port: b.embeddings.port, maxConcurrentRequests: e.maxConcurrentRequests, maxClientBatchSize: e.maxClientBatchSize, pooling: e.pooling,
    });
    const r = b.reranker.args;
    expect(d.reranker).toEqual({ port: b.reranker.port, maxBatchSize: r.maxBatchSize, maxConcurrentRequests: r.maxConcurrentRequests });
    expect(d.resources).toEqual(normalizeQuantities(b.resources));
    expect(d.probes).toEqual(b.probes);
    expect(d.serviceAnnotations).toEqual(up().service.annotations);
    expect(d.modelCache).toEqual({ type: b.modelCache.type, size: b.modelCache.pvc.size });
  });

  test('two TEI containers in one pod: embeddings and reranker, hardened, each probed on its own port', () => {
    expectHardenedDeployment(deployment);
    expect([embeddings.name, reranker.name]).toEqual(['embeddings', 'reranker']);
    expect(embeddings.image).toBe('ghcr.io/huggingface/text-embeddings-inference:cpu-1.5');
    // --max-batch-tokens = maxBatchSize × maxLength; upstream's `--hf-api-token-timeout` is not a TEI flag (dropped).
    expect(embeddings.args).toEqual([
      '--model-id', 'BAAI/bge-small-en-v1.5', '--port', '8080', '--max-batch-tokens', String(32 * 512),
      '--max-concurrent-requests', '512', '--max-client-batch-size', '32', '--pooling', 'cls', '--auto-truncate',
    ]);
    expect(embeddings.args).not.toContain('--hf-api-token-timeout');
    expect(reranker.args.slice(0, 4)).toEqual(['--model-id', 'BAAI/bge-reranker-base', '--port', '8081']);
    expect(embeddings.livenessProbe.httpGet.port).toBe('embeddings');
    expect(reranker.readinessProbe.httpGet.port).toBe('reranker');
    expect(envOf(embeddings).HUGGINGFACE_HUB_CACHE.value).toBe('/data/hf-cache');
    const svc = find(kit, 'Service', 'bge');
    expect(svc.spec.ports.map((p: { name: string; port: number }) => [p.name, p.port])).toEqual([['embeddings', 8080], ['reranker', 8081]]);
    expect(svc.metadata.annotations).toEqual(up().service.annotations);
    expect(secretsIn([...kit, ...infra])).toEqual([]);
  });

  test('enableReranker false runs embeddings only; a token by Secret reference', () => {
    const objs = appObjects(synthesize(sov({ enableReranker: false, huggingfaceToken: { name: 'hf', key: 'token' } })), Bge).kit;
    const d = find(objs, 'Deployment', 'bge');
    expect(d.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['embeddings']);
    expect(envOf(d.spec.template.spec.containers[0]).HF_API_TOKEN.valueFrom?.secretKeyRef).toEqual({ name: 'hf', key: 'token' });
    expect(find(objs, 'Service', 'bge').spec.ports).toHaveLength(1);
  });

  test('getters: the OpenAI-compatible embeddings URL and the served model', () => {
    const bp = instanceOf(sov(), Bge);
    expect(bp.embeddingsUrl).toBe('http://bge.ai-runtime.svc.cluster.local:8080/v1');
    expect(bp.rerankerUrl).toBe('http://bge.ai-runtime.svc.cluster.local:8081');
    expect(bp.embeddingModel).toBe('BAAI/bge-small-en-v1.5');
  });

  test('a bad config fails with a path', () => {
    const n = targetIndex(Bge);
    expect(expectIssueAt(() => sov({ embeddings: { pooling: 'max' } }), `sovereign.blueprints[${n}].values.embeddings.pooling`)).toMatch(/cls/);
    expect(expectIssueAt(() => sov({ replicas: 20 }), `sovereign.blueprints[${n}].values.replicas`)).toMatch(/<= 8/);
  });

  test('every emitted object passes its schema', () => {
    expectSchemaValid([...kit, ...infra]);
  });

  test('kubectl kustomize builds the cluster folder', () => {
    const objects = kustomizeCluster(sov());
    expect(objects.some((o) => o.kind === 'Deployment' && o.metadata.name === 'bge')).toBe(true);
  });
});
