/**
 * bp-cert-manager-dynadot-webhook: cert-manager's DNS-01 solver for Dynadot-hosted domains.
 *
 * cert-manager calls an external DNS-01 solver through the Kubernetes aggregation layer: the
 * webhook is an aggregated API server (`v1alpha1.<groupName>`), and cert-manager creates
 * `ChallengeRequest`s against it; the webhook writes and removes `_acme-challenge` TXT records
 * through Dynadot's api3.json. This Blueprint is made of manifests only: the upstream chart
 * depended on a dummy `common` library chart just to satisfy the hollow-chart CI gate, which is
 * not reproduced here.
 *
 * It runs in cert-manager's namespace: a ClusterIssuer's secret references are resolved in
 * cert-manager's cluster-resource namespace, so the credentials Secret the issuer names and the
 * one this Deployment reads are the same object only if both live there.
 */
import { Static, TSchema, Type } from '@sinclair/typebox';
import { ApiObject, Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Certificate, INJECT_CA_FROM_ANNOTATION, injectCaFrom, Issuer } from '../../constructs/cert-manager';
import { imageRef, resourceRequirements } from '../../constructs/workload';
import { Blueprint, blueprintSpec, BlueprintSpec } from '../../src/blueprint';
import { DnsLabel, Image, Resources } from '../../src/schema';
import { strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';

/** The aggregated API version cert-manager's webhook framework serves. */
export const WEBHOOK_API_VERSION = 'v1alpha1';

/** Name of every object of this Blueprint (Deployment, Service, ServiceAccount, RBAC prefix). */
const FULLNAME = 'cert-manager-dynadot-webhook';

const ApiGroupName = Type.String({
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$',
  maxLength: 253,
  description: 'API group served by the webhook, a DNS name with at least one dot, e.g. acme.dynadot.openova.io',
});
const SecretKey = Type.String({ pattern: '^[-._a-zA-Z0-9]+$', maxLength: 253, description: 'key inside a Secret' });
/** A Go duration as cert-manager reads it, e.g. `8760h` or `90m`. */
const GoDuration = Type.String({ pattern: '^([0-9]+(\\.[0-9]+)?(h|m|s|ms))+$', description: 'Go duration, e.g. 8760h' });

/** Values every install shares; each has a default (the upstream curated value). */
const defaultedProperties = {
  /**
   * API group of the aggregated API. cert-manager's ClusterIssuer must name the same group, so
   * bp-cert-manager reads it from this Blueprint (`groupName` getter), never from a copy.
   */
  groupName: ApiGroupName,
  /** Solver name inside the group (fixed to `dynadot` by the binary; the issuer must match). */
  solverName: DnsLabel,
  replicas: Type.Integer({ minimum: 1, maximum: 5 }),
  imagePullPolicy: Type.Union([Type.Literal('IfNotPresent'), Type.Literal('Always'), Type.Literal('Never')]),
  /** Pull secrets in the cert-manager namespace, for a private registry mirror. */
  imagePullSecrets: Type.Array(DnsLabel),
  /** Port the aggregated API server listens on; above 1024 because the pod is not root. */
  securePort: Type.Integer({ minimum: 1025, maximum: 65535 }),
  logLevel: Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')]),
  resources: Resources,
  /** UID/GID the pod runs as. The rest of the hardening (non-root, read-only root, no capabilities, RuntimeDefault seccomp) is not a knob. */
  securityContext: strictObject({
    runAsUser: Type.Integer({ minimum: 1 }),
    fsGroup: Type.Integer({ minimum: 1 }),
  }),
  /**
   * The Secret holding the Dynadot API credentials, in the cert-manager namespace. It is never
   * generated here (no plaintext credentials in Git): provide it with an ExternalSecret or by hand.
   */
  credentialsSecret: strictObject({
    name: DnsLabel,
    keys: strictObject({
      apiKey: SecretKey,
      apiSecret: SecretKey,
      /** Comma-separated allowlist of apex domains the webhook may write to. */
      managedDomains: SecretKey,
      /** Single-domain fallback read when `managedDomains` is absent (pre-#108 Secrets). */
      legacyDomain: SecretKey,
    }),
  }),
  /** Override of Dynadot's API endpoint (tests only); unset uses https://api.dynadot.com/api3.json. */
  baseURL: Type.Optional(Type.String({ pattern: '^https://[^\\s]+$' })),
  /** Port of the ClusterIP Service the APIService points at. */
  service: strictObject({ port: Type.Integer({ minimum: 1, maximum: 65535 }) }),
  apiService: strictObject({
    groupPriorityMinimum: Type.Integer({ minimum: 1, maximum: 20000 }),
    versionPriority: Type.Integer({ minimum: 1, maximum: 1000 }),
  }),
  /** Lifetime of the private CA and of the serving certificate cert-manager issues for the webhook. */
  servingCert: strictObject({ duration: GoDuration, renewBefore: GoDuration }),
  /** Observability toggle: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({
    /** A ServiceMonitor scraping `/metrics` on the secure port (needs monitoring.coreos.com/v1; dropped with a warning otherwise). */
    serviceMonitor: Type.Boolean(),
  }),
  /** A NetworkPolicy limiting the pod to its secure port in, and DNS, HTTPS and the API server out. */
  networkPolicy: strictObject({ enabled: Type.Boolean() }),
};

