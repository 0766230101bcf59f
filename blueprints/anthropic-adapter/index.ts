/**
 * bp-anthropic-adapter (slot 41): an OpenAI ↔ Anthropic translation service (Catalyst-authored
 * Go service): `/v1/chat/completions` in, Anthropic `/v1/messages` out, streaming included.
 * bp-llm-gateway routes OpenAI model names to it, so OpenAI-SDK clients reach Claude.
 *
 * Made of manifests only (the upstream chart's `common` subchart was a dummy). The operator's
 * Claude OAuth token comes from a Secret: given by name, or materialized from OpenBao by an
 * ExternalSecret this Blueprint declares (bp-external-secrets). The image has no default: the
 * upstream left its tag empty (its template refused to render without a pinned tag), so the
 * user names the build they trust.
 */
import { Static, Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Blueprint, blueprintSpec } from '../../src/blueprint';
import { DnsLabel, Image, Resources } from '../../src/schema';
import { strictObject } from '../../src/values';
import { ExternalSecrets } from '../external-secrets';
import { appLabels } from '../keycloak/generated-secret';
import { LITELLM_CHART, LlmGateway } from '../llm-gateway';
import {
  AppWorkload, Autoscaling, clusterUrl, env, envFromSecret, literals, OpenBaoKey, openBaoSecret, PodIdentity, Probes,
  PullPolicy, resourceRequirements, ServiceMonitorValues, withRequiredValues,
} from '../vllm/app-workload';

const defaultedProperties = {
  replicas: Type.Integer({ minimum: 1, maximum: 16 }),
  imagePullPolicy: PullPolicy,
  /** Pull secrets in this namespace, for a private registry. */
  imagePullSecrets: Type.Array(DnsLabel),
  port: Type.Integer({ minimum: 1024, maximum: 65535 }),
  anthropic: strictObject({
    /** Anthropic API base URL; air-gapped Sovereigns point it at an egress proxy. */
    baseUrl: Type.String({ pattern: '^https?://[^\\s]+$' }),
    /** `anthropic-version` header. */
    apiVersion: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
  }),
  /** The operator's Claude subscription token (never an API key in values). */
  auth: strictObject({
    /** `oauth`: the operator's Claude OAuth/Max token; `subscription` is reserved upstream. */
    mode: literals('oauth', 'subscription'),
    secretName: DnsLabel,
    secretKey: Type.String({ pattern: '^[-._a-zA-Z0-9]+$' }),
    /** Set to declare an ExternalSecret that fills `secretName` from OpenBao. */
    fromOpenBao: Type.Optional(OpenBaoKey),
  }),
  /** Defaults for requests that omit them. */
  defaults: strictObject({
    model: Type.String({ minLength: 1 }),
    maxTokens: Type.Integer({ minimum: 1, maximum: 200000 }),
    temperature: Type.Number({ minimum: 0, maximum: 2 }),
  }),
  resources: Resources,
  identity: PodIdentity,
  probes: Probes,
  /** OpenAI model name → Anthropic model; the gateway exposes these names. */
  modelMap: Type.Record(Type.String({ minLength: 1, pattern: '^[^\\s]+$' }), Type.String({ minLength: 1 })),
  autoscaling: Autoscaling,
  serviceMonitor: ServiceMonitorValues,
  networkPolicy: strictObject({
    enabled: Type.Boolean(),
    /** Allow HTTPS egress to the Anthropic API (off for air-gapped egress proxies inside the cluster). */
    allowAnthropicEgress: Type.Boolean(),
  }),
};

export const AnthropicAdapterValues = strictObject({
  ...defaultedProperties,
  /**
   * The adapter image, e.g. `{ repository: 'ghcr.io/openova-io/openova/anthropic-adapter', tag: '<sha>' }`.
   * Required: the upstream left the tag empty and publishes no release tag.
   */
  image: Image,
});
export type AnthropicAdapterValues = Static<typeof AnthropicAdapterValues>;

const DefaultsSchema = strictObject({ ...defaultedProperties, image: Type.Optional(Image) });

/** Where the model map is mounted (`MODEL_MAP_PATH`). */
const CONFIG_DIR = '/etc/anthropic-adapter';

