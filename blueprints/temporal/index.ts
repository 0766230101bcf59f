/**
 * bp-temporal (slot 44): Temporal durable workflow orchestration (upstream `temporal` chart),
 * with both stores (history and visibility) on a PostgreSQL Cluster this Blueprint declares for
 * bp-cnpg's operator. The chart reads the database password from the Secret CNPG generates, so
 * no password is in Git or in the HelmRelease values.
 */
import { Static, Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { Blueprint, BlueprintProps, blueprintSpec, helmChart, helmFullname, UpstreamChart } from '../../src/blueprint';
import { Issue } from '../../src/errors';
import { Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';
import { Cnpg } from '../cnpg';
import { appLabels } from '../keycloak/generated-secret';
import { appDatabase, DatabaseValues, env, literals, SecretKeySelector, ServiceMonitorValues } from '../vllm/app-workload';

export const TEMPORAL_CHART = helmChart('temporal', '1.2.0', 'https://go.temporal.io/helm-charts');

/** gRPC port of the frontend Service (chart default). */
export const TEMPORAL_FRONTEND_PORT = 7233;

const SqlName = Type.String({ pattern: '^[a-z_][a-z0-9_]*$', maxLength: 63 });

export const TemporalValues = strictObject({
  server: strictObject({
    replicas: Type.Integer({ minimum: 1, maximum: 10 }),
    logLevel: literals('debug', 'info', 'warn', 'error'),
  }),
  persistence: strictObject({
    /**
     * `external`: the CNPG Cluster below. The chart's bundled PostgreSQL ("embedded", dev only)
     * is not offered: its Bitnami images are gone from docker.io (see bp-keycloak).
     */
    mode: Type.Literal('external'),
    /** History shards. Fixed at first start: Temporal refuses to change it on an existing cluster. */
    numHistoryShards: Type.Integer({ minimum: 1, maximum: 16384 }),
    database: SqlName,
    visibilityDatabase: SqlName,
    user: SqlName,
    /** Connection pool per store. */
    maxConns: strictObject({ default: Type.Integer({ minimum: 1, maximum: 500 }), visibility: Type.Integer({ minimum: 1, maximum: 500 }) }),
    maxConnLifetime: Type.String({ pattern: '^[0-9]+(s|m|h)$' }),
    postgres: DatabaseValues,
  }),
  /** The Temporal Web UI. */
  web: strictObject({
    enabled: Type.Boolean(),
    replicas: Type.Integer({ minimum: 1, maximum: 10 }),
    resources: Resources,
  }),
  /** The admin-tools pod (tctl / temporal CLI). */
  admintools: Type.Boolean(),
  /**
   * OIDC login to the Web UI (Keycloak or any OIDC provider). Off by default: it needs a realm
   * and a client registered there. The client secret is read from a Secret.
   */
  auth: strictObject({
    enabled: Type.Boolean(),
    /** Issuer URL, e.g. `https://keycloak.<FQDN>/realms/<realm>`; required when enabled. */
    issuer: Type.Optional(Type.String({ pattern: '^https://[^\\s]+$' })),
    clientId: Type.String({ minLength: 1 }),
    clientSecret: Type.Optional(SecretKeySelector),
    /** Public host of the UI (for the OIDC callback). @default `temporal.<FQDN>` */
    host: Type.Optional(Type.String({ pattern: '^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$' })),
  }),
  /** Observability toggle: off by default (upstream #182). */
  monitoring: strictObject({ serviceMonitor: ServiceMonitorValues }),
  /** A NetworkPolicy: frontend gRPC from anywhere, everything else from this namespace only. */
  networkPolicy: strictObject({ enabled: Type.Boolean() }),
});
export type TemporalValues = Static<typeof TemporalValues>;

export class Temporal extends Blueprint<typeof TemporalValues> {
  public static readonly spec = blueprintSpec({
    name: 'temporal',
    version: '1.0.0',
    slot: 44,
    section: 'pts-4-3-workflow-and-processing',
    card: {
      title: 'Temporal',
      summary: 'Durable workflow orchestration with saga and compensation: PostgreSQL-backed (CNPG) history and visibility stores, Web UI, optional OIDC login.',
      icon: 'temporal.svg',
      category: 'workflow',
      tags: ['workflow', 'orchestration', 'saga', 'durable-execution'],
      documentation: 'https://docs.temporal.io/',
      license: 'MIT',
    },
    visibility: 'listed',
    upstream: [TEMPORAL_CHART],
    namespace: 'temporal',
    releaseName: 'temporal',
    depends: [
      { blueprint: Cnpg, version: '^1', alias: 'db' },
      { blueprint: CertManager, version: '^1', alias: 'certs' },
    ],
    network: {
      // SDK workers and clients in any namespace reach the frontend; the CNPG operator polls the
      // database's instance manager.
      ingressFromCluster: [{ port: 7233 }, { port: 8000 }],
      // The OIDC provider's public endpoints (Web UI login).
      egressToWorld: [{ port: 443 }],
    },
    podSecurity: {
      level: 'baseline',
      reason: 'the temporal chart 1.2.0 does not set a seccomp profile or capability drop on its server, web and admin-tools containers; baseline still forbids privileged pods and host access',
    },
    values: TemporalValues,
    defaults: {
      server: { replicas: 1, logLevel: 'info' },
      persistence: {
        mode: 'external',
        numHistoryShards: 512,
        database: 'temporal',
        visibilityDatabase: 'temporal_visibility',
        user: 'temporal',
        maxConns: { default: 20, visibility: 10 },
        maxConnLifetime: '1h',
        postgres: {
          instances: 1,
          storageSize: '5Gi',
          resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
          imageName: 'ghcr.io/cloudnative-pg/postgresql:16.4',
        },
      },
      web: { enabled: true, replicas: 1, resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } } },
      admintools: true,
      auth: { enabled: false, clientId: 'temporal-ui' },
      monitoring: { serviceMonitor: { enabled: false, interval: '30s', scrapeTimeout: '10s', path: '/metrics' } },
      networkPolicy: { enabled: false },
    },
    placement: { modes: ['single-region'], default: 'single-region', minRegions: 1, maxRegions: 1 },
    upgradesFrom: ['0.x'],
  });

  constructor(scope: Construct, props: BlueprintProps) {
    super(scope, props);
    const a = this.values?.auth;
    if (a?.enabled) {
      const issues = this.issues as Issue[];
      if (!a.issuer) issues.push({ path: `${props.path}.values.auth.issuer`, message: 'is required when auth.enabled: give the OIDC issuer URL' });
      if (!a.clientSecret) issues.push({ path: `${props.path}.values.auth.clientSecret`, message: 'is required when auth.enabled: name the Secret key holding the OIDC client secret' });
    }
  }

  /** The chart's fullname (prefix of its Services). */
  public get fullname(): string {
    return helmFullname(this.releaseName, TEMPORAL_CHART.chart);
  }

  /** gRPC address SDK workers and clients connect to. */
  public get frontendAddress(): string {
    return `${this.fullname}-frontend.${this.namespace}.svc.cluster.local:${TEMPORAL_FRONTEND_PORT}`;
  }

  /** The CNPG Cluster holding both stores; CNPG names its Services and Secret after it. */
  public get databaseClusterName(): string {
    return `bp-${this.releaseName}-pg`;
  }

  /** Public host of the Web UI. */
  public get webHost(): string {
    return this.values.auth.host ?? `temporal.${this.context.fqdn}`;
  }

  public outputs(): { readonly [name: string]: string } {
    return { frontendAddress: this.frontendAddress };
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    const p = v.persistence;
    // Same namespace as the CNPG Cluster: the short Service name resolves.
    const store = (database: string, maxConns: number) => ({
      sql: {
        pluginName: 'postgres12',
        driverName: 'postgres12',
        databaseName: database,
        connectAddr: `${this.databaseClusterName}-rw:5432`,
        connectProtocol: 'tcp',
        user: p.user,
        existingSecret: `${this.databaseClusterName}-app`,
        secretKey: 'password',
        maxConns,
        maxIdleConns: maxConns,
        maxConnLifetime: p.maxConnLifetime,
      },
    });
    const a = v.auth;
    return {
      server: {
        enabled: true,
        replicaCount: v.server.replicas,
        metrics: {
          // Scrape annotations only (no CRD); the ServiceMonitor is the observability toggle.
          annotations: { enabled: true },
          serviceMonitor: { enabled: v.monitoring.serviceMonitor.enabled, interval: v.monitoring.serviceMonitor.interval },
        },
        config: {
          logLevel: v.server.logLevel,
          persistence: {
            defaultStore: 'default',
            visibilityStore: 'visibility',
            numHistoryShards: p.numHistoryShards,
            datastores: { default: store(p.database, p.maxConns.default), visibility: store(p.visibilityDatabase, p.maxConns.visibility) },
          },
          metrics: { prometheus: { timerType: 'histogram', listenAddress: '0.0.0.0:9090' } },
        },
      },
      // Deliberate fix: upstream ran the schema Jobs as Helm hooks, which Helm waits for before
      // the release is Ready. They need the CNPG Cluster, which lives in infrastructure/ and is
      // applied only once every bootstrap-kit release is Ready: a deadlock. As plain Jobs they
      // retry (backoffLimit) until the database exists.
      schema: { useHelmHooks: false, backoffLimit: 100 },
      web: {
        enabled: v.web.enabled,
        replicaCount: v.web.replicas,
        resources: v.web.resources,
        ingress: { enabled: false },
        ...(a.enabled && a.issuer && a.clientSecret
          ? {
            additionalEnv: [
              env('TEMPORAL_AUTH_ENABLED', 'true'),
              env('TEMPORAL_AUTH_PROVIDER_URL', a.issuer),
              env('TEMPORAL_AUTH_CLIENT_ID', a.clientId),
              { name: 'TEMPORAL_AUTH_CLIENT_SECRET', valueFrom: { secretKeyRef: { name: a.clientSecret.name, key: a.clientSecret.key } } },
              env('TEMPORAL_AUTH_CALLBACK_URL', `https://${this.webHost}/auth/sso/callback`),
              env('TEMPORAL_AUTH_SCOPES', 'openid,profile,email'),
            ],
          }
          : {}),
      },
      admintools: { enabled: v.admintools },
      shims: { dockerize: false, elasticsearchTool: false },
    };
  }

  protected overlays(scope: Chart): void {
    const v = this.values;
    const labels = appLabels('temporal', this.releaseName, 'database', this.spec.version);
    appDatabase(scope, 'database', {
      name: this.databaseClusterName,
      database: v.persistence.database,
      owner: v.persistence.user,
      values: v.persistence.postgres,
      labels,
      // The chart's schema Job creates the visibility database as this user.
      postInitApplicationSQL: [`ALTER ROLE "${v.persistence.user}" CREATEDB`],
    });
    if (v.networkPolicy.enabled) {
      const tcp = (port: number): k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
      new k8s.KubeNetworkPolicy(scope, 'network-policy', {
        metadata: { name: this.fullname, labels },
        spec: {
          podSelector: { matchLabels: { 'app.kubernetes.io/instance': this.releaseName } },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [
            // Membership gossip, internal gRPC and the UI between Temporal's own pods.
            { from: [{ podSelector: {} }] },
            // SDK workers and clients from any namespace reach the frontend only.
            { ports: [tcp(TEMPORAL_FRONTEND_PORT)] },
          ],
          egress: [
            { ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, tcp(53)] },
            { to: [{ podSelector: {} }] },
            // The OIDC provider's public endpoint.
            ...(v.auth.enabled ? [{ ports: [tcp(443)] }] : []),
          ],
        },
      });
    }
  }
}
