/**
 * bp-keycloak (kit slot 09): the Sovereign's identity provider. Bitnami's keycloak chart with
 * the images re-pointed to `docker.io/bitnamilegacy/*` (Bitnami removed the originals from
 * docker.io, upstream c747fe2/fa0e3a4) and an embedded PostgreSQL.
 *
 * Credentials: the admin password and the database passwords live in Secrets generated
 * in-cluster by a create-only Job (see ./generated-secret.ts) and are handed to the chart through
 * its existingSecret keys, so neither Git nor the HelmRelease values ever hold a password, and a
 * Helm reinstall does not regenerate a DB password the volume was initialised with. A user who
 * manages these Secrets elsewhere (e.g. ESO + OpenBao) names them in `auth.existingSecret` /
 * `postgresql.existingSecret`; no generator is emitted then.
 */
import { Static, Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import { Blueprint, blueprintSpec, helmChart, UpstreamChart } from '../../src/blueprint';
import { DnsLabel, Image, oneOf, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';
import { appLabels, GeneratedSecret, SecretKeyRef } from './generated-secret';

export { appLabels, GeneratedSecret, SECRET_GENERATOR_IMAGE } from './generated-secret';
export type { SecretKeyRef } from './generated-secret';

/**
 * A pinned image in Bitnami's split form. `docker.io/bitnamilegacy/keycloak` becomes
 * registry `docker.io` + repository `bitnamilegacy/keycloak`.
 */
export function bitnamiImage(img: Image): PlainObject {
  const slash = img.repository.indexOf('/');
  const head = slash < 0 ? '' : img.repository.slice(0, slash);
  const isRegistry = head.includes('.') || head.includes(':') || head === 'localhost';
  return {
    ...(isRegistry ? { registry: head } : {}),
    repository: isRegistry ? img.repository.slice(slash + 1) : img.repository,
    tag: img.tag,
    ...(img.digest ? { digest: img.digest } : {}),
  };
}

export const KeycloakValues = strictObject({
  auth: strictObject({
    /** Name of the bootstrap admin user. */
    adminUser: Type.String({ minLength: 1, pattern: '^[-._@a-zA-Z0-9]+$' }),
    /**
     * Secret (key `admin-password`) you manage yourself. Unset: the Blueprint generates
     * `keycloak-admin-credentials` in-cluster.
     */
    existingSecret: Type.Optional(DnsLabel),
  }),
  /** Run `kc.sh start` (production mode) rather than start-dev. */
  production: Type.Boolean(),
  /** Which proxy headers Keycloak trusts; the Cilium ingress/gateway sets X-Forwarded-*. */
  proxyHeaders: oneOf('xforwarded', 'forwarded'),
  /** Every image the chart runs, pinned (docker.io/bitnamilegacy/*). */
  images: strictObject({
    keycloak: Image,
    configCli: Image,
    postgresql: Image,
    postgresExporter: Image,
    osShell: Image,
  }),
  /** The embedded PostgreSQL (Bitnami subchart). */
  postgresql: strictObject({
    username: Type.String({ minLength: 1, pattern: '^[a-z_][a-z0-9_]*$' }),
    database: Type.String({ minLength: 1, pattern: '^[a-z_][a-z0-9_]*$' }),
    /**
     * Secret (keys `password` and `postgres-password`) you manage yourself. Unset: the
     * Blueprint generates `keycloak-postgresql-credentials` in-cluster.
     */
    existingSecret: Type.Optional(DnsLabel),
  }),
  /**
   * The chart's Ingress. Off by default as upstream (a Cilium Gateway route is intended); when
   * on, host `<hostPrefix>.<FQDN>` with a certificate from bp-cert-manager's issuer.
   */
  ingress: strictObject({
    enabled: Type.Boolean(),
    className: Type.String({ minLength: 1 }),
    hostPrefix: DnsLabel,
  }),
  resources: Resources,
  /** Observability toggles: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({
    metrics: Type.Boolean(),
    /** Needs `metrics`. */
    serviceMonitor: Type.Boolean(),
    /** Needs `metrics`. */
    prometheusRule: Type.Boolean(),
  }),
});
export type KeycloakValues = Static<typeof KeycloakValues>;

const legacy = (name: string, tag: string): Image => ({ repository: `docker.io/bitnamilegacy/${name}`, tag });

/** Secret the Blueprint generates for the admin password. */
export const KEYCLOAK_ADMIN_SECRET = 'keycloak-admin-credentials';
/** Secret the Blueprint generates for the database passwords. */
export const KEYCLOAK_DB_SECRET = 'keycloak-postgresql-credentials';