export class AnthropicAdapter extends Blueprint<typeof AnthropicAdapterValues> {
  public static readonly spec = withRequiredValues(
    blueprintSpec({
      owner: { team: 'ai-platform', contact: 'ai-platform@openova.io' },
      name: 'anthropic-adapter',
      version: '1.0.0',
      slot: 41,
      section: 'pts-4-6-llm-serving',
      category: 'ai-runtime',
      card: {
        title: 'Anthropic Adapter',
        summary: 'OpenAI ↔ Anthropic translation layer: /v1/chat/completions to Anthropic /v1/messages, streaming included. Pairs with bp-llm-gateway so OpenAI-SDK clients reach Claude.',
        icon: 'anthropic-adapter.svg',
        category: 'ai-runtime',
        tags: ['llm', 'anthropic', 'claude', 'openai', 'adapter', 'proxy'],
        documentation: 'https://docs.anthropic.com/en/api/messages',
        license: 'Apache-2.0',
      },
      visibility: 'listed',
      upstream: [],
      namespace: 'ai-runtime',
      releaseName: 'anthropic-adapter',
      depends: [
        { blueprint: ExternalSecrets, version: '^1.0', alias: 'eso' },
        // Forward-declared edge (§3.4): the adapter is installed behind the gateway.
        { blueprint: LlmGateway, version: '^1.0', alias: 'gateway' },
      ],
      // The Anthropic API.
      network: { egressToWorld: [{ port: 443 }] },
      values: DefaultsSchema,
      defaults: {
        replicas: 1,
        imagePullPolicy: 'IfNotPresent',
        imagePullSecrets: [],
        port: 8000,
        anthropic: { baseUrl: 'https://api.anthropic.com', apiVersion: '2023-06-01' },
        auth: { mode: 'oauth', secretName: 'bp-anthropic-adapter-oauth', secretKey: 'oauth_token' },
        defaults: { model: 'claude-3-5-sonnet-20241022', maxTokens: 4096, temperature: 1 },
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
        identity: { runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534, readOnlyRootFilesystem: true },
        probes: {
          liveness: { path: '/healthz', initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 5 },
          readiness: { path: '/readyz', initialDelaySeconds: 2, periodSeconds: 10, timeoutSeconds: 5 },
        },
        modelMap: {
          'gpt-4': 'claude-3-5-sonnet-20241022',
          'gpt-4-turbo': 'claude-3-5-sonnet-20241022',
          'gpt-4o': 'claude-3-5-sonnet-20241022',
          'gpt-4o-mini': 'claude-3-5-haiku-20241022',
          'gpt-3.5-turbo': 'claude-3-5-haiku-20241022',
        },
        autoscaling: { enabled: false, minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercentage: 80 },
        serviceMonitor: { enabled: false, interval: '30s', scrapeTimeout: '10s', path: '/metrics' },
        networkPolicy: { enabled: false, allowAnthropicEgress: true },
      },
      placement: { modes: ['single-region', 'active-active'], default: 'single-region' },
      upgradesFrom: ['0.x'],
    }),
    AnthropicAdapterValues,
  );

  /** The OpenAI-compatible base URL, e.g. `http://anthropic-adapter.ai-runtime.svc.cluster.local:8000/v1`. */
  public get url(): string {
    return clusterUrl(this.releaseName, this.namespace, this.values.port, '/v1');
  }

  /** The OpenAI model names the adapter answers to (the model map's keys). */
  public get modelNames(): readonly string[] {
    return Object.keys(this.values.modelMap);
  }

  public outputs(): { readonly [name: string]: string } {
    return { url: this.url };
  }

  protected overlays(scope: Chart): void {
    const v = this.values;
    const labels = appLabels('anthropic-adapter', this.releaseName, 'ai-runtime', this.spec.version);
    const token = { name: v.auth.secretName, key: v.auth.secretKey };
    if (v.auth.fromOpenBao) {
      openBaoSecret(scope, 'oauth-token', {
        name: token.name,
        store: this.dependency(ExternalSecrets).secretStoreRef,
        data: [{ secretKey: token.key, from: v.auth.fromOpenBao }],
        labels,
      });
    }
    const gateway = this.dependency(LlmGateway);
    const workload = new AppWorkload(scope, 'workload', {
      name: this.releaseName,
      appName: 'anthropic-adapter',
      component: 'ai-runtime',
      version: this.spec.version,
      replicas: v.replicas,
      identity: v.identity,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
      imagePullSecrets: v.imagePullSecrets,
      config: { 'model-map.json': `${JSON.stringify(v.modelMap, null, 2)}\n` },
      volumes: [
        // The root filesystem is read-only; the service writes temp files here.
        { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
        { name: 'config', configMap: { name: `${this.releaseName}-config` } },
      ],
      containers: [{
        name: 'adapter',
        image: v.image,
        pullPolicy: v.imagePullPolicy,
        env: [
          env('PORT', v.port),
          env('ANTHROPIC_BASE_URL', v.anthropic.baseUrl),
          env('ANTHROPIC_API_VERSION', v.anthropic.apiVersion),
          env('AUTH_MODE', v.auth.mode),
          envFromSecret('ANTHROPIC_OAUTH_TOKEN', token),
          env('DEFAULT_MODEL', v.defaults.model),
          env('DEFAULT_MAX_TOKENS', v.defaults.maxTokens),
          env('DEFAULT_TEMPERATURE', v.defaults.temperature),
          env('MODEL_MAP_PATH', `${CONFIG_DIR}/model-map.json`),
        ],
        ports: [{ name: 'http', containerPort: v.port, servicePort: v.port }],
        probes: v.probes,
        probePort: 'http',
        resources: resourceRequirements(v.resources),
        volumeMounts: [
          { name: 'tmp', mountPath: '/tmp' },
          { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
        ],
      }],
      autoscaling: v.autoscaling,
      serviceMonitor: v.serviceMonitor,
      metricsPort: 'http',
      networkPolicy: v.networkPolicy.enabled
        ? {
          // Only bp-llm-gateway's pods call the adapter: selected by the gateway's namespace and its chart's labels.
          ingressFrom: [{
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': gateway.namespace } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': LITELLM_CHART.chart, 'app.kubernetes.io/instance': gateway.releaseName } },
          }],
          egress: v.networkPolicy.allowAnthropicEgress ? [{ ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(443) }] }] : [],
        }
        : undefined,
    });
    if (workload.serviceMonitor) this.optional(workload.serviceMonitor);
  }
}