export const CertManagerDynadotWebhookValues = strictObject({
  ...defaultedProperties,
  /**
   * The webhook image, e.g. `{ repository: 'ghcr.io/openova-io/openova/cert-manager-dynadot-webhook', tag: '<pinned>' }`.
   * Required: upstream shipped `tag: latest`, and no pinned release of that image is known, so the
   * user must name the build they trust.
   */
  image: Image,
});
export type CertManagerDynadotWebhookValues = Static<typeof CertManagerDynadotWebhookValues>;

/** The same schema with `image` optional: what the defaults are checked against. */
const DefaultsSchema = strictObject({ ...defaultedProperties, image: Type.Optional(Image) });

/**
 * A spec whose `defaults` deliberately lack user-required keys: the defaults are checked
 * against `defaultsSchema` (the same schema with those keys optional), then the spec publishes
 * the full schema, so a Sovereign that omits them fails with `….values.<key>: is required`.
 */
function specWithRequiredValues<S extends TSchema, D extends TSchema>(checked: BlueprintSpec<D>, full: S): BlueprintSpec<S> {
  return { ...checked, values: full, defaults: checked.defaults as unknown as Static<S> };
}

/** Where the Dynadot credentials are read from, and under which keys. */
export interface DynadotCredentialsSecret {
  readonly name: string;
  readonly namespace: string;
  readonly keys: {
    readonly apiKey: string;
    readonly apiSecret: string;
    readonly managedDomains: string;
    readonly legacyDomain: string;
  };
}

export class CertManagerDynadotWebhook extends Blueprint<typeof CertManagerDynadotWebhookValues> {
  public static readonly spec = specWithRequiredValues(
    blueprintSpec({
      name: 'cert-manager-dynadot-webhook',
      version: '1.0.0',
      section: 'pts-3-3-security-and-policy',
      card: {
        title: 'cert-manager Dynadot webhook',
        summary: "DNS-01 solver for cert-manager on Dynadot-hosted domains, so Let's Encrypt can sign wildcard certificates.",
        documentation: 'https://cert-manager.io/docs/configuration/acme/dns01/webhook/',
        license: 'Apache-2.0',
      },
      visibility: 'unlisted',
      upstream: [],
      // Same namespace as cert-manager: see the module comment.
      namespace: CertManager.spec.namespace,
      depends: [CertManager],
      values: DefaultsSchema,
      defaults: {
        groupName: 'acme.dynadot.openova.io',
        solverName: 'dynadot',
        replicas: 1,
        imagePullPolicy: 'IfNotPresent',
        imagePullSecrets: [],
        securePort: 4443,
        logLevel: 'info',
        resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
        securityContext: { runAsUser: 65534, fsGroup: 65534 },
        credentialsSecret: {
          name: 'dynadot-api-credentials',
          keys: { apiKey: 'api-key', apiSecret: 'api-secret', managedDomains: 'domains', legacyDomain: 'domain' },
        },
        service: { port: 443 },
        apiService: { groupPriorityMinimum: 1000, versionPriority: 15 },
        servingCert: { duration: '8760h', renewBefore: '720h' },
        monitoring: { serviceMonitor: false },
        networkPolicy: { enabled: false },
      },
    }),
    CertManagerDynadotWebhookValues,
  );

