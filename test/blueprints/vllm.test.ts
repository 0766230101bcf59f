import {
  appObjects, appSovereign, declaredDependencies, envOf, expectHardenedDeployment, expectSchemaValid, find, normalizeQuantities,
  secretsIn, targetIndex,
} from './apps-helpers';
import { expectIssueAt, instanceOf, kustomizeCluster, upstreamValues } from './kit-helpers';
import { Vllm } from '../../blueprints/vllm';
import { synthesize } from '../../src/synth';
import { PlainObject } from '../../src/values';

const sov = (values: PlainObject = {}) => appSovereign(Vllm, values);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const up = () => (upstreamValues('vllm') as any).vllm;

describe('bp-vllm (slot 39)', () => {
  const result = synthesize(sov());
  const { kit, infra } = appObjects(result, Vllm);
  const deployment = find(kit, 'Deployment', 'vllm');
  const container = deployment.spec.template.spec.containers[0];

  test('spec: listed, manifest-only (no fake `common` chart), in ai-runtime, depending on bp-kserve as `kserve`', () => {
    expect(Vllm.spec).toMatchObject({ name: 'vllm', version: '1.0.0', slot: 39, visibility: 'listed', namespace: 'ai-runtime', category: 'ai-runtime', upgradesFrom: ['0.x'] });
    expect(Vllm.spec.upstream).toEqual([]);
    expect(Vllm.spec.podSecurity).toBeUndefined();
    expect(Vllm.spec.network).toEqual({ egressToWorld: [{ port: 443 }] });
    expect(Vllm.spec.card).toMatchObject({ title: 'vLLM', icon: 'vllm.svg', category: 'ai-runtime', documentation: 'https://docs.vllm.ai/', license: 'Apache-2.0' });
    expect(Vllm.spec.card.tags).toEqual(['llm', 'inference', 'openai-compatible', 'gpu', 'ai']);
    expect(Vllm.spec.placement).toEqual({ modes: ['single-region', 'active-active'], default: 'single-region' });
    expect(declaredDependencies(Vllm)).toEqual([{ name: 'kserve', version: '^1.0', alias: 'kserve' }]);
    expect([...kit, ...infra].some((o) => o.kind === 'HelmRelease' || o.kind === 'HelmRepository')).toBe(false);
  });

  test('defaults are the upstream curated values: model, image, args, probes, resources, security ids', () => {
    const u = up();
    const d = Vllm.spec.defaults;
    expect([d.model, d.replicas, d.image, d.port]).toEqual([u.model, u.replicas, { repository: u.image.repository, tag: u.image.tag }, u.port]);
    expect([d.maxModelLen, d.gpuMemoryUtilization, d.dtype, d.tensorParallelSize, d.enablePrefixCaching, d.extraArgs]).toEqual([
      u.args.maxModelLen, u.args.gpuMemoryUtilization, u.args.dtype, u.args.tensorParallelSize, u.args.enablePrefixCaching, u.args.extraArgs,
    ]);
    expect(d.gpu).toEqual({ enabled: u.gpu.enabled, count: u.gpu.count, nodeSelector: u.gpu.nodeSelector, tolerations: u.gpu.tolerations });
    expect(d.resources).toEqual(normalizeQuantities(u.resources));
    expect(d.probes).toEqual(u.probes);
    const pod = u.podSecurityContext;
    const rofs = u.containerSecurityContext.readOnlyRootFilesystem;
    expect(d.identity).toEqual({ runAsUser: pod.runAsUser, fsGroup: pod.fsGroup, readOnlyRootFilesystem: rofs });
    expect(d.modelCache).toEqual({ type: u.modelCache.type, size: u.modelCache.pvc.size });
    expect([d.serviceMonitor.enabled, d.autoscaling.enabled, d.networkPolicy.enabled]).toEqual([false, false, false]);
  });

  test('the Deployment runs vLLM hardened, with the typed command line, probes on the http port and the model cache', () => {
    expectHardenedDeployment(deployment);
    expect(container.image).toBe('vllm/vllm-openai:v0.6.4');
    expect(container.args).toEqual([
      '--model', 'meta-llama/Llama-3.1-8B-Instruct', '--host', '0.0.0.0', '--port', '8000', '--max-model-len', '8192',
      '--gpu-memory-utilization', '0.9', '--dtype', 'auto', '--tensor-parallel-size', '1', '--device', 'cpu',
    ]);
    expect(container.livenessProbe).toEqual({ httpGet: { path: '/health', port: 'http' }, initialDelaySeconds: 600, periodSeconds: 30, timeoutSeconds: 10 });
    expect(container.resources).toEqual({ requests: { cpu: '2', memory: '8Gi' }, limits: { cpu: '8', memory: '16Gi' } });
    expect(deployment.spec.template.spec.volumes).toEqual([
      { name: 'model-cache', emptyDir: { sizeLimit: '100Gi' } },
      { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '16Gi' } },
    ]);
    // Replace, never surge: the old pod holds the GPU.
    expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxSurge: 0, maxUnavailable: 1 });
    expect(find(kit, 'Service', 'vllm').spec.ports).toEqual([{ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' }]);
    expect(find(kit, 'ServiceAccount', 'vllm').automountServiceAccountToken).toBe(false);
    expect(secretsIn([...kit, ...infra])).toEqual([]);
  });

  test('GPU: nvidia.com/gpu requested and limited, GPU resources, node selector and tolerations; no --device cpu', () => {
    const gpu = { enabled: true, count: 2, nodeSelector: { 'nvidia.com/gpu.present': 'true' }, tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] };
    const objs = appObjects(synthesize(sov({ gpu })), Vllm).kit;
    const pod = find(objs, 'Deployment', 'vllm').spec.template.spec;
    expect(pod.containers[0].resources).toEqual({
      requests: { 'cpu': '4', 'memory': '16Gi', 'nvidia.com/gpu': 2 },
      limits: { 'cpu': '16', 'memory': '64Gi', 'nvidia.com/gpu': 2 },
    });
    expect(pod.containers[0].args).not.toContain('--device');
    expect(pod.nodeSelector).toEqual(gpu.nodeSelector);
    expect(pod.tolerations).toEqual(gpu.tolerations);
  });

  test('Hugging Face token by Secret reference; chat template mounted and passed; a PVC model cache is created', () => {
    const objs = appObjects(synthesize(sov({
      huggingfaceToken: { name: 'hf-token', key: 'token' },
      chatTemplate: '{{ messages }}',
      modelCache: { type: 'pvc', size: '200Gi', storageClass: 'hcloud-volumes' },
    })), Vllm).kit;
    const d = find(objs, 'Deployment', 'vllm');
    const c = d.spec.template.spec.containers[0];
    expect(envOf(c).HUGGING_FACE_HUB_TOKEN.valueFrom?.secretKeyRef).toEqual({ name: 'hf-token', key: 'token' });
    expect(c.args.join(' ')).toContain('--chat-template /etc/vllm/chat-template.jinja');
    expect(find(objs, 'ConfigMap', 'vllm-config').data).toEqual({ 'chat-template.jinja': '{{ messages }}' });
    expect(d.spec.template.metadata.annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
    expect(find(objs, 'PersistentVolumeClaim', 'vllm-model-cache').spec).toMatchObject({ resources: { requests: { storage: '200Gi' } }, storageClassName: 'hcloud-volumes' });
    expectHardenedDeployment(d);
  });

  test('getters: the OpenAI-compatible URL and served model that callers read', () => {
    const bp = instanceOf(sov(), Vllm);
    expect(bp.url).toBe('http://vllm.ai-runtime.svc.cluster.local:8000/v1');
    expect(bp.servedModel).toBe('meta-llama/Llama-3.1-8B-Instruct');
  });

  test('HPA replaces the fixed replica count; NetworkPolicy and the optional ServiceMonitor', () => {
    const r = synthesize(sov({ autoscaling: { enabled: true }, networkPolicy: { enabled: true, extraNamespaces: ['librechat'] }, serviceMonitor: { enabled: true } }));
    const objs = appObjects(r, Vllm);
    const all = [...objs.kit, ...objs.infra];
    expect(find(all, 'Deployment', 'vllm').spec.replicas).toBeUndefined();
    expect(find(all, 'HorizontalPodAutoscaler', 'vllm').spec).toMatchObject({ minReplicas: 1, maxReplicas: 4, scaleTargetRef: { kind: 'Deployment', name: 'vllm' } });
    const np = find(all, 'NetworkPolicy', 'vllm');
    expect(np.spec.ingress[0].from).toEqual([{ podSelector: {} }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'librechat' } } }]);
    // No Blueprint here installs the Prometheus operator: the ServiceMonitor is dropped with a warning.
    expect(all.some((o) => o.kind === 'ServiceMonitor')).toBe(false);
    expect(r.flux.warnings.join('\n')).toMatch(/dropped optional ServiceMonitor vllm/);
  });

  test('a bad config fails with a path', () => {
    const n = targetIndex(Vllm);
    expect(expectIssueAt(() => sov({ gpuMemoryUtilization: 1.5 }), `sovereign.blueprints[${n}].values.gpuMemoryUtilization`)).toMatch(/<= 1/);
    expect(expectIssueAt(() => sov({ image: { tag: 'latest' } }), `sovereign.blueprints[${n}].values.image.tag`)).toMatch(/latest/);
    expect(expectIssueAt(() => sov({ gpu: { count: 0 } }), `sovereign.blueprints[${n}].values.gpu.count`)).toMatch(/>= 1/);
  });

  test('every emitted object passes its schema', () => {
    expectSchemaValid([...kit, ...infra]);
  });

  test('kubectl kustomize builds the cluster folder', () => {
    const objects = kustomizeCluster(sov());
    const ours = objects.filter((o) => o.metadata.namespace === 'ai-runtime' && o.metadata.labels?.['app.kubernetes.io/name'] === 'vllm');
    expect(ours.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['Deployment/vllm', 'Service/vllm', 'ServiceAccount/vllm']);
  });
});
