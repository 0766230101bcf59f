/**
 * bp-vllm (slot 39): vLLM, a high-throughput LLM inference server with an OpenAI-compatible API.
 * Made of manifests only (Deployment, Service, ServiceAccount, ConfigMap): the upstream chart's
 * `common` subchart was a dummy. GPU-accelerated when `gpu.enabled` (requests `nvidia.com/gpu`);
 * otherwise it runs on CPU, which is for smoke tests only.
 *
 * Callers (bp-llm-gateway, bp-nemo-guardrails, bp-librechat) read the endpoint and the served
 * model from the `url` and `servedModel` getters.
 */
import { Static, Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Blueprint, blueprintSpec } from '../../src/blueprint';
import { DnsLabel, Image, Resources } from '../../src/schema';
import { strictObject } from '../../src/values';
import { appLabels } from '../keycloak/generated-secret';
import { Kserve } from '../kserve';
import {
  AppWorkload, Autoscaling, literals, clusterUrl, env, envFromSecret, ModelCache, modelCacheVolume, PodIdentity, Probes,
  PullPolicy, resourceRequirements, SecretKeySelector, ServiceMonitorValues,
} from './app-workload';

/** A toleration, for GPU node taints. */
export const VllmToleration = strictObject({
  key: Type.Optional(Type.String({ minLength: 1 })),
  operator: Type.Optional(Type.Union([Type.Literal('Exists'), Type.Literal('Equal')])),
  value: Type.Optional(Type.String()),
  effect: Type.Optional(Type.Union([Type.Literal('NoSchedule'), Type.Literal('PreferNoSchedule'), Type.Literal('NoExecute')])),
});

export const VllmValues = strictObject({
  /** Hugging Face model id (or in-cluster path) vLLM serves. */
  model: Type.String({ minLength: 1 }),
  replicas: Type.Integer({ minimum: 1, maximum: 16 }),
  image: Image,
  imagePullPolicy: PullPolicy,
  /** Port of the OpenAI-compatible API (container and Service). */
  port: Type.Integer({ minimum: 1024, maximum: 65535 }),
  /** `--max-model-len`: maximum context length. */
  maxModelLen: Type.Integer({ minimum: 128, maximum: 2097152 }),
  /** `--gpu-memory-utilization`: fraction of GPU memory vLLM may take. */
  gpuMemoryUtilization: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
  dtype: literals('auto', 'half', 'float16', 'bfloat16', 'float', 'float32'),
  /** `--quantization` method (awq, gptq, fp8…); unset: none. */
  quantization: Type.Optional(Type.String({ pattern: '^[a-z0-9_-]+$' })),
  tensorParallelSize: Type.Integer({ minimum: 1, maximum: 16 }),
  enablePrefixCaching: Type.Boolean(),
  /** Further vLLM CLI arguments, passed verbatim after the typed ones. */
  extraArgs: Type.Array(Type.String()),
  /** GPU placement. Off by default as upstream: vLLM then runs with `--device cpu` (not for production). */
  gpu: strictObject({
    enabled: Type.Boolean(),
    /** `nvidia.com/gpu` units per pod (requested and limited; GPUs are not overcommitted). */
    count: Type.Integer({ minimum: 1, maximum: 16 }),
    nodeSelector: Type.Record(Type.String({ minLength: 1 }), Type.String()),
    tolerations: Type.Array(VllmToleration),
  }),
  /** Resources without and with a GPU. */
  resources: strictObject({ cpu: Resources, gpu: Resources }),
  /** Hugging Face token for gated models (Llama, …), as a Secret reference; unset: anonymous. */
  huggingfaceToken: Type.Optional(SecretKeySelector),
  /** Where model weights are cached. */
  modelCache: ModelCache,
  /** `/dev/shm` size: PyTorch's tensor-parallel workers exchange tensors through it. */
  sharedMemory: Type.String({ pattern: '^[0-9]+(Mi|Gi)$' }),
  identity: PodIdentity,
  probes: Probes,
  /** Annotations on the Service. */
  serviceAnnotations: Type.Record(Type.String({ minLength: 1 }), Type.String()),
  /** A Jinja chat template (`--chat-template`), for models without one; unset: the model's own. */
  chatTemplate: Type.Optional(Type.String({ minLength: 1 })),
  autoscaling: Autoscaling,
  serviceMonitor: ServiceMonitorValues,
  networkPolicy: strictObject({
    enabled: Type.Boolean(),
    /** Namespaces besides this one whose pods may call vLLM. */
    extraNamespaces: Type.Array(DnsLabel),
    /** Allow HTTPS egress to download weights from Hugging Face. */
    allowHuggingfaceEgress: Type.Boolean(),
  }),
});
export type VllmValues = Static<typeof VllmValues>;

