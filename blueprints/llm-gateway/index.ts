/**
 * bp-llm-gateway (slot 40): the Sovereign's LLM proxy, LiteLLM (upstream `litellm-helm` from
 * BerriAI's OCI registry). One OpenAI-compatible endpoint in front of in-cluster vLLM, the
 * Anthropic adapter and cloud providers; a CNPG database keeps the audit log (spend, keys);
 * Keycloak-issued JWTs authenticate human callers when `auth.enabled`.
 *
 * The model list is built from typed backends: an enabled backend contributes its models with
 * endpoints read from the backend Blueprint's getters. bp-vllm and bp-anthropic-adapter are not
 * dependencies of this Blueprint (the adapter depends on the gateway), so they are looked up in
 * the Sovereign, and enabling one that is not installed is an error naming it.
 */
import { Static, Type } from '@sinclair/typebox';
import { ApiObject, Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { Blueprint, BlueprintClass, BlueprintProps, blueprintSpec, helmChart, helmFullname, UpstreamChart } from '../../src/blueprint';
import { CatalystError, Issue } from '../../src/errors';
import { DnsLabel, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { Cnpg } from '../cnpg';
import { ExternalSecrets } from '../external-secrets';
import { Keycloak } from '../keycloak';
import { appLabels, GeneratedSecret } from '../keycloak/generated-secret';
import { Vllm } from '../vllm';
import { appDatabase, ChartImage, DatabaseValues, literals, OpenBaoKey, openBaoSecret, ServiceMonitorValues } from '../vllm/app-workload';

export const LITELLM_CHART = helmChart('litellm-helm', '0.1.572', 'oci://ghcr.io/berriai');

/** Port of the chart's Service and container (`service.port`). */
export const LITELLM_PORT = 4000;

type AdapterModule = typeof import('../anthropic-adapter');

/**
 * The Anthropic adapter class, loaded on first use: its module imports this one (the adapter
 * depends on the gateway), so a top-level import would close a module cycle. The reference here
 * is only a lookup at synth time.
 */
function anthropicAdapterClass(): AdapterModule['AnthropicAdapter'] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../anthropic-adapter') as AdapterModule).AnthropicAdapter;
}

const Models = Type.Array(Type.String({ minLength: 1, pattern: '^[^\\s]+$' }));
const CloudBackend = strictObject({
  enabled: Type.Boolean(),
  /** Provider model ids exposed under the same names; credentials come from `credentials`. */
  models: Models,
});

export const LlmGatewayValues = strictObject({
  replicas: Type.Integer({ minimum: 1, maximum: 16 }),
  /** The LiteLLM image (the `-database` flavour, which runs the audit-log migrations). */
  image: ChartImage,
  resources: Resources,
  /** Keycloak JWT authentication of callers (the master key always works for automation). */
  auth: strictObject({
    enabled: Type.Boolean(),
    /** `keycloak`: JWTs only for people; `hybrid`: JWTs and virtual keys; `masterKey`: no JWT check (dev). */
    mode: literals('keycloak', 'masterKey', 'hybrid'),
    /** Keycloak realm that issues the tokens; required when `enabled`. */
    realm: Type.Optional(DnsLabel),
    audience: Type.String({ minLength: 1 }),
    clientId: Type.String({ minLength: 1 }),
  }),
  /** The CNPG-backed audit log (every request, spend, virtual keys). */
  audit: strictObject({
    enabled: Type.Boolean(),
    database: Type.String({ pattern: '^[a-z_][a-z0-9_]*$' }),
    owner: Type.String({ pattern: '^[a-z_][a-z0-9_]*$' }),
    postgres: DatabaseValues,
    /** Prisma migration Job: retries and backoff. */
    migrations: strictObject({ retries: Type.Integer({ minimum: 0, maximum: 10 }), backoffLimit: Type.Integer({ minimum: 0, maximum: 10 }) }),
  }),
  backends: strictObject({
    anthropic: CloudBackend,
    bedrock: CloudBackend,
    vertex: CloudBackend,
    /** bp-vllm's served model, at its in-cluster endpoint. */
    vllm: strictObject({ enabled: Type.Boolean() }),
    /** OpenAI model names mapped to Claude by bp-anthropic-adapter. */
    anthropicAdapter: strictObject({ enabled: Type.Boolean() }),
  }),
  /**
   * Provider credentials as environment variables (ANTHROPIC_API_KEY, AWS_*, VERTEXAI_*…):
   * a Secret in this namespace whose keys become env vars, or OpenBao entries materialized into
   * it by bp-external-secrets. Required when a cloud backend is enabled; never a literal.
   */
  credentials: strictObject({
    /** Name of the Secret. */
    secretName: Type.Optional(DnsLabel),
    /** Env var name → OpenBao entry; set to have this Blueprint declare the ExternalSecret. */
    fromOpenBao: Type.Record(Type.String({ pattern: '^[A-Z_][A-Z0-9_]*$' }), OpenBaoKey),
  }),
  autoscaling: strictObject({
    enabled: Type.Boolean(),
    minReplicas: Type.Integer({ minimum: 1, maximum: 100 }),
    maxReplicas: Type.Integer({ minimum: 1, maximum: 100 }),
    targetCPUUtilizationPercentage: Type.Integer({ minimum: 1, maximum: 100 }),
  }),
  networkPolicy: strictObject({
    enabled: Type.Boolean(),
    /** Namespaces whose pods may call the gateway (besides its own). */
    allowedCallerNamespaces: Type.Array(DnsLabel),
  }),
  serviceMonitor: ServiceMonitorValues,
});
export type LlmGatewayValues = Static<typeof LlmGatewayValues>;

/** One entry of LiteLLM's `model_list`. */
export interface LiteLlmModel {
  readonly model_name: string;
  readonly litellm_params: { readonly model: string; readonly api_base?: string; readonly api_key?: string };
}

export class LlmGateway extends Blueprint<typeof LlmGatewayValues> {
  public static readonly spec = blueprintSpec({
    owner: { team: 'ai-platform', contact: 'ai-platform@openova.io' },
    name: 'llm-gateway',
    version: '1.0.0',
    slot: 40,
    section: 'pts-4-6-llm-serving',
    category: 'ai-runtime',
    card: {
      title: 'LLM Gateway',
      summary: 'Subscription-aware LLM proxy (LiteLLM): one OpenAI-compatible endpoint routing to self-hosted vLLM, Claude via bp-anthropic-adapter, Bedrock and Vertex, with a CNPG-backed audit log and Keycloak SSO.',
      icon: 'llm-gateway.svg',
      category: 'ai-runtime',
      tags: ['llm', 'gateway', 'litellm', 'proxy', 'claude', 'openai', 'bedrock', 'vertex'],
      documentation: 'https://docs.litellm.ai/',
      license: 'MIT',
    },
    visibility: 'listed',
    upstream: [LITELLM_CHART],
    namespace: 'ai-runtime',
    releaseName: 'llm-gateway',
    depends: [
      { blueprint: Cnpg, version: '^1.0', alias: 'db' },
      { blueprint: Keycloak, version: '^1.0', alias: 'idp' },
      { blueprint: ExternalSecrets, version: '^1.0', alias: 'eso' },
    ],
    network: {
      // The CNPG operator polls the audit database's instance manager.
      ingressFromCluster: [{ port: 8000 }],
      // Cloud model providers, and Keycloak's public JWKS endpoint.
      egressToWorld: [{ port: 443 }],
    },
    podSecurity: {
      level: 'baseline',
      reason: 'the litellm-helm chart 0.1.572 leaves the pod and container securityContext empty and the litellm-database image runs as root; baseline still forbids privileged pods and host access',
    },
    values: LlmGatewayValues,
    defaults: {
      replicas: 1,
      image: { repository: 'ghcr.io/berriai/litellm-database' },
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
      auth: { enabled: false, mode: 'keycloak', audience: 'llm-gateway', clientId: 'llm-gateway' },
      audit: {
        enabled: true,
        database: 'litellm_audit',
        owner: 'litellm',
        postgres: {
          instances: 1,
          storageSize: '10Gi',
          resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
          imageName: 'ghcr.io/cloudnative-pg/postgresql:16.4',
        },
        migrations: { retries: 3, backoffLimit: 4 },
      },
      backends: {
        anthropic: { enabled: false, models: [] },
        bedrock: { enabled: false, models: [] },
        vertex: { enabled: false, models: [] },
        vllm: { enabled: false },
        anthropicAdapter: { enabled: false },
      },
      credentials: { fromOpenBao: {} },
      autoscaling: { enabled: false, minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercentage: 80 },
      networkPolicy: { enabled: false, allowedCallerNamespaces: ['ai-runtime', 'catalyst-apps'] },
      serviceMonitor: { enabled: false, interval: '30s', scrapeTimeout: '10s', path: '/metrics' },
    },
    placement: { modes: ['single-region', 'active-active'], default: 'single-region' },
    upgradesFrom: ['0.x'],
  });

  constructor(scope: Construct, props: BlueprintProps) {
    super(scope, props);
    const v = this.values;
    const issues = this.issues as Issue[];
    if (!v?.auth || !v.backends || !v.credentials) return;
    if (v.auth.enabled && v.auth.mode !== 'masterKey' && !v.auth.realm) {
      issues.push({ path: `${props.path}.values.auth.realm`, message: 'is required when auth.enabled: give the Keycloak realm that issues the callers\' tokens' });
    }
    const cloud = (['anthropic', 'bedrock', 'vertex'] as const).filter((b) => v.backends[b].enabled);
    for (const b of cloud) {
      if (v.backends[b].models.length === 0) {
        issues.push({ path: `${props.path}.values.backends.${b}.models`, message: `list at least one model when backends.${b}.enabled` });
      }
    }
    if (cloud.length && !this.credentialsSecret) {
      issues.push({
        path: `${props.path}.values.credentials`,
        message: `backends ${cloud.join(', ')} need provider credentials: give credentials.secretName (a Secret you manage) or credentials.fromOpenBao`,
      });
    }
  }

  /** Name of the chart's objects (Service, Deployment): `<release>-litellm-helm`. */
  public get fullname(): string {
    return helmFullname(this.releaseName, LITELLM_CHART.chart);
  }

  /** The OpenAI-compatible base URL, e.g. `http://llm-gateway-litellm-helm.ai-runtime.svc.cluster.local:4000/v1`. */
  public get url(): string {
    return `http://${this.fullname}.${this.namespace}.svc.cluster.local:${LITELLM_PORT}/v1`;
  }

  /**
   * The master key, generated in-cluster (create-only, never rotated). Admin callers and
   * trusted in-cluster apps (bp-librechat mirrors it) authenticate with it.
   */
  public get masterKeySecret(): { readonly name: string; readonly key: string; readonly namespace: string } {
    return { name: `${this.releaseName}-masterkey`, key: 'masterkey', namespace: this.namespace };
  }

  /** The CNPG Cluster of the audit log (its Services and Secret derive from the name). */
  public get auditClusterName(): string {
    return `bp-${this.releaseName}-audit`;
  }

  /** The Secret holding provider credentials as env vars, if any. */
  public get credentialsSecret(): string | undefined {
    const c = this.values.credentials;
    return c.secretName ?? (Object.keys(c.fromOpenBao).length ? `${this.releaseName}-env` : undefined);
  }

  /** Keycloak issuer of caller tokens, e.g. `https://keycloak.<FQDN>/realms/<realm>`. */
  public get issuer(): string | undefined {
    const a = this.values.auth;
    return a.enabled && a.realm ? `${this.dependency(Keycloak).url}/realms/${a.realm}` : undefined;
  }

  public outputs(): { readonly [name: string]: string } {
    return { url: this.url, masterKeySecret: this.masterKeySecret.name };
  }

  /** LiteLLM's `model_list`, from the enabled backends. */
  public modelList(): readonly LiteLlmModel[] {
    const b = this.values.backends;
    const out: LiteLlmModel[] = [];
    const cloud = (provider: string, models: readonly string[]) => {
      // No api_key: LiteLLM reads each provider's standard env vars from the credentials Secret.
      for (const m of models) out.push({ model_name: m, litellm_params: { model: `${provider}/${m}` } });
    };
    if (b.anthropic.enabled) cloud('anthropic', b.anthropic.models);
    if (b.bedrock.enabled) cloud('bedrock', b.bedrock.models);
    if (b.vertex.enabled) cloud('vertex_ai', b.vertex.models);
    if (b.vllm.enabled) {
      const vllm = this.backend(Vllm, 'vllm');
      out.push({ model_name: vllm.servedModel, litellm_params: { model: `hosted_vllm/${vllm.servedModel}`, api_base: vllm.url } });
    }
    if (b.anthropicAdapter.enabled) {
      const adapter = this.backend(anthropicAdapterClass(), 'anthropicAdapter');
      for (const name of adapter.modelNames) {
        // The adapter authenticates to Anthropic itself and does not check callers (its
        // NetworkPolicy does); the OpenAI client only needs a non-empty key. Not a credential.
        out.push({ model_name: name, litellm_params: { model: `openai/${name}`, api_base: adapter.url, api_key: 'none' } });
      }
    }
    return out;
  }

  private backend<B extends Blueprint>(cls: BlueprintClass<B>, key: string): B {
    const found = this.context.find(cls);
    if (!found) {
      throw CatalystError.at(`${this.path}.values.backends.${key}.enabled`, `the ${key} backend routes to bp-${cls.spec.name}, which this Sovereign does not install; add it or disable the backend`);
    }
    return found;
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    const auth = v.auth.enabled && v.auth.mode !== 'masterKey';
    const db = v.audit.enabled
      ? {
        useExisting: true,
        endpoint: `${this.auditClusterName}-rw`,
        database: v.audit.database,
        // Composed by the pod from the env vars the chart sets from the CNPG Secret: no password in values.
        url: 'postgresql://$(DATABASE_USERNAME):$(DATABASE_PASSWORD)@$(DATABASE_HOST):5432/$(DATABASE_NAME)',
        secret: { name: `${this.auditClusterName}-app`, usernameKey: 'username', passwordKey: 'password' },
        deployStandalone: false,
        useStackgresOperator: false,
      }
      : { useExisting: false, deployStandalone: false, useStackgresOperator: false };
    const secret = this.credentialsSecret;
    return {
      replicaCount: v.replicas,
      image: { repository: v.image.repository, pullPolicy: 'IfNotPresent', tag: v.image.tag ?? '' },
      serviceAccount: { create: true, automount: true },
      service: { type: 'ClusterIP', port: LITELLM_PORT },
      ingress: { enabled: false },
      // Deliberate fix: upstream shipped one placeholder model with `api_key:
      // operator-must-override-via-overlay` and a hard-coded adapter URL in another namespace;
      // the list is now built from the typed backends and their Blueprints' getters.
      proxy_config: {
        model_list: this.modelList(),
        general_settings: {
          master_key: 'os.environ/PROXY_MASTER_KEY',
          ...(auth ? { enable_jwt_auth: true, litellm_jwtauth: { user_id_jwt_field: 'sub', user_email_jwt_field: 'email' } } : {}),
        },
      },
      // Deliberate addition: the master key is a create-only Secret generated in-cluster. The
      // chart's own default is rendered with randAlphaNum and no lookup, so a re-render replaces it.
      masterkeySecretName: this.masterKeySecret.name,
      masterkeySecretKey: this.masterKeySecret.key,
      ...(auth ? { envVars: { JWT_PUBLIC_KEY_URL: `${this.issuer}/protocol/openid-connect/certs`, JWT_AUDIENCE: v.auth.audience } } : {}),
      db,
      // The Bitnami PostgreSQL subchart stays off (deployStandalone false); inert, kept as curated.
      postgresql: { architecture: 'standalone', auth: { 'username': 'litellm', 'database': 'litellm', 'password': '', 'postgres-password': '' } },
      redis: { enabled: false },
      migrationJob: { enabled: v.audit.enabled, retries: v.audit.migrations.retries, backoffLimit: v.audit.migrations.backoffLimit },
      // Deliberate fix: upstream loaded env from `bp-llm-gateway-env`, which nothing created, so
      // the pod could not start; now only a Secret that is given (or declared) is referenced.
      environmentSecrets: secret ? [secret] : [],
      resources: v.resources,
      autoscaling: { ...v.autoscaling },
    };
  }

  protected overlays(scope: Chart): void {
    const v = this.values;
    const labels = appLabels('llm-gateway', this.releaseName, 'gateway', this.spec.version);
    new GeneratedSecret(scope, 'master-key', {
      namespace: this.namespace,
      secretName: this.masterKeySecret.name,
      randomKeys: [this.masterKeySecret.key],
      labels,
    });
    if (v.audit.enabled) {
      appDatabase(scope, 'audit-db', {
        name: this.auditClusterName,
        database: v.audit.database,
        owner: v.audit.owner,
        values: v.audit.postgres,
        labels,
      });
    }
    const fromBao = Object.entries(v.credentials.fromOpenBao);
    if (fromBao.length) {
      openBaoSecret(scope, 'credentials', {
        name: this.credentialsSecret!,
        store: this.dependency(ExternalSecrets).secretStoreRef,
        data: fromBao.map(([secretKey, from]) => ({ secretKey, from })),
        labels,
      });
    }
    // The chart's selector labels: name = chart name, instance = release.
    const selector = { 'app.kubernetes.io/name': LITELLM_CHART.chart, 'app.kubernetes.io/instance': this.releaseName };
    if (v.networkPolicy.enabled) {
      const tcp = (port: number): k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
      const backendPorts = this.modelList().flatMap((m) => {
        const base = m.litellm_params.api_base;
        const port = base ? /:(\d+)\//.exec(base)?.[1] : undefined;
        return port ? [Number(port)] : [];
      });
      new k8s.KubeNetworkPolicy(scope, 'network-policy', {
        metadata: { name: this.fullname, labels },
        spec: {
          podSelector: { matchLabels: selector },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{
            from: [
              { podSelector: {} },
              ...v.networkPolicy.allowedCallerNamespaces.map((ns) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } })),
            ],
            ports: [tcp(LITELLM_PORT)],
          }],
          egress: [
            { ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, tcp(53)] },
            // The audit database (same namespace), cloud providers and Keycloak's JWKS (HTTPS),
            // and the in-cluster backends' ports.
            { to: [{ podSelector: {} }], ports: [tcp(5432)] },
            { ports: [tcp(443), ...[...new Set(backendPorts)].map(tcp)] },
          ],
        },
      });
    }
    if (v.serviceMonitor.enabled) {
      this.optional(new ApiObject(scope, 'service-monitor', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { name: this.fullname, labels },
        spec: {
          selector: { matchLabels: selector },
          endpoints: [{ port: 'http', path: v.serviceMonitor.path, interval: v.serviceMonitor.interval, scrapeTimeout: v.serviceMonitor.scrapeTimeout }],
        },
      }));
    }
  }
}
