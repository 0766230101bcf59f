/**
 * bp-matrix (slot 47): a Matrix homeserver (Synapse, upstream `matrix-synapse` chart) for team
 * chat, federation off by default (private rooms only). PostgreSQL comes from a CNPG Cluster this
 * Blueprint declares (Synapse needs C collation), login from Keycloak over OIDC, TLS from
 * bp-cert-manager's issuer. Every cross-Blueprint fact (database host and Secret, issuer URL,
 * certificate issuer) is read from a typed getter, not copied as a string.
 */
import { Static, Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { ingressIssuerAnnotation } from '../../constructs/cert-manager';
import { Blueprint, BlueprintProps, blueprintSpec, helmChart, helmFullname, UpstreamChart } from '../../src/blueprint';
import { Issue } from '../../src/errors';
import { DnsLabel, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';
import { Cnpg } from '../cnpg';
import { Keycloak } from '../keycloak';
import { appLabels } from '../keycloak/generated-secret';
import { appDatabase, ChartImage, DatabaseValues, SecretKeySelector } from '../vllm/app-workload';

export const MATRIX_CHART = helmChart('matrix-synapse', '3.12.25', 'https://ananace.gitlab.io/charts');

const Hostname = Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$', maxLength: 253 });
const SqlName = Type.String({ pattern: '^[a-z_][a-z0-9_]*$', maxLength: 63 });

/** Where the OIDC client secret is mounted for Synapse's `client_secret_path`. */
const OIDC_SECRET_DIR = '/secrets/oidc';

export const MatrixValues = strictObject({
  /**
   * The Matrix server name: the domain part of every user id (`@alice:<serverName>`), fixed
   * forever once users exist. @default `matrix.<FQDN>`
   */
  serverName: Type.Optional(Hostname),
  /** Public client host (/.well-known discovery). @default serverName */
  publicServerName: Type.Optional(Hostname),
  image: ChartImage,
  /** Federation with other homeservers; off keeps the Sovereign's rooms private. */
  federation: strictObject({
    enabled: Type.Boolean(),
    /** With federation on, only these servers (empty: any server). */
    domainWhitelist: Type.Array(Hostname),
  }),
  /** Local account registration (off: accounts come from Keycloak). */
  registration: strictObject({ enableRegistration: Type.Boolean() }),
  /** OIDC login through bp-keycloak. */
  oidc: strictObject({
    enabled: Type.Boolean(),
    idpId: Type.String({ pattern: '^[a-z0-9._-]+$' }),
    idpName: Type.String({ minLength: 1 }),
    /** Keycloak realm of the Sovereign's users; required when enabled. */
    realm: Type.Optional(DnsLabel),
    clientId: Type.String({ minLength: 1 }),
    scopes: Type.Array(Type.String({ minLength: 1 })),
    /** The OIDC client secret; required when enabled (registered in Keycloak, never in values). */
    clientSecret: Type.Optional(SecretKeySelector),
  }),
  /** Element Web at `chat-web.<FQDN>` is provided by its own Application; this publishes the host. */
  elementWeb: strictObject({ enabled: Type.Boolean() }),
  ingress: strictObject({ className: Type.String({ minLength: 1 }) }),
  database: strictObject({ name: SqlName, user: SqlName, postgres: DatabaseValues }),
  /** Media store PVC. */
  persistence: strictObject({ size: Type.String({ pattern: '^[0-9]+(Mi|Gi|Ti)$' }) }),
  resources: Resources,
  /** A NetworkPolicy: client (and federation) ports in; DNS, the database and HTTPS out. */
  networkPolicy: strictObject({ enabled: Type.Boolean() }),
});
export type MatrixValues = Static<typeof MatrixValues>;

/** Synapse's client-server port (the chart's `http` port). */
const CLIENT_PORT = 8008;
const FEDERATION_PORT = 8448;

export class Matrix extends Blueprint<typeof MatrixValues> {
  public static readonly spec = blueprintSpec({
    owner: { team: 'platform', contact: 'platform@openova.io' },
    name: 'matrix',
    version: '1.0.0',
    slot: 47,
    section: 'pts-4-5-communication',
    category: 'application',
    card: {
      title: 'Matrix (Synapse)',
      summary: 'Self-hosted, federation-capable team chat: the Synapse Matrix homeserver with federation off by default, OIDC login through Keycloak and a CNPG PostgreSQL backend.',
      icon: 'matrix.svg',
      category: 'application',
      tags: ['chat', 'messaging', 'federation', 'e2ee', 'oidc', 'application'],
      documentation: 'https://element-hq.github.io/synapse/',
      license: 'AGPL-3.0',
    },
    visibility: 'listed',
    upstream: [MATRIX_CHART],
    namespace: 'matrix',
    releaseName: 'matrix',
    depends: [
      { blueprint: Cnpg, version: '^1' },
      { blueprint: Keycloak, version: '^1' },
      { blueprint: CertManager, version: '^1' },
    ],
    network: {
      // The ingress controller forwards client traffic to Synapse.
      ingressFromWorld: [{ port: 8008 }],
      // The CNPG operator polls the database's instance manager.
      ingressFromCluster: [{ port: 8000 }],
      // Keycloak's public OIDC endpoints, and other homeservers when federating.
      egressToWorld: [{ port: 443 }, { port: 8448 }],
    },
    podSecurity: {
      level: 'baseline',
      reason: 'the matrix-synapse chart 3.12.25 sets no seccomp profile or capability drop on Synapse and its signing-key Job; baseline still forbids privileged pods and host access',
    },
    values: MatrixValues,
    defaults: {
      image: { repository: 'ghcr.io/element-hq/synapse' },
      federation: { enabled: false, domainWhitelist: [] },
      registration: { enableRegistration: false },
      oidc: { enabled: true, idpId: 'keycloak', idpName: 'Keycloak', clientId: 'matrix-synapse', scopes: ['openid', 'profile', 'email'] },
      elementWeb: { enabled: true },
      ingress: { className: 'cilium' },
      database: {
        name: 'synapse',
        user: 'synapse',
        postgres: {
          instances: 1,
          storageSize: '10Gi',
          resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
          imageName: 'ghcr.io/cloudnative-pg/postgresql:16.4',
        },
      },
      persistence: { size: '10Gi' },
      resources: { requests: { cpu: '200m', memory: '512Mi' }, limits: { memory: '2Gi' } },
      networkPolicy: { enabled: false },
    },
    placement: { modes: ['single-region'], default: 'single-region', minRegions: 1, maxRegions: 1 },
    upgradesFrom: ['0.x'],
  });

  constructor(scope: Construct, props: BlueprintProps) {
    super(scope, props);
    const o = this.values?.oidc;
    if (o?.enabled) {
      const issues = this.issues as Issue[];
      if (!o.realm) issues.push({ path: `${props.path}.values.oidc.realm`, message: 'is required when oidc.enabled: give the Keycloak realm of the Sovereign\'s users' });
      if (!o.clientSecret) issues.push({ path: `${props.path}.values.oidc.clientSecret`, message: 'is required when oidc.enabled: name the Secret key holding the Keycloak client secret' });
    }
  }

  public get serverName(): string {
    return this.values.serverName ?? `matrix.${this.context.fqdn}`;
  }

  public get publicServerName(): string {
    return this.values.publicServerName ?? this.serverName;
  }

  /** The CNPG Cluster of the homeserver; CNPG names its Services and Secret after it. */
  public get databaseClusterName(): string {
    return `${this.releaseName}-postgres`;
  }

  /** Keycloak issuer of the OIDC login, if enabled. */
  public get issuer(): string | undefined {
    const o = this.values.oidc;
    return o.enabled && o.realm ? `${this.dependency(Keycloak).url}/realms/${o.realm}` : undefined;
  }

  public get fullname(): string {
    return helmFullname(this.releaseName, MATRIX_CHART.chart);
  }

  public outputs(): { readonly [name: string]: string } {
    return {
      serverName: this.serverName,
      publicServerName: this.publicServerName,
      ...(this.values.elementWeb.enabled ? { elementWebHost: `chat-web.${this.context.fqdn}` } : {}),
    };
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    const o = v.oidc;
    const oidc = o.enabled && o.clientSecret && this.issuer;
    const hosts = [...new Set([this.serverName, this.publicServerName])];
    return {
      image: { repository: v.image.repository, pullPolicy: 'IfNotPresent', ...(v.image.tag ? { tag: v.image.tag } : {}) },
      // Deliberate fix: upstream curated the placeholder `matrix.example.local`; the server
      // name derives from the Sovereign FQDN (and is required to be stable from day one).
      serverName: this.serverName,
      publicServerName: this.publicServerName,
      signingkey: { job: { enabled: true }, existingSecret: '' },
      extraConfig: {
        // An empty whitelist federates with nobody; `null` lifts the restriction.
        federation_domain_whitelist: v.federation.enabled ? (v.federation.domainWhitelist.length ? v.federation.domainWhitelist : null) : [],
        enable_registration: v.registration.enableRegistration,
        enable_registration_without_verification: false,
        // Deliberate fix: upstream declared OIDC (enabled) beside the chart values, where
        // Synapse never saw it; this is Synapse's own `oidc_providers` block.
        ...(oidc
          ? {
            oidc_providers: [{
              idp_id: o.idpId,
              idp_name: o.idpName,
              issuer: this.issuer,
              client_id: o.clientId,
              client_secret_path: `${OIDC_SECRET_DIR}/${o.clientSecret!.key}`,
              scopes: o.scopes,
              user_mapping_provider: { config: { localpart_template: '{{ user.preferred_username }}', display_name_template: '{{ user.name }}' } },
            }],
          }
          : {}),
      },
      postgresql: { enabled: false },
      externalPostgresql: {
        // The CNPG Cluster's read-write Service and generated Secret (upstream named a Secret
        // `matrix-postgres-credentials` that nothing created).
        host: `${this.databaseClusterName}-rw.${this.namespace}.svc.cluster.local`,
        port: 5432,
        username: v.database.user,
        database: v.database.name,
        existingSecret: `${this.databaseClusterName}-app`,
        existingSecretPasswordKey: 'password',
        sslmode: 'require',
      },
      redis: { enabled: false },
      // Redis is only for workers, which are off. Deliberate fix: upstream also carried a
      // hard-coded `valkey-primary.valkey…` host for a Blueprint matrix does not depend on.
      externalRedis: { enabled: false },
      persistence: { enabled: true, size: v.persistence.size },
      ingress: {
        enabled: true,
        className: v.ingress.className,
        // Deliberate fix: TLS from bp-cert-manager's issuer (upstream: no TLS, and an issuer
        // name `letsencrypt-prod` that the kit does not define).
        annotations: { ...ingressIssuerAnnotation(this.dependency(CertManager).issuer) },
        csHosts: [],
        hosts: [],
        wkHosts: [],
        tls: [{ secretName: `${this.releaseName}-tls`, hosts }],
      },
      synapse: {
        replicaCount: 1,
        resources: v.resources,
        ...(oidc
          ? {
            extraVolumes: [{ name: 'oidc-client-secret', secret: { secretName: o.clientSecret!.name } }],
            extraVolumeMounts: [{ name: 'oidc-client-secret', mountPath: OIDC_SECRET_DIR, readOnly: true }],
          }
          : {}),
      },
      workers: {
        generic_worker: { enabled: false },
        federation_sender: { enabled: false },
        media_repository: { enabled: false },
      },
    };
  }

  protected overlays(scope: Chart): void {
    const v = this.values;
    const labels = appLabels('matrix', this.releaseName, 'homeserver', this.spec.version);
    appDatabase(scope, 'database', {
      name: this.databaseClusterName,
      database: v.database.name,
      owner: v.database.user,
      values: v.database.postgres,
      labels,
      // Synapse refuses a database whose collation is not C.
      localeC: true,
    });
    if (v.networkPolicy.enabled) {
      const tcp = (port: number): k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
      new k8s.KubeNetworkPolicy(scope, 'network-policy', {
        metadata: { name: this.fullname, labels },
        spec: {
          podSelector: { matchLabels: { 'app.kubernetes.io/name': MATRIX_CHART.chart, 'app.kubernetes.io/instance': this.releaseName } },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ ports: [tcp(CLIENT_PORT), ...(v.federation.enabled ? [tcp(FEDERATION_PORT)] : [])] }],
          egress: [
            { ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, tcp(53)] },
            // The CNPG Cluster in this namespace.
            { to: [{ podSelector: { matchLabels: { 'cnpg.io/cluster': this.databaseClusterName } } }], ports: [tcp(5432)] },
            // Keycloak's public OIDC endpoints, and other homeservers when federating.
            { ports: [tcp(443), ...(v.federation.enabled ? [tcp(FEDERATION_PORT)] : [])] },
          ],
        },
      });
    }
  }
}
