/**
 * bp-nemo-guardrails (slot 43): NVIDIA NeMo Guardrails (`nemoguardrails server`), a programmable
 * safety layer between users and an LLM (prompt injection, PII, off-topic, hallucinated
 * citations). Made of manifests only (the upstream chart's `common` subchart was a dummy).
 *
 * The LLM it guards is bp-vllm by default: endpoint and model come from the vLLM Blueprint's
 * getters (upstream left the endpoint empty, so no model was wired). `llmSource: gateway`
 * points it at bp-llm-gateway instead.
 */
import { Static, Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { Blueprint, BlueprintProps, blueprintSpec } from '../../src/blueprint';
import { Issue } from '../../src/errors';
import { DnsLabel, Image, Resources } from '../../src/schema';
import { strictObject } from '../../src/values';
import { Bge } from '../bge';
import { Cnpg } from '../cnpg';
import { LlmGateway } from '../llm-gateway';
import { Vllm } from '../vllm';
import {
  AppWorkload, Autoscaling, env, envFromSecret, literals, PodIdentity, Probes, PullPolicy, resourceRequirements,
  SecretKeySelector, ServiceMonitorValues,
} from '../vllm/app-workload';

/** The `yaml` package, loaded when a config file is rendered (importing the library does not need it). */
function yamlStringify(value: unknown): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('yaml') as typeof import('yaml')).stringify(value);
}

export const NemoGuardrailsValues = strictObject({
  replicas: Type.Integer({ minimum: 1, maximum: 8 }),
  image: Image,
  imagePullPolicy: PullPolicy,
  port: Type.Integer({ minimum: 1024, maximum: 65535 }),
  /**
   * A ConfigMap you author (rails, Colang flows, prompts), mounted as the whole config
   * directory. Unset: the stub config below (production must provide its own rails).
   */
  configMapName: Type.Optional(DnsLabel),
  /** Which Blueprint's LLM the rails guard (when `llmEndpoint` is unset). */
  llmSource: literals('vllm', 'gateway'),
  /** An explicit OpenAI-compatible endpoint; unset: the `llmSource` Blueprint's URL. */
  llmEndpoint: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$' })),
  /** Model forwarded to the LLM; unset: bp-vllm's served model (required with `gateway`). */
  llmModel: Type.Optional(Type.String({ minLength: 1 })),
  /** NeMo Guardrails engine for the main model. */
  llmEngine: literals('vllm_openai', 'openai'),
  /** API key for the LLM endpoint (`OPENAI_API_KEY`), as a Secret reference. */
  llmApiKey: Type.Optional(SecretKeySelector),
  /** Disable the bundled chat UI (must stay true in production). */
  disableChatUi: Type.Boolean(),
  /** Reload the config on change (development only). */
  autoReload: Type.Boolean(),
  verbose: Type.Boolean(),
  extraArgs: Type.Array(Type.String()),
  /** The stub rail rendered when no `configMapName` is given. */
  defaultConfig: strictObject({ configYml: Type.String({ minLength: 1 }), mainCo: Type.String({ minLength: 1 }) }),
  resources: Resources,
  identity: PodIdentity,
  probes: Probes,
  serviceAnnotations: Type.Record(Type.String({ minLength: 1 }), Type.String()),
  autoscaling: Autoscaling,
  serviceMonitor: ServiceMonitorValues,
  networkPolicy: strictObject({
    enabled: Type.Boolean(),
    /** Namespaces besides this one whose pods may call the rails. */
    extraNamespaces: Type.Array(DnsLabel),
    /** Allow HTTPS egress to an external LLM endpoint. */
    allowExternalLlmEgress: Type.Boolean(),
  }),
});
export type NemoGuardrailsValues = Static<typeof NemoGuardrailsValues>;

const CONFIG_PATH = '/config';