  /** API group of the solver; the DNS-01 ClusterIssuer's `webhook.groupName`. */
  public get groupName(): string {
    return this.values.groupName;
  }

  /** Solver name; the DNS-01 ClusterIssuer's `webhook.solverName`. */
  public get solverName(): string {
    return this.values.solverName;
  }

  /** The Secret the webhook reads its Dynadot credentials from (and the ClusterIssuer names). */
  public get credentialsSecret(): DynadotCredentialsSecret {
    const s = this.values.credentialsSecret;
    return { name: s.name, namespace: this.namespace, keys: { ...s.keys } };
  }

  /** Name of the APIService, `v1alpha1.<groupName>`. */
  public get apiServiceName(): string {
    return `${WEBHOOK_API_VERSION}.${this.groupName}`;
  }

  public outputs(): { readonly [name: string]: string } {
    return { solverName: this.solverName, groupName: this.groupName };
  }

  private labels(component: string): { [key: string]: string } {
    return {
      'app.kubernetes.io/name': FULLNAME,
      'app.kubernetes.io/instance': FULLNAME,
      'app.kubernetes.io/component': component,
      'app.kubernetes.io/part-of': 'cert-manager',
      'app.kubernetes.io/managed-by': 'catalyst-cdk',
    };
  }

  private get selector(): { [key: string]: string } {
    return { 'app.kubernetes.io/name': FULLNAME, 'app.kubernetes.io/instance': FULLNAME };
  }

  protected overlays(scope: Chart): void {
    const serving = this.servingCertificate(scope);
    this.rbac(scope);
    this.workload(scope, serving);
    const service = new k8s.KubeService(scope, 'service', {
      metadata: { name: FULLNAME, labels: this.labels('webhook') },
      spec: {
        type: 'ClusterIP',
        selector: this.selector,
        ports: [{ name: 'https', port: this.values.service.port, targetPort: k8s.IntOrString.fromString('https'), protocol: 'TCP' }],
      },
    });
    new k8s.KubeApiService(scope, 'api-service', {
      metadata: {
        name: this.apiServiceName,
        labels: this.labels('webhook'),
        // cainjector copies the serving certificate's CA into spec.caBundle, so the API server trusts the webhook.
        annotations: { [INJECT_CA_FROM_ANNOTATION]: injectCaFrom(this.namespace, serving) },
      },
      spec: {
        group: this.groupName,
        version: WEBHOOK_API_VERSION,
        groupPriorityMinimum: this.values.apiService.groupPriorityMinimum,
        versionPriority: this.values.apiService.versionPriority,
        service: { name: service.name, namespace: this.namespace, port: this.values.service.port },
      },
    });
    if (this.values.networkPolicy.enabled) this.networkPolicy(scope);
    if (this.values.monitoring.serviceMonitor) this.serviceMonitor(scope, serving);
  }

  /**
   * The serving certificate, from a private CA inside cert-manager: a self-signed Issuer signs a
   * CA Certificate, a CA Issuer signs the serving Certificate. The CA (not a self-signed leaf) is
   * what cainjector puts into the APIService, so renewing the leaf does not break trust.
   */
  private servingCertificate(scope: Chart): Certificate {
    const v = this.values.servingCert;
    const labels = this.labels('serving-cert');
    const selfSigned = new Issuer(scope, 'selfsigned-issuer', {
      metadata: { name: `${FULLNAME}-selfsign`, labels },
      spec: { selfSigned: {} },
    });
    const ca = new Certificate(scope, 'ca-certificate', {
      metadata: { name: `${FULLNAME}-ca`, labels },
      spec: {
        secretName: `${FULLNAME}-ca`,
        duration: v.duration,
        renewBefore: v.renewBefore,
        isCA: true,
        commonName: `ca.${FULLNAME}.${this.namespace}`,
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        issuerRef: { name: selfSigned.name, kind: 'Issuer' },
      },
    });
    const caIssuer = new Issuer(scope, 'ca-issuer', {
      metadata: { name: `${FULLNAME}-ca`, labels },
      spec: { ca: { secretName: ca.secretName } },
    });
    return new Certificate(scope, 'serving-certificate', {
      metadata: { name: `${FULLNAME}-tls`, labels },
      spec: {
        secretName: `${FULLNAME}-tls`,
        duration: v.duration,
        renewBefore: v.renewBefore,
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        // The API server dials the Service by its cluster DNS name; list every form it may use.
        dnsNames: [FULLNAME, `${FULLNAME}.${this.namespace}`, `${FULLNAME}.${this.namespace}.svc`],
        issuerRef: { name: caIssuer.name, kind: 'Issuer' },
      },
    });
  }

