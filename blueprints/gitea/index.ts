/**
 * bp-gitea (kit slot 10): the Sovereign's Git server (catalog mirror, one Gitea Org per
 * Organization, the `system` repos). Upstream gitea chart with its embedded Bitnami PostgreSQL.
 *
 * Fix of an upstream defect (§3.3 "kit overlay values not reaching charts"): the kit file wrote
 * `ingress.hosts` and `global.sovereignFQDN` at the top level of the umbrella chart's values,
 * outside the `gitea:` key, so they never reached the gitea chart, and `server.DOMAIN`/`ROOT_URL`
 * stayed `gitea.catalyst.local`. Here the host, DOMAIN and ROOT_URL are written into the gitea
 * chart's own values, from the Sovereign FQDN token.
 *
 * Credentials: the admin account and the database passwords come from Secrets generated
 * in-cluster (see ../keycloak/generated-secret.ts), not from the chart's public default
 * passwords (`gitea.admin.password` and `postgresql…auth.password: gitea` are chart defaults
 * everyone knows). Gitea reads its DB password from the Secret through an environment override.
 */
import { Static, Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import { Blueprint, blueprintSpec, defaultRange, helmChart, ResolvedDependency, UpstreamChart } from '../../src/blueprint';
import { DnsLabel, Email, Image, Quantity } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';
import { appLabels, GeneratedSecret, issuerAnnotation, Keycloak, SecretKeyRef } from '../keycloak';

export const GiteaValues = strictObject({
  admin: strictObject({
    /** The bootstrap admin account (break-glass; people sign in through Keycloak). */
    username: Type.String({ minLength: 1, pattern: '^[-._a-zA-Z0-9]+$' }),
    email: Email,
    /**
     * Secret (keys `username`, `password`) you manage yourself. Unset: the Blueprint generates
     * `gitea-admin-credentials` in-cluster.
     */
    existingSecret: Type.Optional(DnsLabel),
  }),
  /** Title shown in the UI. */
  appName: Type.String({ minLength: 1 }),
  /** Gitea is served at `<hostPrefix>.<FQDN>`; DOMAIN and ROOT_URL follow. */
  hostPrefix: DnsLabel,
  /**
   * The chart's Ingress for that host. Off by default as upstream (the kit set only the host);
   * when on, TLS from bp-cert-manager's issuer (bp-cert-manager becomes a dependency).
   */
  ingress: strictObject({
    enabled: Type.Boolean(),
    className: Type.String({ minLength: 1 }),
  }),
  /** The embedded PostgreSQL (Bitnami subchart). */
  postgresql: strictObject({
    username: Type.String({ minLength: 1, pattern: '^[a-z_][a-z0-9_]*$' }),
    database: Type.String({ minLength: 1, pattern: '^[a-z_][a-z0-9_]*$' }),
    /** Pinned PostgreSQL image (docker.io/bitnamilegacy is the subchart's registry). */
    image: Image,
    /** Exporter image repository; its tag is the subchart's pinned default. */
    exporterRepository: Type.String({ minLength: 1 }),
    /** volumePermissions image repository; its tag is the subchart's pinned default. */
    osShellRepository: Type.String({ minLength: 1 }),
    /**
     * Secret (keys `password`, `postgres-password`) you manage yourself. Unset: the Blueprint
     * generates `gitea-postgresql-credentials` in-cluster.
     */
    existingSecret: Type.Optional(DnsLabel),
  }),
  /** The repositories volume. */
  persistence: strictObject({ enabled: Type.Boolean(), size: Quantity }),
  /** Observability toggles: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({
    metrics: Type.Boolean(),
    /** Needs `metrics`. */
    serviceMonitor: Type.Boolean(),
    postgresqlMetrics: Type.Boolean(),
    /** Needs `postgresqlMetrics`. */
    postgresqlServiceMonitor: Type.Boolean(),
    /** Needs `postgresqlMetrics`. */
    postgresqlPrometheusRule: Type.Boolean(),
  }),
});
export type GiteaValues = Static<typeof GiteaValues>;

/** Secret the Blueprint generates for the admin account. */
export const GITEA_ADMIN_SECRET = 'gitea-admin-credentials';
/** Secret the Blueprint generates for the database passwords. */
export const GITEA_DB_SECRET = 'gitea-postgresql-credentials';

export class Gitea extends Blueprint<typeof GiteaValues> {
  public static readonly spec = blueprintSpec({
    name: 'gitea',
    version: '1.1.2',
    slot: 10,
    section: 'pts-3-2-gitops-and-iac',
    card: {
      title: 'Gitea',
      summary: 'Self-hosted Git: the catalog mirror, one Org per Organization and the repositories Flux reconciles.',
      icon: 'gitea.svg',
      documentation: 'https://docs.gitea.com/',
      license: 'MIT',
    },
    visibility: 'unlisted',
    upstream: [helmChart('gitea', '10.5.0', 'https://dl.gitea.com/charts')],
    namespace: 'gitea',
    releaseName: 'gitea',
    depends: [Keycloak],
    // Users, CI and Flux reach the Git server from outside through the ingress/load balancer:
    // HTTP (container port 3000) and SSH (the rootless image's 2222).
    network: { ingressFromWorld: [{ port: 3000 }, { port: 2222 }] },
    podSecurity: {
      level: 'baseline',
      reason: 'the gitea chart 10.5.0 sets no container securityContext (runAsNonRoot, seccomp profile, capability drop) on gitea and its init containers; baseline still forbids privileged pods and host access',
    },
    values: GiteaValues,
    defaults: {
      admin: { username: 'gitea_admin', email: 'gitea-admin@catalyst.local' },
      appName: 'Catalyst Gitea',
      hostPrefix: 'gitea',
      ingress: { enabled: false, className: 'cilium' },
      postgresql: {
        username: 'gitea',
        database: 'gitea',
        image: { repository: 'bitnamilegacy/postgresql', tag: '16.3.0-debian-12-r23' },
        exporterRepository: 'bitnamilegacy/postgres-exporter',
        osShellRepository: 'bitnamilegacy/os-shell',
      },
      persistence: { enabled: true, size: '20Gi' },
      monitoring: {
        metrics: false,
        serviceMonitor: false,
        postgresqlMetrics: false,
        postgresqlServiceMonitor: false,
        postgresqlPrometheusRule: false,
      },
    },
  });