/** Path of the chat template inside the container. */
const CHAT_TEMPLATE_PATH = '/etc/vllm/chat-template.jinja';

export class Vllm extends Blueprint<typeof VllmValues> {
  public static readonly spec = blueprintSpec({
    owner: { team: 'ai-platform', contact: 'ai-platform@openova.io' },
    name: 'vllm',
    version: '1.0.0',
    slot: 39,
    section: 'pts-4-6-llm-serving',
    category: 'ai-runtime',
    card: {
      title: 'vLLM',
      summary: 'High-throughput LLM inference engine with PagedAttention and an OpenAI-compatible API. GPU-accelerated when nvidia.com/gpu is available; CPU fallback for non-GPU dev Sovereigns.',
      icon: 'vllm.svg',
      category: 'ai-runtime',
      tags: ['llm', 'inference', 'openai-compatible', 'gpu', 'ai'],
      documentation: 'https://docs.vllm.ai/',
      license: 'Apache-2.0',
    },
    visibility: 'listed',
    upstream: [],
    namespace: 'ai-runtime',
    releaseName: 'vllm',
    depends: [{ blueprint: Kserve, version: '^1.0', alias: 'kserve' }],
    // Model weights download from Hugging Face.
    network: { egressToWorld: [{ port: 443 }] },
    values: VllmValues,
    defaults: {
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      replicas: 1,
      image: { repository: 'vllm/vllm-openai', tag: 'v0.6.4' },
      imagePullPolicy: 'IfNotPresent',
      port: 8000,
      maxModelLen: 8192,
      gpuMemoryUtilization: 0.9,
      dtype: 'auto',
      tensorParallelSize: 1,
      enablePrefixCaching: false,
      extraArgs: [],
      gpu: { enabled: false, count: 1, nodeSelector: {}, tolerations: [] },
      resources: {
        cpu: { requests: { cpu: '2', memory: '8Gi' }, limits: { cpu: '8', memory: '16Gi' } },
        gpu: { requests: { cpu: '4', memory: '16Gi' }, limits: { cpu: '16', memory: '64Gi' } },
      },
      modelCache: { type: 'emptyDir', size: '100Gi' },
      sharedMemory: '16Gi',
      identity: { runAsUser: 1000, fsGroup: 1000, readOnlyRootFilesystem: false },
      probes: {
        liveness: { path: '/health', initialDelaySeconds: 600, periodSeconds: 30, timeoutSeconds: 10 },
        readiness: { path: '/health', initialDelaySeconds: 60, periodSeconds: 15, timeoutSeconds: 10 },
      },
      serviceAnnotations: {},
      autoscaling: { enabled: false, minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercentage: 80, targetMemoryUtilizationPercentage: 80 },
      serviceMonitor: { enabled: false, interval: '30s', scrapeTimeout: '10s', path: '/metrics' },
      networkPolicy: { enabled: false, extraNamespaces: [], allowHuggingfaceEgress: true },
    },
    placement: { modes: ['single-region', 'active-active'], default: 'single-region' },
    upgradesFrom: ['0.x'],
  });

  /** The OpenAI-compatible base URL, e.g. `http://vllm.ai-runtime.svc.cluster.local:8000/v1`. */
  public get url(): string {
    return clusterUrl(this.releaseName, this.namespace, this.values.port, '/v1');
  }