  /**
   * Identity and permissions. An aggregated API server delegates authentication and
   * authorization to kube-apiserver (auth-delegator, and the auth-reader Role in kube-system)
   * and watches API priority and fairness objects (flowcontrol); cert-manager's controller must
   * be allowed to create ChallengeRequests in the solver's group (missing upstream: cert-manager
   * got "forbidden"); the webhook may read its credentials Secret and nothing else.
   */
  private rbac(scope: Chart): void {
    const labels = this.labels('rbac');
    const sa = new k8s.KubeServiceAccount(scope, 'service-account', { metadata: { name: FULLNAME, labels } });
    const self = [{ kind: 'ServiceAccount', name: sa.name, namespace: this.namespace }];
    const rbacGroup = 'rbac.authorization.k8s.io';

    const flowcontrol = new k8s.KubeClusterRole(scope, 'flowcontrol-role', {
      metadata: { name: `${FULLNAME}:flowcontrol-solver`, labels },
      rules: [{ apiGroups: ['flowcontrol.apiserver.k8s.io'], resources: ['prioritylevelconfigurations', 'flowschemas'], verbs: ['list', 'watch'] }],
    });
    new k8s.KubeClusterRoleBinding(scope, 'flowcontrol-binding', {
      metadata: { name: `${FULLNAME}:flowcontrol-solver`, labels },
      roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: flowcontrol.name },
      subjects: self,
    });
    new k8s.KubeClusterRoleBinding(scope, 'auth-delegator-binding', {
      metadata: { name: `${FULLNAME}:auth-delegator`, labels },
      roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: 'system:auth-delegator' },
      subjects: self,
    });
    new k8s.KubeRoleBinding(scope, 'auth-reader-binding', {
      metadata: { name: `${FULLNAME}:webhook-authentication-reader`, namespace: 'kube-system', labels },
      roleRef: { apiGroup: rbacGroup, kind: 'Role', name: 'extension-apiserver-authentication-reader' },
      subjects: self,
    });

    const certManager = this.dependency(CertManager).controllerServiceAccount;
    const solver = new k8s.KubeClusterRole(scope, 'domain-solver-role', {
      metadata: { name: `${FULLNAME}:domain-solver`, labels },
      rules: [{ apiGroups: [this.groupName], resources: ['*'], verbs: ['create'] }],
    });
    new k8s.KubeClusterRoleBinding(scope, 'domain-solver-binding', {
      metadata: { name: `${FULLNAME}:domain-solver`, labels },
      roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: solver.name },
      subjects: [{ kind: 'ServiceAccount', name: certManager.name, namespace: certManager.namespace }],
    });

    const secret = this.credentialsSecret;
    const reader = new k8s.KubeRole(scope, 'credentials-reader-role', {
      metadata: { name: `${FULLNAME}:credentials-reader`, labels },
      rules: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [secret.name], verbs: ['get'] }],
    });
    new k8s.KubeRoleBinding(scope, 'credentials-reader-binding', {
      metadata: { name: `${FULLNAME}:credentials-reader`, labels },
      roleRef: { apiGroup: rbacGroup, kind: 'Role', name: reader.name },
      subjects: self,
    });
  }

  private workload(scope: Chart, serving: Certificate): void {
    const v = this.values;
    const secret = this.credentialsSecret;
    const fromSecret = (name: string, key: string, optional: boolean): k8s.EnvVar => ({
      name,
      valueFrom: { secretKeyRef: { name: secret.name, key, ...(optional ? { optional: true } : {}) } },
    });
    const seccomp = { type: 'RuntimeDefault' };
    new k8s.KubeDeployment(scope, 'deployment', {
      metadata: { name: FULLNAME, labels: this.labels('webhook') },
      spec: {
        replicas: v.replicas,
        selector: { matchLabels: this.selector },
        template: {
          metadata: { labels: this.labels('webhook') },
          spec: {
            serviceAccountName: FULLNAME,
            ...(v.imagePullSecrets.length ? { imagePullSecrets: v.imagePullSecrets.map((name) => ({ name })) } : {}),
            securityContext: {
              runAsNonRoot: true,
              runAsUser: v.securityContext.runAsUser,
              fsGroup: v.securityContext.fsGroup,
              seccompProfile: seccomp,
            },
            containers: [{
              name: 'webhook',
              image: imageRef(v.image),
              imagePullPolicy: v.imagePullPolicy,
              // cert-manager's webhook framework reads the standard apiserver flags.
              args: [`--secure-port=${v.securePort}`, '--tls-cert-file=/tls/tls.crt', '--tls-private-key-file=/tls/tls.key', '--v=2'],
              env: [
                { name: 'GROUP_NAME', value: v.groupName },
                { name: 'LOG_LEVEL', value: v.logLevel },
                fromSecret('DYNADOT_API_KEY', secret.keys.apiKey, false),
                fromSecret('DYNADOT_API_SECRET', secret.keys.apiSecret, false),
                fromSecret('DYNADOT_MANAGED_DOMAINS', secret.keys.managedDomains, true),
                fromSecret('DYNADOT_DOMAIN', secret.keys.legacyDomain, true),
                ...(v.baseURL ? [{ name: 'DYNADOT_BASE_URL', value: v.baseURL }] : []),
              ],
              ports: [{ name: 'https', containerPort: v.securePort, protocol: 'TCP' }],
              // /healthz is always allowed by the delegated authorizer, so the kubelet needs no token.
              livenessProbe: { httpGet: { path: '/healthz', port: k8s.IntOrString.fromString('https'), scheme: 'HTTPS' }, initialDelaySeconds: 5, periodSeconds: 10 },
              readinessProbe: { httpGet: { path: '/healthz', port: k8s.IntOrString.fromString('https'), scheme: 'HTTPS' }, initialDelaySeconds: 5, periodSeconds: 10 },
              resources: resourceRequirements(v.resources),
              securityContext: {
                runAsNonRoot: true,
                runAsUser: v.securityContext.runAsUser,
                readOnlyRootFilesystem: true,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                seccompProfile: seccomp,
              },
              volumeMounts: [
                { name: 'certs', mountPath: '/tls', readOnly: true },
                // The apiserver library writes small temp files; the root filesystem is read-only.
                { name: 'tmp', mountPath: '/tmp' },
              ],
            }],
            volumes: [
              { name: 'certs', secret: { secretName: serving.secretName } },
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } },
            ],
          },
        },
      },
    });
  }

  private networkPolicy(scope: Chart): void {
    const tcp = (port: number): k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
    new k8s.KubeNetworkPolicy(scope, 'network-policy', {
      metadata: { name: FULLNAME, labels: this.labels('webhook') },
      spec: {
        podSelector: { matchLabels: this.selector },
        policyTypes: ['Ingress', 'Egress'],
        // kube-apiserver calls in from the host network, which no pod selector matches.
        ingress: [{ ports: [tcp(this.values.securePort)] }],
        egress: [
          { ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, tcp(53)] },
          // Dynadot's API (443) and kube-apiserver for delegated auth (443 via the Service, 6443 after DNAT).
          { ports: [tcp(443), tcp(6443)] },
        ],
      },
    });
  }

  private serviceMonitor(scope: Chart, serving: Certificate): void {
    this.optional(new ApiObject(scope, 'service-monitor', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: FULLNAME, labels: this.labels('webhook') },
      spec: {
        selector: { matchLabels: this.selector },
        endpoints: [{
          port: 'https',
          scheme: 'https',
          path: '/metrics',
          // /metrics is behind delegated authorization: Prometheus presents its own token.
          bearerTokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
          tlsConfig: { ca: { secret: { name: serving.secretName, key: 'ca.crt' } }, serverName: `${FULLNAME}.${this.namespace}.svc` },
        }],
      },
    }));
  }
}