export class Keycloak extends Blueprint<typeof KeycloakValues> {
  public static readonly spec = blueprintSpec({
    name: 'keycloak',
    version: '1.1.2',
    slot: 9,
    section: 'pts-4-8-identity-and-metering',
    card: {
      title: 'Keycloak',
      summary: 'Identity and access management: OIDC/SAML single sign-on for the Sovereign console, Gitea and every Application.',
      icon: 'keycloak.svg',
      documentation: 'https://www.keycloak.org/documentation',
      license: 'Apache-2.0',
    },
    visibility: 'unlisted',
    upstream: [helmChart('keycloak', '25.2.0', 'https://charts.bitnami.com/bitnami')],
    namespace: 'keycloak',
    releaseName: 'keycloak',
    depends: [CertManager],
    // Browsers and relying parties outside the cluster reach the login pages through the
    // Sovereign's ingress/gateway (the bitnami image's HTTP port).
    network: { ingressFromWorld: [{ port: 8080 }] },
    values: KeycloakValues,
    defaults: {
      auth: { adminUser: 'admin' },
      production: true,
      proxyHeaders: 'xforwarded',
      images: {
        keycloak: legacy('keycloak', '26.3.3-debian-12-r0'),
        configCli: legacy('keycloak-config-cli', '6.4.0-debian-12-r11'),
        postgresql: legacy('postgresql', '17.6.0-debian-12-r0'),
        postgresExporter: legacy('postgres-exporter', '0.17.1-debian-12-r15'),
        osShell: legacy('os-shell', '12-debian-12-r50'),
      },
      postgresql: { username: 'keycloak', database: 'keycloak' },
      ingress: { enabled: false, className: 'cilium', hostPrefix: 'keycloak' },
      resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '2Gi' } },
      monitoring: { metrics: false, serviceMonitor: false, prometheusRule: false },
    },
  });

  /** The admin password: Secret and key, in this Blueprint's namespace. */
  public get adminCredentials(): SecretKeyRef {
    return { secretName: this.values.auth.existingSecret ?? KEYCLOAK_ADMIN_SECRET, key: 'admin-password' };
  }

  /** The database user's password (key `password`; the postgres superuser's is `postgres-password`). */
  public get databaseCredentials(): SecretKeyRef {
    return { secretName: this.values.postgresql.existingSecret ?? KEYCLOAK_DB_SECRET, key: 'password' };
  }

  /** Public host name, `keycloak.<FQDN>`. */
  public get host(): string {
    return `${this.values.ingress.hostPrefix}.${this.context.fqdn}`;
  }

  /**
   * The public URL, `https://keycloak.<FQDN>` (FQDN token): the OIDC issuer base browsers and
   * relying parties must agree on. Served once the ingress (or a Gateway route) is enabled.
   */
  public get url(): string {
    return `https://${this.host}`;
  }

  /** The in-cluster URL of the chart's Service (port 80). */
  public get internalUrl(): string {
    return `http://${this.releaseName}.${this.namespace}.svc.cluster.local`;
  }

  public outputs(): { readonly [name: string]: string } {
    return { url: this.url, internalUrl: this.internalUrl, adminSecret: this.adminCredentials.secretName };
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    const m = v.monitoring;
    const ingress = v.ingress.enabled
      ? {
        enabled: true,
        ingressClassName: v.ingress.className,
        hostname: this.host,
        pathType: 'Prefix',
        tls: true,
        annotations: issuerAnnotation(this.dependency(CertManager)),
      }
      : { enabled: false };
    return {
      // The chart refuses images other than its own unless told: these are the bitnamilegacy
      // copies of the same images (fix for upstream c747fe2, see the test).
      global: { security: { allowInsecureImages: true } },
      auth: { adminUser: v.auth.adminUser, existingSecret: this.adminCredentials.secretName },
      production: v.production,
      proxyHeaders: v.proxyHeaders,
      image: bitnamiImage(v.images.keycloak),
      keycloakConfigCli: { image: bitnamiImage(v.images.configCli) },
      postgresql: {
        enabled: true,
        auth: { username: v.postgresql.username, database: v.postgresql.database, existingSecret: this.databaseCredentials.secretName },
        image: bitnamiImage(v.images.postgresql),
        metrics: { image: bitnamiImage(v.images.postgresExporter) },
        volumePermissions: { image: bitnamiImage(v.images.osShell) },
      },
      ingress,
      resources: v.resources,
      metrics: {
        enabled: m.metrics,
        serviceMonitor: { enabled: m.metrics && m.serviceMonitor },
        prometheusRule: { enabled: m.metrics && m.prometheusRule },
      },
    };
  }

  protected overlays(scope: Chart): void {
    const labels = appLabels('keycloak', this.releaseName, 'credentials', this.spec.version);
    if (!this.values.auth.existingSecret) {
      new GeneratedSecret(scope, 'admin-credentials', {
        namespace: this.namespace,
        secretName: KEYCLOAK_ADMIN_SECRET,
        randomKeys: ['admin-password'],
        labels,
      });
    }
    if (!this.values.postgresql.existingSecret) {
      new GeneratedSecret(scope, 'postgresql-credentials', {
        namespace: this.namespace,
        secretName: KEYCLOAK_DB_SECRET,
        // The Bitnami subchart's keys: the app user's and the postgres superuser's password.
        randomKeys: ['password', 'postgres-password'],
        labels,
      });
    }
  }
}

/** The cert-manager annotation for an Ingress, from the issuer bp-cert-manager publishes. */
export function issuerAnnotation(certManager: CertManager): Record<string, string> {
  const issuer = certManager.issuer;
  return { [issuer.kind === 'Issuer' ? 'cert-manager.io/issuer' : 'cert-manager.io/cluster-issuer']: issuer.name };
}
