/**
 * bp-powerdns (kit slot 11): the Sovereign's authoritative DNS. The pschichtel powerdns chart
 * (gpgsql backend, DNSSEC, Lua records) plus typed overlays:
 *
 *  - the zone database as a CloudNativePG `Cluster` (`pdns-pg`), whose generated `pdns-pg-app`
 *    Secret the chart reads host/port/dbname/user/password from;
 *  - the API credentials Secret `powerdns-api-credentials`, generated in-cluster (upstream fix
 *    726af6d: pods waited on a Secret nobody created) and never written to Git;
 *  - dnsdist (ConfigMap, Deployment, Service): rate-limiting front end;
 *  - the anycast LoadBalancer Service (Phase-0 stand-in for the anycast floating IPs);
 *  - the public REST API Ingress.
 *
 * Fixes of upstream defects (§3.3, §10 "Additional inconsistencies"):
 *  - the CNPG Cluster lived in `openova-system` while PowerDNS runs in `powerdns`, so the app
 *    Secret was in the wrong namespace: here the Cluster is in this Blueprint's namespace;
 *  - the API Ingress hard-coded host `pdns.openova.io`, ingress class `traefik`, a Traefik
 *    basic-auth Middleware and the non-existent issuer `letsencrypt-prod`: here the host is
 *    `pdns.<FQDN>`, the class is typed (default cilium), the issuer is bp-cert-manager's, and the
 *    Middleware is dropped (the kit has no Traefik; the API still requires X-API-Key);
 *  - dnsdist forwarded to `$POWERDNS_SERVICE_HOST:5353`, but the Service port is 53, and fell
 *    back to 127.0.0.1 (itself) when the variable was missing, which it is when dnsdist starts
 *    before the chart's Service exists (overlays apply before the HelmRelease installs): here it
 *    forwards to the Service port and fails fast, and the kubelet's restart reads the variable.
 *
 * Depends on bp-cnpg (slot 16) although its slot is later: dependsOn orders, slots are labels.
 */
