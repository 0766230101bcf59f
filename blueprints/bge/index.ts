/**
 * bp-bge (slot 42): BAAI General Embedding models served by Hugging Face's
 * text-embeddings-inference (TEI): an OpenAI-compatible `/v1/embeddings` endpoint, and a
 * cross-encoder reranker (`/rerank`) in a second container of the same pod sharing the model
 * cache. CPU-friendly. Made of manifests only (the upstream chart's `common` subchart was a
 * dummy). bp-librechat and other RAG clients read the endpoints from the getters.
 */
import { Static, Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Blueprint, blueprintSpec } from '../../src/blueprint';
import { DnsLabel, Image, Resources } from '../../src/schema';
import { strictObject } from '../../src/values';
import { Cnpg } from '../cnpg';
import { appLabels } from '../keycloak/generated-secret';
import {
  AppContainer, AppWorkload, Autoscaling, clusterUrl, env, envFromSecret, literals, ModelCache, modelCacheVolume, PodIdentity,
  Probes, PullPolicy, resourceRequirements, SecretKeySelector, ServiceMonitorValues,
} from '../vllm/app-workload';

const Port = Type.Integer({ minimum: 1024, maximum: 65535 });

export const BgeValues = strictObject({
  /** Hugging Face model id of the embeddings endpoint. */
  embeddingModel: Type.String({ minLength: 1 }),
  /** Hugging Face model id of the reranker. */
  rerankerModel: Type.String({ minLength: 1 }),
  /** Run the reranker container next to the embeddings one. */
  enableReranker: Type.Boolean(),
  replicas: Type.Integer({ minimum: 1, maximum: 8 }),
  /** Inputs per embeddings batch. */
  maxBatchSize: Type.Integer({ minimum: 1, maximum: 1024 }),
  /**
   * Token cap per input (bge-small-en-v1.5: 512; bge-m3: 8192). TEI's token budget per batch
   * (`--max-batch-tokens`) is `maxBatchSize × maxLength`; longer inputs are truncated.
   */
  maxLength: Type.Integer({ minimum: 16, maximum: 32768 }),
  image: Image,
  imagePullPolicy: PullPolicy,
  embeddings: strictObject({
    port: Port,
    maxConcurrentRequests: Type.Integer({ minimum: 1, maximum: 65536 }),
    maxClientBatchSize: Type.Integer({ minimum: 1, maximum: 4096 }),
    pooling: literals('cls', 'mean', 'splade', 'last-token'),
  }),
  reranker: strictObject({
    port: Port,
    maxBatchSize: Type.Integer({ minimum: 1, maximum: 1024 }),
    maxConcurrentRequests: Type.Integer({ minimum: 1, maximum: 65536 }),
  }),
  /** Hugging Face token for gated models, as a Secret reference; unset: anonymous. */
  huggingfaceToken: Type.Optional(SecretKeySelector),
  modelCache: ModelCache,
  /** Resources of each container (embeddings, and reranker when enabled). */
  resources: Resources,
  identity: PodIdentity,
  probes: Probes,
  /** Service annotations; the llm-gateway route annotations are upstream's discovery hints. */
  serviceAnnotations: Type.Record(Type.String({ minLength: 1 }), Type.String()),
  autoscaling: Autoscaling,
  serviceMonitor: ServiceMonitorValues,
  networkPolicy: strictObject({
    enabled: Type.Boolean(),
    /** Namespaces besides this one whose pods may call the endpoints (e.g. bp-librechat's). */
    extraNamespaces: Type.Array(DnsLabel),
    allowHuggingfaceEgress: Type.Boolean(),
  }),
});
export type BgeValues = Static<typeof BgeValues>;

