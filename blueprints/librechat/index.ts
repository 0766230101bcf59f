/**
 * bp-librechat (slot 48): LibreChat, the multi-LLM chat UI. Talks to bp-llm-gateway for chat
 * (OpenAI-compatible custom endpoint), to bp-bge for RAG embeddings, and logs people in through
 * Keycloak. Made of manifests only (the upstream chart's `common` subchart was a dummy).
 *
 * Every endpoint comes from the dependency's typed getter (`gateway`, `bge`, `idp`): the
 * upstream hard-coded `llm-gateway.llm-gateway.svc:8080` and `bge.bge.svc:8080`, neither of
 * which existed. The gateway key is bp-llm-gateway's master key, mirrored into this namespace
 * in-cluster unless a dedicated key is given.
 *
 * Required from the user (no safe default exists): the MongoDB-compatible database URI
 * (`mongo.existingSecret`; upstream pointed at a FerretDB that the platform excludes), the
 * app's encryption keys (`credentials.existingSecret`: CREDS_KEY is 64 hex characters, which
 * the in-cluster generator does not produce), and, with Keycloak login on, the realm and the
 * client-secret Secret.
 */
import { Static, Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { ingressIssuerAnnotation } from '../../constructs/cert-manager';
import { Blueprint, BlueprintProps, blueprintSpec } from '../../src/blueprint';
import { CatalystError, Issue } from '../../src/errors';
import { DnsLabel, Image, Resources } from '../../src/schema';
import { strictObject } from '../../src/values';
import { Bge } from '../bge';
import { CertManager } from '../cert-manager';
import { Keycloak } from '../keycloak';
import { appLabels, GeneratedSecret } from '../keycloak/generated-secret';
import { LITELLM_PORT, LlmGateway } from '../llm-gateway';
import { Vllm } from '../vllm';
import {
  AppWorkload, Autoscaling, env, envFromSecret, literals, PodIdentity, Probes, PullPolicy, resourceRequirements,
  SecretKeySelector, ServiceMonitorValues, withRequiredValues,
} from '../vllm/app-workload';

/** The `yaml` package, loaded when a config file is rendered (importing the library does not need it). */
function yamlStringify(value: unknown): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('yaml') as typeof import('yaml')).stringify(value);
}

const Hostname = Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$', maxLength: 253 });

const defaultedProperties = {
  /** Public host of the UI. @default `chat-app.<FQDN>` */
  host: Type.Optional(Hostname),
  replicas: Type.Integer({ minimum: 1, maximum: 10 }),
  image: Image,
  imagePullPolicy: PullPolicy,
  port: Type.Integer({ minimum: 1024, maximum: 65535 }),
  resources: Resources,
  identity: PodIdentity,
  probes: Probes,
  /** Chat through bp-llm-gateway. */
  llmGateway: strictObject({
    /** A dedicated gateway key (a LiteLLM virtual key); unset: the gateway's master key, mirrored here. */
    apiKeySecret: Type.Optional(SecretKeySelector),
    /** Models offered in the UI, and the one that titles conversations. */
    models: strictObject({ default: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }), titleModel: Type.String({ minLength: 1 }) }),
  }),
  /** RAG embeddings. */
  embeddings: strictObject({
    /** `bge`: bp-bge's OpenAI-compatible endpoint. */
    provider: literals('bge', 'openai', 'huggingface', 'ollama'),
    /** Endpoint for providers other than `bge`. */
    baseURL: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$' })),
    /** Embeddings model; unset with `bge`: the model bp-bge serves. */
    model: Type.Optional(Type.String({ minLength: 1 })),
    apiKeySecret: Type.Optional(SecretKeySelector),
  }),
  /** OpenID Connect login through bp-keycloak. */
  keycloak: strictObject({
    enabled: Type.Boolean(),
    /** Realm of the Sovereign's users; required when enabled. */
    realm: Type.Optional(DnsLabel),
    clientId: Type.String({ minLength: 1 }),
    scope: Type.String({ minLength: 1 }),
    callbackPath: Type.String({ pattern: '^/[^\\s]*$' }),
    buttonLabel: Type.String({ minLength: 1 }),
    /** Secret with keys OPENID_CLIENT_SECRET and OPENID_SESSION_SECRET; required when enabled. */
    existingSecret: Type.Optional(DnsLabel),
    allowSocialLogin: Type.Boolean(),
    allowSocialRegistration: Type.Boolean(),
  }),
  ingress: strictObject({
    enabled: Type.Boolean(),
    className: Type.String({ minLength: 1 }),
    tlsSecretName: DnsLabel,
  }),
  autoscaling: Autoscaling,
  serviceMonitor: ServiceMonitorValues,
  /** A NetworkPolicy (on by default, as upstream): the UI port in; DNS, the gateway, bge, MongoDB and HTTPS out. */
  networkPolicy: strictObject({ enabled: Type.Boolean(), mongoPort: Type.Integer({ minimum: 1, maximum: 65535 }) }),
};