import { createHash } from 'crypto';
import { Static, TLiteral, TUnion, Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import {
  IntOrString,
  KubeConfigMap,
  KubeDeployment,
  KubeIngress,
  KubeService,
  Quantity as K8sQuantity,
  ResourceRequirements,
} from 'cdk8s-plus-28/lib/imports/k8s';
import { CnpgCluster, cnpgAppSecret } from '../../constructs/cnpg';
import { Blueprint, blueprintSpec, helmChart, UpstreamChart } from '../../src/blueprint';
import { DnsLabel, Image, Quantity, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';
import { Cnpg } from '../cnpg';
import { appLabels, GeneratedSecret, issuerAnnotation, SecretKeyRef } from '../keycloak';

/** PowerDNS settings appended to the chart's config (upstream text, transcribed). */
export const POWERDNS_ADDITIONAL_CONFIG = [
  '# ── DNSSEC ────────────────────────────────────────────────────────',
  '# `gpgsql-dnssec=yes` is REQUIRED for the gpgsql backend to expose',
  '# the DNSSEC API — without it `PUT /zones/<zone>` with dnssec:true',
  '# returns 422 "no DNSSEC-capable backends are loaded". Pair with',
  '# `direct-dnskey=yes` so DNSKEY/CDS/CDNSKEY are served, and',
  '# `default-soa-edit-signed=INCEPTION-EPOCH` to keep SOA serials in',
  '# sync across replicas after every signed-zone change. DNSSEC keys',
  '# are generated per-zone by pool-domain-manager (#168) using',
  '# POST /zones/<zone>/cryptokeys with algorithm=ecdsa256 — every',
  '# Sovereign zone is DNSSEC-signed (ECDSAP256SHA256, algo 13) per',
  '# docs/PLATFORM-POWERDNS.md.',
  'gpgsql-dnssec=yes',
  'default-soa-edit-signed=INCEPTION-EPOCH',
  'direct-dnskey=yes',
  '',
  '# ── Records that mutate behaviour ────────────────────────────────',
  '# `enable-lua-records=yes` enables PowerDNS Lua records used by',
  '# Catalyst for geo-aware + health-checked failover. See',
  '# docs/MULTI-REGION-DNS.md for the lua-record patterns. Reference:',
  '# https://doc.powerdns.com/authoritative/lua-records/index.html',
  'enable-lua-records=yes',
  '',
  '# ── Performance tuning ───────────────────────────────────────────',
  '# `query-cache-ttl=20` smooths bursts (normal default) without',
  '# sacrificing rapid record-update propagation. `cache-ttl=20` caps',
  '# the packet cache. Both align with the dnsdist companion\'s',
  '# rate-limiting posture — bursts that survive dnsdist hit a warm',
  '# cache.',
  'query-cache-ttl=20',
  'cache-ttl=20',
  '',
  '# ── REST API CORS ────────────────────────────────────────────────',
  '# The Catalyst console posts to /api/v1 from console.openova.io;',
  '# the api-ingress.yaml Ingress sets the Access-Control-Allow-Origin',
  '# header at the Traefik layer, but PowerDNS itself must permit the',
  '# method+header set its own webserver returns.',
  'webserver-allow-from=0.0.0.0/0,::/0',
  '',
  '# ── Logging ──────────────────────────────────────────────────────',
  'log-dns-queries=no              # off in prod — dnsdist captures',
  'log-dns-details=no',
  'loglevel=4                      # warning + above',
].join('\n') + '\n';

/** Like `oneOf`, keeping the literal type (these values feed typed k8s fields). */
function literal<T extends string>(...values: T[]): TUnion<TLiteral<T>[]> {
  return Type.Union(values.map((v) => Type.Literal(v)));
}

const PullPolicy = literal('IfNotPresent', 'Always');
const ServiceType = literal('ClusterIP', 'LoadBalancer', 'NodePort');

export const PowerDnsValues = strictObject({
  /** Authoritative server replicas (they share the database). */
  replicaCount: Type.Integer({ minimum: 1, maximum: 9 }),
  /** The chart's image repository/tag are its pinned defaults (tag = chart appVersion). */
  imagePullPolicy: PullPolicy,
  /** uid/gid the server runs as (the pdns user of the official image). */
  runAsUser: Type.Integer({ minimum: 1 }),
  serviceType: ServiceType,
  resources: Resources,
  /** Observability toggles: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({ metrics: Type.Boolean(), serviceMonitor: Type.Boolean() }),
  /**
   * Secret (keys `api-key`, `webserver-password`) you manage yourself. Unset: the Blueprint
   * generates `powerdns-api-credentials` in-cluster.
   */
  existingCredentialsSecret: Type.Optional(DnsLabel),
  webserver: strictObject({
    /** API/webserver port; external-dns and the API Ingress use it. */
    port: Type.Integer({ minimum: 1024, maximum: 65535 }),
    allowFrom: Type.String({ minLength: 1 }),
  }),
  /** Zone the chart creates on start; empty: zones are created through the API (pool-domain-manager). */
  zoneName: Type.String(),
  /** RFC 2136 dynamic updates. */
  dnsupdate: Type.Boolean(),
  /** pdns.conf lines appended to the chart's (DNSSEC, Lua records, cache, logging). */
  additionalConfig: Type.String(),
  /** The zone and key database: a CloudNativePG Cluster in this namespace. */
  database: strictObject({
    clusterName: DnsLabel,
    instances: Type.Integer({ minimum: 1, maximum: 5 }),
    /** Pinned operand image (PostgreSQL 16). */
    image: Image,
    storageSize: Quantity,
    /** Unset uses the cluster's default StorageClass. */
    storageClass: Type.Optional(Type.String({ minLength: 1 })),
    database: Type.String({ pattern: '^[a-z_][a-z0-9_]*$' }),
    owner: Type.String({ pattern: '^[a-z_][a-z0-9_]*$' }),
    resources: Resources,
    /**
     * The gpgsql schema matching the server version. Not applied by this Blueprint (the spec lists
     * no upstream template that loads it): written on the Cluster as the annotation
     * `catalyst.openova.io/schema-url` for whoever loads it.
     */
    schemaUrl: Type.String({ pattern: '^https://' }),
  }),
  /** dnsdist: rate-limiting front end in front of the authoritative servers. */
  dnsdist: strictObject({
    enabled: Type.Boolean(),
    image: Image,
    imagePullPolicy: PullPolicy,
    replicaCount: Type.Integer({ minimum: 1, maximum: 9 }),
    serviceType: ServiceType,
    ratelimit: strictObject({
      /** Queries per second allowed per source IP; the excess is dropped. */
      qpsPerSource: Type.Integer({ minimum: 1 }),
      /** A source that keeps exceeding the rate for 10s is blocked this long. */
      blockSeconds: Type.Integer({ minimum: 1 }),
    }),
    resources: Resources,
  }),
  /** The public REST API Ingress (`/api` on `pdns.<FQDN>`), TLS from bp-cert-manager. */
  api: strictObject({
    enabled: Type.Boolean(),
    hostPrefix: DnsLabel,
    path: Type.String({ pattern: '^/' }),
    pathType: literal('Prefix', 'Exact', 'ImplementationSpecific'),
    ingressClassName: Type.String({ minLength: 1 }),
    tlsSecretName: DnsLabel,
  }),
  /** Public DNS endpoint: a LoadBalancer Service until the anycast floating IPs exist. */
  anycast: strictObject({
    enabled: Type.Boolean(),
    serviceName: DnsLabel,
    serviceType: literal('LoadBalancer', 'NodePort'),
    /** `Local` keeps client source IPs, which dnsdist's per-IP rate limit needs. */
    externalTrafficPolicy: literal('Local', 'Cluster'),
    annotations: Type.Record(Type.String(), Type.String()),
  }),
});
export type PowerDnsValues = Static<typeof PowerDnsValues>;

/** Secret the Blueprint generates for the API key and webserver password. */
export const POWERDNS_API_SECRET = 'powerdns-api-credentials';
/** Port dnsdist listens on inside its pod (non-root: no port below 1024). */
const DNSDIST_CONTAINER_PORT = 5353;

export class PowerDns extends Blueprint<typeof PowerDnsValues> {
  public static readonly spec = blueprintSpec({
    name: 'powerdns',
    version: '1.1.3',
    slot: 11,
    section: 'pts-3-2-gitops-and-iac',
    category: 'per-host-cluster-infrastructure',
    card: {
      title: 'PowerDNS',
      summary: 'Authoritative DNS with DNSSEC and Lua records for the Sovereign zone, behind a rate-limiting dnsdist.',
      icon: 'powerdns.svg',
      documentation: 'https://doc.powerdns.com/authoritative/',
      license: 'GPL-2.0-only',
    },
    visibility: 'unlisted',
    upstream: [helmChart('powerdns', '0.10.0', 'https://schich.tel/helm-charts')],
    namespace: 'powerdns',
    releaseName: 'powerdns',
    depends: [CertManager, Cnpg],
    // Authoritative DNS for the Sovereign zone is queried from the internet (dnsdist's
    // unprivileged container port), and the public REST API Ingress serves the webserver port.
    network: { ingressFromWorld: [{ port: 5353, protocol: 'UDP' }, { port: 5353, protocol: 'TCP' }, { port: 8081 }] },
    install: { timeout: '15m' },
    values: PowerDnsValues,
    defaults: {
      replicaCount: 3,
      imagePullPolicy: 'IfNotPresent',
      runAsUser: 953,
      serviceType: 'ClusterIP',
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      monitoring: { metrics: false, serviceMonitor: false },
      webserver: { port: 8081, allowFrom: '0.0.0.0/0' },
      zoneName: '',
      dnsupdate: false,
      additionalConfig: POWERDNS_ADDITIONAL_CONFIG,
      database: {
        clusterName: 'pdns-pg',
        instances: 1,
        image: { repository: 'ghcr.io/cloudnative-pg/postgresql', tag: '16.6' },
        storageSize: '5Gi',
        storageClass: 'local-path',
        database: 'pdns',
        owner: 'pdns',
        resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
        schemaUrl: 'https://raw.githubusercontent.com/PowerDNS/pdns/auth-5.0.3/modules/gpgsqlbackend/schema.pgsql.sql',
      },
      dnsdist: {
        enabled: true,
        image: { repository: 'docker.io/powerdns/dnsdist-19', tag: '1.9.14' },
        imagePullPolicy: 'IfNotPresent',
        replicaCount: 1,
        serviceType: 'ClusterIP',
        ratelimit: { qpsPerSource: 100, blockSeconds: 60 },
        resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '256Mi' } },
      },
      api: {
        enabled: true,
        hostPrefix: 'pdns',
        path: '/api',
        pathType: 'Prefix',
        ingressClassName: 'cilium',
        tlsSecretName: 'powerdns-api-tls',
      },
      anycast: {
        enabled: true,
        serviceName: 'powerdns-anycast',
        serviceType: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        annotations: {
          'catalyst.openova.io/comment': 'Phase-0 stand-in for the anycast NS floating IPs (XHetznerFloatingIP composition not authored yet).',
        },
      },
    },
  });

  /** Name of the chart's Service (API on the webserver port, DNS on 53). */
  public get serviceName(): string {
    return this.releaseName;
  }

  /** The API/webserver port. */
  public get apiPort(): number {
    return this.values.webserver.port;
  }

  /** The in-cluster API endpoint, e.g. `http://powerdns.powerdns.svc.cluster.local:8081`. */
  public get apiEndpoint(): string {
    return `http://${this.serviceName}.${this.namespace}.svc.cluster.local:${this.apiPort}`;
  }

  /** The API key, in this Blueprint's namespace. A consumer elsewhere mirrors it (bp-external-dns). */
  public get apiCredentials(): SecretKeyRef {
    return { secretName: this.values.existingCredentialsSecret ?? POWERDNS_API_SECRET, key: 'api-key' };
  }

  /** The webserver (basic-auth) password. */
  public get webserverPassword(): SecretKeyRef {
    return { secretName: this.apiCredentials.secretName, key: 'webserver-password' };
  }

  /** Public API host, `pdns.<FQDN>`. */
  public get apiHost(): string {
    return `${this.values.api.hostPrefix}.${this.context.fqdn}`;
  }

  /** The Secret CNPG generates for the zone database's owner. */
  public get databaseSecret(): string {
    return cnpgAppSecret(this.values.database.clusterName);
  }

  public outputs(): { readonly [name: string]: string } {
    return {
      apiEndpoint: this.apiEndpoint,
      apiCredentialsSecret: this.apiCredentials.secretName,
      apiCredentialsKey: this.apiCredentials.key,
      namespace: this.namespace,
      ...(this.values.api.enabled ? { publicApiUrl: `https://${this.apiHost}${this.values.api.path}` } : {}),
    };
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    const uid = v.runAsUser;
    const creds = this.apiCredentials;
    const db = this.databaseSecret;
    const fromDb = (key: string) => ({ name: db, key });
    return {
      replicaCount: v.replicaCount,
      image: { pullPolicy: v.imagePullPolicy },
      podSecurityContext: { fsGroup: uid, runAsNonRoot: true, runAsUser: uid, seccompProfile: { type: 'RuntimeDefault' } },
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: false,
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: uid,
        capabilities: { drop: ['ALL'] },
      },
      service: { type: v.serviceType },
      // The API is published by this Blueprint's own Ingress overlay.
      ingress: { enabled: false },
      resources: v.resources,
      serviceMonitor: { enabled: v.monitoring.metrics && v.monitoring.serviceMonitor },
      metrics: { enabled: v.monitoring.metrics },
      powerdns: {
        api: { key: { name: creds.secretName, key: creds.key } },
        webserver: {
          bindPort: v.webserver.port,
          allowFrom: v.webserver.allowFrom,
          password: { name: this.webserverPassword.secretName, key: this.webserverPassword.key },
        },
        zoneName: v.zoneName,
        dnsupdate: { enabled: v.dnsupdate },
        db: {
          driver: 'gpgsql',
          host: fromDb('host'),
          port: fromDb('port'),
          name: fromDb('dbname'),
          username: fromDb('username'),
          password: fromDb('password'),
        },
        additionalConfig: v.additionalConfig,
      },
    };
  }

  protected overlays(scope: Chart): void {
    const v = this.values;
    const version = this.spec.version;
    const ns = this.namespace;

    if (!v.existingCredentialsSecret) {
      new GeneratedSecret(scope, 'api-credentials', {
        namespace: ns,
        secretName: POWERDNS_API_SECRET,
        randomKeys: ['api-key', 'webserver-password'],
        labels: appLabels('powerdns', this.releaseName, 'api-credentials', version),
      });
    }

    // The zone database. CNPG generates the owner's password into `<cluster>-app`.
    new CnpgCluster(scope, 'database', {
      metadata: {
        name: v.database.clusterName,
        namespace: ns,
        labels: appLabels('powerdns', this.releaseName, 'database', version),
        annotations: { 'catalyst.openova.io/schema-url': v.database.schemaUrl },
      },
      spec: {
        description: 'PowerDNS zones, records and DNSSEC keys (gpgsql backend)',
        instances: v.database.instances,
        imageName: `${v.database.image.repository}:${v.database.image.tag}${v.database.image.digest ? `@${v.database.image.digest}` : ''}`,
        bootstrap: { initdb: { database: v.database.database, owner: v.database.owner } },
        storage: { size: v.database.storageSize, ...(v.database.storageClass ? { storageClass: v.database.storageClass } : {}) },
        resources: v.database.resources,
        monitoring: { enablePodMonitor: false },
      },
    });

    const dnsdistLabels = { 'app.kubernetes.io/name': 'dnsdist', 'app.kubernetes.io/instance': this.releaseName };
    if (v.dnsdist.enabled) this.dnsdist(scope, dnsdistLabels);

    if (v.anycast.enabled) {
      // Through dnsdist when it runs (rate limiting), else straight to the authoritative pods.
      const selector = v.dnsdist.enabled ? dnsdistLabels : { 'app.kubernetes.io/name': 'powerdns', 'app.kubernetes.io/instance': this.releaseName };
      new KubeService(scope, 'anycast', {
        metadata: {
          name: v.anycast.serviceName,
          namespace: ns,
          labels: appLabels('powerdns', this.releaseName, 'anycast', version),
          annotations: { ...v.anycast.annotations },
        },
        spec: {
          type: v.anycast.serviceType,
          externalTrafficPolicy: v.anycast.externalTrafficPolicy,
          selector,
          ports: dnsPorts(),
        },
      });
    }

    if (v.api.enabled) {
      const certManager = this.dependency(CertManager);
      new KubeIngress(scope, 'api-ingress', {
        metadata: {
          name: 'powerdns-api',
          namespace: ns,
          labels: appLabels('powerdns', this.releaseName, 'api', version),
          annotations: issuerAnnotation(certManager),
        },
        spec: {
          ingressClassName: v.api.ingressClassName,
          tls: [{ hosts: [this.apiHost], secretName: v.api.tlsSecretName }],
          rules: [{
            host: this.apiHost,
            http: {
              paths: [{
                path: v.api.path,
                pathType: v.api.pathType,
                backend: { service: { name: this.serviceName, port: { number: this.apiPort } } },
              }],
            },
          }],
        },
      });
    }
  }

  /** The dnsdist Lua configuration, from the typed values. */
  public dnsdistConfig(): string {
    const rl = this.values.dnsdist.ratelimit;
    const hostVar = `${this.serviceName.toUpperCase().replace(/-/g, '_')}_SERVICE_HOST`;
    return [
      '-- Catalyst dnsdist policy: rate-limits per source IP, forwards to the PowerDNS Service.',
      `setLocal('0.0.0.0:${DNSDIST_CONTAINER_PORT}')`,
      `addLocal('[::]:${DNSDIST_CONTAINER_PORT}', { reusePort = true })`,
      '',
      '-- dnsdist 1.9 newServer{} takes an IP, not a name: the Service ClusterIP, which Kubernetes',
      `-- injects as ${hostVar} into containers started after the Service exists. Without it,`,
      '-- fail: the kubelet restarts the container and the restart sees the variable.',
      `local backend = os.getenv('${hostVar}')`,
      "if backend == nil or backend == '' then",
      `  error('${hostVar} is not set: the ${this.serviceName} Service does not exist yet')`,
      'end',
      "newServer({ address = backend .. ':53', name = 'powerdns-auth' })",
      '',
      `-- Rate limiting: at most ${rl.qpsPerSource} queries/s per source IP, the excess is dropped;`,
      `-- a source above that rate for 10s is blocked for ${rl.blockSeconds}s.`,
      `addAction(MaxQPSIPRule(${rl.qpsPerSource}), DropAction())`,
      'local limits = dynBlockRulesGroup()',
      `limits:setQueryRate(${rl.qpsPerSource}, 10, 'Exceeded query rate', ${rl.blockSeconds})`,
      'function maintenance()',
      '  limits:apply()',
      'end',
      '',
      'setVerboseHealthChecks(false)',
      '',
    ].join('\n');
  }

  private dnsdist(scope: Chart, selector: Record<string, string>): void {
    const d = this.values.dnsdist;
    const ns = this.namespace;
    const labels = { ...appLabels('dnsdist', this.releaseName, 'dns-frontend', d.image.tag), ...selector };
    const config = this.dnsdistConfig();
    const cm = new KubeConfigMap(scope, 'dnsdist-config', {
      metadata: { name: 'dnsdist-config', namespace: ns, labels },
      data: { 'dnsdist.conf': config },
    });
    new KubeDeployment(scope, 'dnsdist', {
      metadata: { name: 'dnsdist', namespace: ns, labels },
      spec: {
        replicas: d.replicaCount,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels,
            // A config change rolls the pods (the file is mounted with subPath, which never updates).
            annotations: { 'catalyst.openova.io/config-sha256': createHash('sha256').update(config).digest('hex') },
          },
          spec: {
            // The backend address comes from the Service environment variables.
            enableServiceLinks: true,
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 953, runAsGroup: 953, fsGroup: 953, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{
              name: 'dnsdist',
              image: `${d.image.repository}:${d.image.tag}${d.image.digest ? `@${d.image.digest}` : ''}`,
              imagePullPolicy: d.imagePullPolicy,
              ports: [
                { name: 'dns-udp', containerPort: DNSDIST_CONTAINER_PORT, protocol: 'UDP' },
                { name: 'dns-tcp', containerPort: DNSDIST_CONTAINER_PORT, protocol: 'TCP' },
              ],
              readinessProbe: { tcpSocket: { port: IntOrString.fromString('dns-tcp') }, initialDelaySeconds: 3, periodSeconds: 10 },
              livenessProbe: { tcpSocket: { port: IntOrString.fromString('dns-tcp') }, initialDelaySeconds: 10, periodSeconds: 20, failureThreshold: 3 },
              resources: k8sResources(d.resources),
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'config', mountPath: '/etc/dnsdist/dnsdist.conf', subPath: 'dnsdist.conf', readOnly: true }],
            }],
            volumes: [{ name: 'config', configMap: { name: cm.name } }],
          },
        },
      },
    });
    new KubeService(scope, 'dnsdist-service', {
      metadata: { name: 'dnsdist', namespace: ns, labels },
      spec: { type: d.serviceType, selector, ports: dnsPorts() },
    });
  }
}

/** DNS on port 53 over UDP and TCP, to the pods' named ports. */
function dnsPorts() {
  return [
    { name: 'dns-udp', port: 53, targetPort: IntOrString.fromString('dns-udp'), protocol: 'UDP' },
    { name: 'dns-tcp', port: 53, targetPort: IntOrString.fromString('dns-tcp'), protocol: 'TCP' },
  ];
}

/** Typed Resources → the k8s L1's quantities. */
export function k8sResources(r: Resources): ResourceRequirements {
  const list = (l?: { cpu?: string; memory?: string }) => {
    if (!l) return undefined;
    const entries = Object.entries(l).filter((e): e is [string, string] => e[1] !== undefined);
    return Object.fromEntries(entries.map(([k, q]) => [k, K8sQuantity.fromString(q)]));
  };
  return { ...(r.requests ? { requests: list(r.requests) } : {}), ...(r.limits ? { limits: list(r.limits) } : {}) };
}