export class NemoGuardrails extends Blueprint<typeof NemoGuardrailsValues> {
  public static readonly spec = blueprintSpec({
    owner: { team: 'ai-platform', contact: 'ai-platform@openova.io' },
    name: 'nemo-guardrails',
    version: '1.0.0',
    slot: 43,
    section: 'pts-4-7-ai-safety',
    category: 'ai-safety',
    card: {
      title: 'NeMo Guardrails',
      summary: 'Programmable AI safety firewall between users and the LLM: blocks prompt injection, PII leaks, off-topic content and hallucinated citations. Inline filter for bp-llm-gateway and bp-vllm.',
      icon: 'nemo-guardrails.svg',
      category: 'ai-safety',
      tags: ['ai-safety', 'guardrails', 'prompt-injection', 'pii', 'llm', 'nvidia'],
      documentation: 'https://docs.nvidia.com/nemo/guardrails/',
      license: 'Apache-2.0',
    },
    visibility: 'listed',
    upstream: [],
    namespace: 'ai-runtime',
    releaseName: 'nemo-guardrails',
    depends: [
      { blueprint: Vllm, version: '^1.0', alias: 'vllm' },
      // Forward-declared edges (§3.4): the gateway it filters for, embeddings and the database
      // of richer rails (retrieval, conversation memory).
      { blueprint: LlmGateway, version: '^1.0', alias: 'gateway' },
      { blueprint: Bge, version: '^1.0', alias: 'bge' },
      { blueprint: Cnpg, version: '^1.0', alias: 'db' },
    ],
    values: NemoGuardrailsValues,
    defaults: {
      replicas: 1,
      image: { repository: 'ghcr.io/openova-io/openova/nemo-guardrails', tag: '0.21.0' },
      imagePullPolicy: 'IfNotPresent',
      port: 8000,
      llmSource: 'vllm',
      llmEngine: 'vllm_openai',
      disableChatUi: true,
      autoReload: false,
      verbose: true,
      extraArgs: [],
      defaultConfig: {
        configYml: [
          '# Catalyst stub config — production deployments MUST set configMapName',
          '# to a tenant-authored ConfigMap.',
          'colang_version: "2.x"',
          'instructions:',
          '  - type: general',
          '    content: |',
          '      You are a helpful assistant. Refuse to answer questions',
          '      about prohibited topics.',
          '',
        ].join('\n'),
        mainCo: ['# Catalyst stub Colang flow — replace via configMapName.', 'flow main', '  activate llm continuation', ''].join('\n'),
      },
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } },
      identity: { runAsUser: 1000, fsGroup: 1000, readOnlyRootFilesystem: false },
      probes: {
        liveness: { path: '/v1/rails/configs', initialDelaySeconds: 60, periodSeconds: 30, timeoutSeconds: 10 },
        readiness: { path: '/v1/rails/configs', initialDelaySeconds: 20, periodSeconds: 10, timeoutSeconds: 5 },
      },
      serviceAnnotations: {
        'catalyst.openova.io/llm-gateway-route': 'guardrails',
        'catalyst.openova.io/llm-gateway-port': '8000',
      },
      autoscaling: { enabled: false, minReplicas: 1, maxReplicas: 6, targetCPUUtilizationPercentage: 70, targetMemoryUtilizationPercentage: 80 },
      serviceMonitor: { enabled: false, interval: '30s', scrapeTimeout: '10s', path: '/metrics' },
      networkPolicy: { enabled: false, extraNamespaces: [], allowExternalLlmEgress: false },
    },
    placement: { modes: ['single-region', 'active-active'], default: 'active-active' },
    upgradesFrom: ['0.x'],
  });

  constructor(scope: Construct, props: BlueprintProps) {
    super(scope, props);
    const v = this.values;
    if (v && v.llmSource === 'gateway' && !v.llmEndpoint && !v.llmModel) {
      (this.issues as Issue[]).push({
        path: `${props.path}.values.llmModel`,
        message: 'is required with llmSource "gateway": name the gateway model the rails forward to',
      });
    }
  }

  /** The guarded LLM: OpenAI-compatible endpoint and model. */
  public get llm(): { readonly endpoint: string; readonly model: string } {
    const v = this.values;
    if (v.llmSource === 'gateway') {
      return { endpoint: v.llmEndpoint ?? this.dependency(LlmGateway).url, model: v.llmModel! };
    }
    const vllm = this.dependency(Vllm);
    return { endpoint: v.llmEndpoint ?? vllm.url, model: v.llmModel ?? vllm.servedModel };
  }

  /** In-cluster URL of the guardrails server (`/v1/chat/completions` with a `config_id`). */
  public get url(): string {
    return `http://${this.releaseName}.${this.namespace}.svc.cluster.local:${this.values.port}`;
  }

  public outputs(): { readonly [name: string]: string } {
    return { url: this.url };
  }

  /** The stub rail's config.yml: the curated instructions plus the model wiring. */
  public get stubConfig(): string {
    const llm = this.llm;
    const models = yamlStringify({
      models: [{ type: 'main', engine: this.values.llmEngine, model: llm.model, parameters: { openai_api_base: llm.endpoint } }],
    });
    return `${this.values.defaultConfig.configYml.replace(/\n*$/, '\n')}${models}`;
  }

  protected overlays(scope: Chart): void {
    const v = this.values;
    const external = v.configMapName;
    const mounts: k8s.VolumeMount[] = external
      ? [{ name: 'config', mountPath: CONFIG_PATH, readOnly: true }]
      : [
        // nemoguardrails expects <config>/<rail>/{config.yml,*.co}; ConfigMap keys cannot hold
        // directories, so each key is mounted into the `default` rail by subPath.
        { name: 'config', mountPath: `${CONFIG_PATH}/default/config.yml`, subPath: 'config.yml', readOnly: true },
        { name: 'config', mountPath: `${CONFIG_PATH}/default/main.co`, subPath: 'main.co', readOnly: true },
      ];
    mounts.push({ name: 'tmp', mountPath: '/tmp' });
    const workload = new AppWorkload(scope, 'workload', {
      name: this.releaseName,
      appName: 'nemo-guardrails',
      component: 'ai-safety',
      version: this.spec.version,
      replicas: v.replicas,
      identity: v.identity,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
      config: external ? undefined : { 'config.yml': this.stubConfig, 'main.co': v.defaultConfig.mainCo },
      volumes: [
        { name: 'config', configMap: { name: external ?? `${this.releaseName}-config` } },
        { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
      ],
      containers: [{
        name: 'guardrails',
        image: v.image,
        pullPolicy: v.imagePullPolicy,
        args: [
          'server',
          '--port', String(v.port),
          '--config', CONFIG_PATH,
          ...(v.disableChatUi ? ['--disable-chat-ui'] : []),
          ...(v.autoReload ? ['--auto-reload'] : []),
          ...(v.verbose ? ['--verbose'] : []),
          ...v.extraArgs,
        ],
        env: [
          ...(v.llmApiKey ? [envFromSecret('OPENAI_API_KEY', v.llmApiKey)] : []),
          env('NEMOGUARDRAILS_DO_NOT_TRACK', '1'),
        ],
        ports: [{ name: 'http', containerPort: v.port, servicePort: v.port }],
        probes: v.probes,
        probePort: 'http',
        resources: resourceRequirements(v.resources),
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
          egress: [
            // The guarded LLM, at the port of its endpoint.
            { ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(portOf(this.llm.endpoint)) }] },
            ...(v.networkPolicy.allowExternalLlmEgress ? [{ ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(443) }] }] : []),
          ],
        }
        : undefined,
    });
    if (workload.serviceMonitor) this.optional(workload.serviceMonitor);
  }
}

/** The port of an http(s) URL (default 80/443). */
function portOf(url: string): number {
  const u = new URL(url);
  return u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
}