export const LibrechatValues = strictObject({
  ...defaultedProperties,
  /** Secret with the MongoDB-compatible connection URI (key `key`). Required. */
  mongo: strictObject({ existingSecret: DnsLabel, key: Type.String({ pattern: '^[-._a-zA-Z0-9]+$' }) }),
  /** Secret with CREDS_KEY (64 hex), CREDS_IV (32 hex), JWT_SECRET and JWT_REFRESH_SECRET. Required. */
  credentials: strictObject({ existingSecret: DnsLabel }),
});
export type LibrechatValues = Static<typeof LibrechatValues>;

const DefaultsSchema = strictObject({
  ...defaultedProperties,
  mongo: strictObject({ existingSecret: Type.Optional(DnsLabel), key: Type.String({ pattern: '^[-._a-zA-Z0-9]+$' }) }),
  credentials: Type.Optional(strictObject({ existingSecret: DnsLabel })),
});

const CONFIG_FILE = '/app/librechat.yaml';

export class Librechat extends Blueprint<typeof LibrechatValues> {
  public static readonly spec = withRequiredValues(
    blueprintSpec({
      owner: { team: 'ai-platform', contact: 'ai-platform@openova.io' },
      name: 'librechat',
      version: '1.0.0',
      slot: 48,
      section: 'pts-4-7-application-tier-chat-ui',
      category: 'application',
      card: {
        title: 'LibreChat',
        summary: 'Multi-LLM chat UI: chat through bp-llm-gateway (vLLM, Claude, cloud models), RAG embeddings from bp-bge, Keycloak SSO over OpenID Connect.',
        icon: 'librechat.svg',
        category: 'application',
        tags: ['chat', 'llm', 'ui', 'openid', 'rag', 'application'],
        documentation: 'https://www.librechat.ai/docs',
        license: 'MIT',
      },
      visibility: 'listed',
      upstream: [],
      namespace: 'librechat',
      releaseName: 'librechat',
      depends: [
        { blueprint: LlmGateway, version: '^1.0', alias: 'gateway' },
        { blueprint: Vllm, version: '^1.0', alias: 'vllm' },
        { blueprint: Bge, version: '^1.0', alias: 'bge' },
        { blueprint: Keycloak, version: '^1.1', alias: 'idp' },
      ],
      network: {
        // The ingress controller forwards to the UI.
        ingressFromWorld: [{ port: 3080 }],
        // Keycloak's public OIDC endpoints, and the MongoDB-compatible database the URI names.
        egressToWorld: [{ port: 443 }, { port: 27017 }],
      },
      values: DefaultsSchema,
      defaults: {
        replicas: 1,
        image: { repository: 'ghcr.io/danny-avila/librechat', tag: 'v0.7.5' },
        imagePullPolicy: 'IfNotPresent',
        port: 3080,
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
        identity: { runAsUser: 1000, fsGroup: 1000, readOnlyRootFilesystem: false },
        probes: {
          liveness: { path: '/api/health', initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
          readiness: { path: '/api/health', initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
        },
        llmGateway: { models: { default: ['deep-thinker', 'quick-thinker', 'compliance-advisor'], titleModel: 'quick-thinker' } },
        embeddings: { provider: 'bge' },
        keycloak: {
          enabled: true,
          clientId: 'librechat',
          scope: 'openid profile email',
          callbackPath: '/oauth/openid/callback',
          buttonLabel: 'Sign in with Keycloak',
          allowSocialLogin: true,
          allowSocialRegistration: true,
        },
        ingress: { enabled: true, className: 'cilium', tlsSecretName: 'librechat-tls' },
        autoscaling: { enabled: false, minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercentage: 70, targetMemoryUtilizationPercentage: 80 },
        serviceMonitor: { enabled: false, interval: '30s', scrapeTimeout: '10s', path: '/metrics' },
        networkPolicy: { enabled: true, mongoPort: 27017 },
        mongo: { key: 'MONGO_URI' },
      },
      placement: { modes: ['single-region', 'active-active'], default: 'single-region' },
      upgradesFrom: ['0.x'],
    }),
    LibrechatValues,
  );

  constructor(scope: Construct, props: BlueprintProps) {
    super(scope, props);
    const v = this.values;
    const issues = this.issues as Issue[];
    if (v?.keycloak?.enabled) {
      if (!v.keycloak.realm) issues.push({ path: `${props.path}.values.keycloak.realm`, message: 'is required when keycloak.enabled: give the Keycloak realm of the Sovereign\'s users' });
      if (!v.keycloak.existingSecret) {
        issues.push({ path: `${props.path}.values.keycloak.existingSecret`, message: 'is required when keycloak.enabled: name the Secret with OPENID_CLIENT_SECRET and OPENID_SESSION_SECRET' });
      }
    }
    if (v?.embeddings && v.embeddings.provider !== 'bge' && !v.embeddings.baseURL) {
      issues.push({ path: `${props.path}.values.embeddings.baseURL`, message: `is required with provider ${JSON.stringify(v.embeddings.provider)}` });
    }
  }

  public get host(): string {
    return this.values.host ?? `chat-app.${this.context.fqdn}`;
  }

  public get url(): string {
    return `https://${this.host}`;
  }

  /** Keycloak issuer of the login, if enabled. */
  public get issuer(): string | undefined {
    const k = this.values.keycloak;
    return k.enabled && k.realm ? `${this.dependency(Keycloak).url}/realms/${k.realm}` : undefined;
  }

  /** The embeddings endpoint and model (bp-bge's unless another provider is chosen). */
  public get embeddings(): { readonly provider: string; readonly baseURL: string; readonly model: string } {
    const e = this.values.embeddings;
    if (e.provider === 'bge') {
      const bge = this.dependency(Bge);
      // Deliberate fix: upstream asked bge for `BAAI/bge-large-en-v1.5` while bp-bge serves
      // `bge-small`; the model now comes from the Blueprint that serves it.
      return { provider: 'bge', baseURL: bge.embeddingsUrl, model: e.model ?? bge.embeddingModel };
    }
    if (!e.baseURL || !e.model) throw CatalystError.at(`${this.path}.values.embeddings`, `provider ${e.provider} needs baseURL and model`);
    return { provider: e.provider, baseURL: e.baseURL, model: e.model };
  }

  /** Where the gateway API key is read from: the given Secret, or the mirrored master key. */
  public get gatewayKey(): SecretKeySelector {
    return this.values.llmGateway.apiKeySecret ?? { name: `${this.releaseName}-llm-gateway`, key: this.dependency(LlmGateway).masterKeySecret.key };
  }

  public outputs(): { readonly [name: string]: string } {
    return { url: this.url };
  }

  /**
   * LibreChat's `librechat.yaml`: registration and upload limits. The gateway is LibreChat's
   * built-in OpenAI endpoint (env `OPENAI_REVERSE_PROXY`, `OPENAI_API_KEY`…), not upstream's
   * custom endpoint: that one references its key as `${LLM_GATEWAY_API_KEY}` inside the file,
   * which Flux's substitution would blank (and the synth rejects any `${…}` but the FQDN).
   */
  public get configFile(): string {
    const v = this.values;
    return yamlStringify({
      version: '1.1.0',
      cache: true,
      registration: { socialLogins: v.keycloak.enabled ? ['openid'] : [] },
      fileConfig: {
        endpoints: {
          openAI: {
            fileLimit: 10,
            fileSizeLimit: 50,
            supportedMimeTypes: ['application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'text/plain', 'text/markdown'],
          },
        },
      },
    });
  }

  protected overlays(scope: Chart): void {
    const v = this.values;
    const labels = appLabels('librechat', this.releaseName, 'chat-ui', this.spec.version);
    const gateway = this.dependency(LlmGateway);
    if (!v.llmGateway.apiKeySecret) {
      // A pod reads Secrets of its own namespace only: copy the gateway's key here, in-cluster.
      const master = gateway.masterKeySecret;
      new GeneratedSecret(scope, 'gateway-key', {
        namespace: this.namespace,
        secretName: this.gatewayKey.name,
        mirrorOf: { namespace: master.namespace, secretName: master.name, keys: [master.key] },
        labels,
      });
    }
    const emb = this.embeddings;
    const k = v.keycloak;
    const envs: k8s.EnvVar[] = [
      env('HOST', '0.0.0.0'),
      env('PORT', v.port),
      env('CONFIG_PATH', CONFIG_FILE),
      envFromSecret('MONGO_URI', { name: v.mongo.existingSecret, key: v.mongo.key }),
      ...['CREDS_KEY', 'CREDS_IV', 'JWT_SECRET', 'JWT_REFRESH_SECRET'].map((key) => envFromSecret(key, { name: v.credentials.existingSecret, key })),
      // Chat: LibreChat's OpenAI endpoint, pointed at bp-llm-gateway.
      env('ENDPOINTS', 'openAI'),
      env('OPENAI_REVERSE_PROXY', gateway.url),
      envFromSecret('OPENAI_API_KEY', this.gatewayKey),
      env('OPENAI_MODELS', v.llmGateway.models.default.join(',')),
      env('TITLE_CONVO', 'true'),
      env('OPENAI_TITLE_MODEL', v.llmGateway.models.titleModel),
      // LibreChat speaks the OpenAI embeddings shape to bge (TEI's /v1/embeddings).
      ...(emb.provider === 'bge'
        ? [env('EMBEDDINGS_PROVIDER', 'openai'), env('RAG_OPENAI_BASEURL', emb.baseURL)]
        : [env('EMBEDDINGS_PROVIDER', emb.provider), env('EMBEDDINGS_BASE_URL', emb.baseURL)]),
      env('EMBEDDINGS_MODEL', emb.model),
      ...(v.embeddings.apiKeySecret ? [envFromSecret('RAG_OPENAI_API_KEY', v.embeddings.apiKeySecret)] : []),
      ...(k.enabled && k.existingSecret
        ? [
          env('ALLOW_SOCIAL_LOGIN', k.allowSocialLogin),
          env('ALLOW_SOCIAL_REGISTRATION', k.allowSocialRegistration),
          env('OPENID_ISSUER', this.issuer ?? ''),
          env('OPENID_CLIENT_ID', k.clientId),
          env('OPENID_SCOPE', k.scope),
          env('OPENID_BUTTON_LABEL', k.buttonLabel),
          env('OPENID_CALLBACK_URL', `${this.url}${k.callbackPath}`),
          envFromSecret('OPENID_CLIENT_SECRET', { name: k.existingSecret, key: 'OPENID_CLIENT_SECRET' }),
          envFromSecret('OPENID_SESSION_SECRET', { name: k.existingSecret, key: 'OPENID_SESSION_SECRET' }),
        ]
        : []),
    ];
    const tcp = (port: number): k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
    const inNamespace = (ns: string, port: number): k8s.NetworkPolicyEgressRule => ({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } }],
      ports: [tcp(port)],
    });
    const bge = emb.provider === 'bge' ? this.dependency(Bge) : undefined;
    const workload = new AppWorkload(scope, 'workload', {
      name: this.releaseName,
      appName: 'librechat',
      component: 'chat-ui',
      version: this.spec.version,
      replicas: v.replicas,
      identity: v.identity,
      config: { 'librechat.yaml': this.configFile },
      volumes: [{ name: 'config', configMap: { name: `${this.releaseName}-config` } }],
      containers: [{
        name: 'librechat',
        image: v.image,
        pullPolicy: v.imagePullPolicy,
        env: envs,
        ports: [{ name: 'http', containerPort: v.port, servicePort: v.port }],
        probes: v.probes,
        probePort: 'http',
        resources: resourceRequirements(v.resources),
        volumeMounts: [{ name: 'config', mountPath: CONFIG_FILE, subPath: 'librechat.yaml', readOnly: true }],
      }],
      autoscaling: v.autoscaling,
      serviceMonitor: v.serviceMonitor,
      metricsPort: 'http',
      networkPolicy: v.networkPolicy.enabled
        ? {
          // The ingress proxy (Cilium's Envoy) is not a pod a NetworkPolicy can select: the UI
          // port is open, nothing else.
          ingressFrom: [],
          egress: [
            inNamespace(gateway.namespace, LITELLM_PORT),
            ...(bge ? [inNamespace(bge.namespace, bge.values.embeddings.port)] : []),
            // MongoDB (wherever the URI points) and Keycloak's public OIDC endpoints.
            { ports: [tcp(v.networkPolicy.mongoPort), tcp(443)] },
          ],
        }
        : undefined,
    });
    if (workload.serviceMonitor) this.optional(workload.serviceMonitor);
    if (v.ingress.enabled) {
      const certManager = this.context.find(CertManager);
      if (!certManager) throw CatalystError.at(`${this.path}.values.ingress.enabled`, 'the Ingress certificate needs bp-cert-manager, which this Sovereign does not install');
      new k8s.KubeIngress(scope, 'ingress', {
        metadata: { name: this.releaseName, labels, annotations: { ...ingressIssuerAnnotation(certManager.issuer) } },
        spec: {
          ingressClassName: v.ingress.className,
          tls: [{ hosts: [this.host], secretName: v.ingress.tlsSecretName }],
          rules: [{
            host: this.host,
            http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: workload.service.name, port: { number: v.port } } } }] },
          }],
        },
      });
    }
  }
}