  /** With the ingress on, its certificate comes from bp-cert-manager: depend on it. */
  public dependencies(): readonly ResolvedDependency[] {
    const base = super.dependencies();
    if (!this.values.ingress.enabled || base.some((d) => d.blueprint === CertManager)) return base;
    return [...base, { blueprint: CertManager, version: defaultRange(CertManager.spec.version) }];
  }

  /** `gitea.<FQDN>` (FQDN token). */
  public get host(): string {
    return `${this.values.hostPrefix}.${this.context.fqdn}`;
  }

  /** The public URL Gitea is configured with (ROOT_URL): `https://gitea.<FQDN>`. */
  public get url(): string {
    return `https://${this.host}`;
  }

  /** The in-cluster HTTP URL (the chart's `gitea-http` Service, port 3000). */
  public get internalUrl(): string {
    return `http://${this.releaseName}-http.${this.namespace}.svc.cluster.local:3000`;
  }

  /** The admin account's password (key `password`; key `username` holds the user name). */
  public get adminCredentials(): SecretKeyRef {
    return { secretName: this.values.admin.existingSecret ?? GITEA_ADMIN_SECRET, key: 'password' };
  }

  /** The database user's password. */
  public get databaseCredentials(): SecretKeyRef {
    return { secretName: this.values.postgresql.existingSecret ?? GITEA_DB_SECRET, key: 'password' };
  }

  public outputs(): { readonly [name: string]: string } {
    return { url: this.url, internalUrl: this.internalUrl, adminSecret: this.adminCredentials.secretName };
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    const m = v.monitoring;
    const db = this.databaseCredentials;
    const ingress: PlainObject = {
      enabled: v.ingress.enabled,
      ...(v.ingress.enabled
        ? {
          className: v.ingress.className,
          annotations: issuerAnnotation(this.dependency(CertManager)),
          tls: [{ secretName: `${this.releaseName}-tls`, hosts: [this.host] }],
        }
        : {}),
      hosts: [{ host: this.host, paths: [{ path: '/', pathType: 'Prefix' }] }],
    };
    return {
      'gitea': {
        admin: { username: v.admin.username, email: v.admin.email, existingSecret: this.adminCredentials.secretName },
        config: {
          APP_NAME: v.appName,
          server: { DOMAIN: this.host, ROOT_URL: this.url },
        },
        // The chart writes the subchart's (default, public) password into app.ini; this wins.
        additionalConfigFromEnvs: [
          { name: 'GITEA__DATABASE__PASSWD', valueFrom: { secretKeyRef: { name: db.secretName, key: db.key } } },
        ],
        metrics: { enabled: m.metrics, serviceMonitor: { enabled: m.metrics && m.serviceMonitor } },
      },
      'postgresql-ha': { enabled: false },
      'postgresql': {
        enabled: true,
        global: {
          postgresql: {
            auth: { username: v.postgresql.username, database: v.postgresql.database, existingSecret: db.secretName },
          },
        },
        image: {
          repository: v.postgresql.image.repository,
          tag: v.postgresql.image.tag,
          ...(v.postgresql.image.digest ? { digest: v.postgresql.image.digest } : {}),
        },
        metrics: {
          enabled: m.postgresqlMetrics,
          image: { repository: v.postgresql.exporterRepository },
          serviceMonitor: { enabled: m.postgresqlMetrics && m.postgresqlServiceMonitor },
          prometheusRule: { enabled: m.postgresqlMetrics && m.postgresqlPrometheusRule },
        },
        volumePermissions: { image: { repository: v.postgresql.osShellRepository } },
      },
      'redis-cluster': { enabled: false },
      'valkey-cluster': { enabled: false },
      'persistence': { enabled: v.persistence.enabled, size: v.persistence.size },
      ingress,
    };
  }

  protected overlays(scope: Chart): void {
    const labels = appLabels('gitea', this.releaseName, 'credentials', this.spec.version);
    if (!this.values.admin.existingSecret) {
      new GeneratedSecret(scope, 'admin-credentials', {
        namespace: this.namespace,
        secretName: GITEA_ADMIN_SECRET,
        // The chart reads both keys from this Secret; the user name is not a secret.
        constants: { username: this.values.admin.username },
        randomKeys: ['password'],
        labels,
      });
    }
    if (!this.values.postgresql.existingSecret) {
      new GeneratedSecret(scope, 'postgresql-credentials', {
        namespace: this.namespace,
        secretName: GITEA_DB_SECRET,
        randomKeys: ['password', 'postgres-password'],
        labels,
      });
    }
  }
}