  /** The model id clients must put in requests. */
  public get servedModel(): string {
    return this.values.model;
  }

  public outputs(): { readonly [name: string]: string } {
    return { url: this.url, model: this.servedModel };
  }

  /** vLLM's command line, from the typed values. */
  public get args(): readonly string[] {
    const v = this.values;
    return [
      '--model', v.model,
      '--host', '0.0.0.0',
      '--port', String(v.port),
      '--max-model-len', String(v.maxModelLen),
      '--gpu-memory-utilization', String(v.gpuMemoryUtilization),
      '--dtype', v.dtype,
      '--tensor-parallel-size', String(v.tensorParallelSize),
      ...(v.quantization ? ['--quantization', v.quantization] : []),
      ...(v.enablePrefixCaching ? ['--enable-prefix-caching'] : []),
      // Fix: upstream mounted the chat template but never passed it to vLLM.
      ...(v.chatTemplate ? ['--chat-template', CHAT_TEMPLATE_PATH] : []),
      ...(v.gpu.enabled ? [] : ['--device', 'cpu']),
      ...v.extraArgs,
    ];
  }

  protected overlays(scope: Chart): void {
    const v = this.values;
    const labels = appLabels('vllm', this.releaseName, 'inference', this.spec.version);
    const cache = modelCacheVolume(scope, this.releaseName, v.modelCache, labels);
    const volumes: k8s.Volume[] = [
      cache,
      { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString(v.sharedMemory) } },
    ];
    const mounts: k8s.VolumeMount[] = [
      { name: 'model-cache', mountPath: '/data' },
      { name: 'dshm', mountPath: '/dev/shm' },
    ];
    const config = v.chatTemplate ? { 'chat-template.jinja': v.chatTemplate } : undefined;
    if (config) {
      volumes.push({ name: 'config', configMap: { name: `${this.releaseName}-config` } });
      mounts.push({ name: 'config', mountPath: CHAT_TEMPLATE_PATH, subPath: 'chat-template.jinja', readOnly: true });
    }
    const gpu = v.gpu.enabled;
    const workload = new AppWorkload(scope, 'workload', {
      name: this.releaseName,
      appName: 'vllm',
      component: 'inference',
      version: this.spec.version,
      replicas: v.replicas,
      identity: v.identity,
      // A GPU cannot be shared by the old and the new pod: replace, do not surge.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(0), maxUnavailable: k8s.IntOrString.fromNumber(1) } },
      ...(gpu ? { nodeSelector: v.gpu.nodeSelector, tolerations: v.gpu.tolerations } : {}),
      volumes,
      config,
      containers: [{
        name: 'vllm',
        image: v.image,
        pullPolicy: v.imagePullPolicy,
        args: this.args,
        env: [
          ...(v.huggingfaceToken ? [envFromSecret('HUGGING_FACE_HUB_TOKEN', v.huggingfaceToken)] : []),
          env('VLLM_DO_NOT_TRACK', '1'),
          env('HF_HOME', '/data/hf-cache'),
        ],
        ports: [{ name: 'http', containerPort: v.port, servicePort: v.port }],
        probes: v.probes,
        probePort: 'http',
        resources: resourceRequirements(gpu ? v.resources.gpu : v.resources.cpu, gpu ? { 'nvidia.com/gpu': v.gpu.count } : {}),
        volumeMounts: mounts,
      }],
      serviceAnnotations: v.serviceAnnotations,
      autoscaling: v.autoscaling,
      serviceMonitor: v.serviceMonitor,
      metricsPort: 'http',
      networkPolicy: v.networkPolicy.enabled
        ? {
          ingressFrom: [
            { podSelector: {} },
            ...v.networkPolicy.extraNamespaces.map((ns) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } })),
          ],
          egress: v.networkPolicy.allowHuggingfaceEgress ? [{ ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(443) }] }] : [],
        }
        : undefined,
    });
    if (workload.serviceMonitor) this.optional(workload.serviceMonitor);
  }
}