export class Bge extends Blueprint<typeof BgeValues> {
  public static readonly spec = blueprintSpec({
    owner: { team: 'ai-platform', contact: 'ai-platform@openova.io' },
    name: 'bge',
    version: '1.0.0',
    slot: 42,
    section: 'pts-4-6-llm-serving',
    category: 'ai-runtime',
    card: {
      title: 'BGE Embeddings + Reranker',
      summary: 'BAAI General Embedding on text-embeddings-inference: CPU-friendly multilingual embeddings (OpenAI-compatible) and cross-encoder reranking. Default model bge-small-en-v1.5.',
      icon: 'bge.svg',
      category: 'ai-runtime',
      tags: ['embeddings', 'reranker', 'rag', 'sentence-transformers', 'ai'],
      documentation: 'https://huggingface.co/BAAI',
      license: 'MIT',
    },
    visibility: 'listed',
    upstream: [],
    namespace: 'ai-runtime',
    releaseName: 'bge',
    depends: [{ blueprint: Cnpg, version: '^1.0', alias: 'cnpg' }],
    // Model weights download from Hugging Face.
    network: { egressToWorld: [{ port: 443 }] },
    values: BgeValues,
    defaults: {
      embeddingModel: 'BAAI/bge-small-en-v1.5',
      rerankerModel: 'BAAI/bge-reranker-base',
      enableReranker: true,
      replicas: 1,
      maxBatchSize: 32,
      maxLength: 512,
      image: { repository: 'ghcr.io/huggingface/text-embeddings-inference', tag: 'cpu-1.5' },
      imagePullPolicy: 'IfNotPresent',
      embeddings: { port: 8080, maxConcurrentRequests: 512, maxClientBatchSize: 32, pooling: 'cls' },
      reranker: { port: 8081, maxBatchSize: 16, maxConcurrentRequests: 256 },
      modelCache: { type: 'emptyDir', size: '10Gi' },
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '4', memory: '4Gi' } },
      identity: { runAsUser: 1000, fsGroup: 1000, readOnlyRootFilesystem: false },
      probes: {
        liveness: { path: '/health', initialDelaySeconds: 120, periodSeconds: 30, timeoutSeconds: 10 },
        readiness: { path: '/health', initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5 },
      },
      serviceAnnotations: {
        'catalyst.openova.io/llm-gateway-route': 'embeddings',
        'catalyst.openova.io/llm-gateway-port': '8080',
      },
      autoscaling: { enabled: false, minReplicas: 1, maxReplicas: 6, targetCPUUtilizationPercentage: 70, targetMemoryUtilizationPercentage: 80 },
      serviceMonitor: { enabled: false, interval: '30s', scrapeTimeout: '10s', path: '/metrics' },
      networkPolicy: { enabled: false, extraNamespaces: [], allowHuggingfaceEgress: true },
    },
    placement: { modes: ['single-region', 'active-active'], default: 'active-active' },
    upgradesFrom: ['0.x'],
  });

  /** OpenAI-compatible embeddings base URL, e.g. `http://bge.ai-runtime.svc.cluster.local:8080/v1`. */
  public get embeddingsUrl(): string {
    return clusterUrl(this.releaseName, this.namespace, this.values.embeddings.port, '/v1');
  }

  /** The reranker's base URL (TEI `POST /rerank`), if enabled. */
  public get rerankerUrl(): string | undefined {
    return this.values.enableReranker ? clusterUrl(this.releaseName, this.namespace, this.values.reranker.port) : undefined;
  }

  /** The embeddings model clients should name. */
  public get embeddingModel(): string {
    return this.values.embeddingModel;
  }

  public outputs(): { readonly [name: string]: string } {
    const reranker = this.rerankerUrl;
    return { embeddingsUrl: this.embeddingsUrl, embeddingModel: this.embeddingModel, ...(reranker ? { rerankerUrl: reranker } : {}) };
  }

  protected overlays(scope: Chart): void {
    const v = this.values;
    const labels = appLabels('bge', this.releaseName, 'embeddings', this.spec.version);
    const cache = modelCacheVolume(scope, this.releaseName, v.modelCache, labels);
    const common = (name: string): Pick<AppContainer, 'image' | 'pullPolicy' | 'env' | 'probes' | 'probePort' | 'resources' | 'volumeMounts'> => ({
      image: v.image,
      pullPolicy: v.imagePullPolicy,
      env: [
        ...(v.huggingfaceToken ? [envFromSecret('HF_API_TOKEN', v.huggingfaceToken)] : []),
        env('HUGGINGFACE_HUB_CACHE', '/data/hf-cache'),
      ],
      probes: v.probes,
      probePort: name,
      resources: resourceRequirements(v.resources),
      volumeMounts: [{ name: 'model-cache', mountPath: '/data' }],
    });
    const containers: AppContainer[] = [{
      name: 'embeddings',
      ...common('embeddings'),
      // Deliberate fix: upstream also passed `--hf-api-token-timeout`, which TEI does not
      // accept (its CLI rejects unknown flags, so the container could not start).
      args: [
        '--model-id', v.embeddingModel,
        '--port', String(v.embeddings.port),
        '--max-batch-tokens', String(v.maxBatchSize * v.maxLength),
        '--max-concurrent-requests', String(v.embeddings.maxConcurrentRequests),
        '--max-client-batch-size', String(v.embeddings.maxClientBatchSize),
        '--pooling', v.embeddings.pooling,
        '--auto-truncate',
      ],
      ports: [{ name: 'embeddings', containerPort: v.embeddings.port, servicePort: v.embeddings.port }],
    }];
    if (v.enableReranker) {
      containers.push({
        name: 'reranker',
        ...common('reranker'),
        args: [
          '--model-id', v.rerankerModel,
          '--port', String(v.reranker.port),
          '--max-batch-tokens', String(v.reranker.maxBatchSize * v.maxLength),
          '--max-concurrent-requests', String(v.reranker.maxConcurrentRequests),
          '--auto-truncate',
        ],
        ports: [{ name: 'reranker', containerPort: v.reranker.port, servicePort: v.reranker.port }],
      });
    }
    const workload = new AppWorkload(scope, 'workload', {
      name: this.releaseName,
      appName: 'bge',
      component: 'embeddings',
      version: this.spec.version,
      replicas: v.replicas,
      identity: v.identity,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
      volumes: [cache],
      containers,
      serviceAnnotations: v.serviceAnnotations,
      autoscaling: v.autoscaling,
      serviceMonitor: v.serviceMonitor,
      metricsPort: 'embeddings',
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
