/**
 * bp-langfuse (kit slot 26): Langfuse, LLM observability (traces of prompts and completions,
 * evaluations, costs) for the Sovereign's AI Blueprints.
 *
 * Wiring, all from typed outputs instead of the upstream's literals:
 *  - events and media go to bucket `langfuse` on bp-seaweedfs (`s3Endpoint`; upstream pointed at
 *    `seaweedfs-s3.openova-system`, a namespace SeaweedFS does not run in), with the S3 keys
 *    copied into this namespace;
 *  - PostgreSQL is a CNPG Cluster in this namespace (upstream named `langfuse-postgres-rw` but
 *    left the overlay that creates it switched off);
 *  - `NEXTAUTH_URL` is `https://langfuse.<FQDN>` (upstream: empty).
 * Redis and ClickHouse stay external, as upstream curated: the kit installs no ClickHouse.
 * Their hosts and the Secrets holding their passwords are typed values you point at your own.
 *
 * Credentials: the salt, the 64-hex-digit encryption key and the NextAuth secret are generated
 * in-cluster into Secret `langfuse-secrets` (create-only Job; nothing secret in Git); the
 * database password is CNPG's `<cluster>-app` Secret.
 */
import { Static, Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import { Blueprint, blueprintSpec, helmChart, UpstreamChart } from '../../src/blueprint';
import { DnsLabel, ImageTag } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';
import { Cnpg } from '../cnpg';
import { CnpgDatabaseValues, cnpgDatabase, databaseConnection, POSTGRES_IMAGE, RandomSecret } from '../harbor';
import { appLabels, Keycloak } from '../keycloak';
import { SeaweedFs } from '../seaweedfs';

export const LANGFUSE_CHART = helmChart('langfuse', '1.5.28', 'https://langfuse.github.io/langfuse-k8s');

/** Secret with the generated salt, encryption key and NextAuth secret. */
export const LANGFUSE_SECRETS = 'langfuse-secrets';

const Host = Type.String({ pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' });
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const Key = Type.String({ pattern: '^[-._a-zA-Z0-9]+$' });

export const LangfuseValues = strictObject({
  /** Tag of the langfuse/langfuse and langfuse/langfuse-worker images. */
  imageTag: ImageTag,
  replicas: Type.Integer({ minimum: 1, maximum: 10 }),
  /** Public host `<hostPrefix>.<FQDN>`: the NextAuth URL browsers return to. */
  hostPrefix: DnsLabel,
  /** Secret (keys `salt`, `encryptionKey`, `nextauthSecret`) you manage yourself; unset: generated in-cluster. */
  existingSecret: Type.Optional(DnsLabel),
  features: strictObject({
    /** Anonymous usage telemetry to Langfuse GmbH (off: a Sovereign phones nowhere). */
    telemetryEnabled: Type.Boolean(),
    signUpDisabled: Type.Boolean(),
    experimentalFeaturesEnabled: Type.Boolean(),
  }),
  /** Langfuse's PostgreSQL: a CNPG Cluster in this namespace. */
  database: strictObject({
    cluster: CnpgDatabaseValues,
    autoMigrate: Type.Boolean(),
  }),
  /** Object storage: a bucket on bp-seaweedfs. */
  s3: strictObject({
    bucket: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$' }),
    region: Type.String({ minLength: 1 }),
  }),
  /** An external Redis/Valkey (Langfuse needs `maxmemory-policy noeviction`). */
  redis: strictObject({
    host: Host,
    port: Port,
    username: Type.String({ minLength: 1 }),
    /** Secret in this namespace holding the password. */
    existingSecret: DnsLabel,
    passwordKey: Key,
  }),
  /** An external ClickHouse (single shard). */
  clickhouse: strictObject({
    host: Host,
    httpPort: Port,
    nativePort: Port,
    database: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
    username: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_]+$' }),
    /** Secret in this namespace holding the password. */
    existingSecret: DnsLabel,
    passwordKey: Key,
    ssl: Type.Boolean(),
    autoMigrate: Type.Boolean(),
    clusterEnabled: Type.Boolean(),
    replicaCount: Type.Integer({ minimum: 1, maximum: 5 }),
  }),
});
export type LangfuseValues = Static<typeof LangfuseValues>;

export class Langfuse extends Blueprint<typeof LangfuseValues> {
  public static readonly spec = blueprintSpec({
    name: 'langfuse',
    version: '1.0.0',
    slot: 26,
    section: 'pts-4-6-ai-ml',
    card: {
      title: 'Langfuse',
      summary: 'LLM engineering platform: traces, evaluations, prompt management and cost tracking for the Sovereign\'s AI workloads.',
      documentation: 'https://langfuse.com/self-hosting',
      license: 'MIT',
    },
    visibility: 'unlisted',
    upstream: [LANGFUSE_CHART],
    namespace: 'langfuse',
    releaseName: 'langfuse',
    // §3.2's edges plus bp-seaweedfs: the S3 endpoint is a typed output of that Blueprint, so the
    // bucket must exist first (upstream used SeaweedFS's S3 without the edge).
    depends: [Cnpg, Keycloak, CertManager, SeaweedFs],
    install: { timeout: '15m' },
    network: {
      // The CNPG operator (its own namespace) polls each database instance's manager.
      ingressFromCluster: [{ port: 8000 }],
    },
    podSecurity: {
      level: 'baseline',
      reason: 'the langfuse chart sets no pod or container security context (no runAsNonRoot, no seccomp profile, no capability drop)',
    },
    values: LangfuseValues,
    defaults: {
      imageTag: '3.171.0',
      replicas: 1,
      hostPrefix: 'langfuse',
      features: { telemetryEnabled: false, signUpDisabled: true, experimentalFeaturesEnabled: false },
      database: {
        cluster: {
          clusterName: 'langfuse-postgres',
          instances: 1,
          storageSize: '20Gi',
          database: 'postgres_langfuse',
          owner: 'langfuse',
          image: POSTGRES_IMAGE,
          resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
        },
        autoMigrate: true,
      },
      s3: { bucket: 'langfuse', region: 'auto' },
      redis: { host: 'langfuse-redis', port: 6379, username: 'default', existingSecret: 'langfuse-redis-secret', passwordKey: 'password' },
      clickhouse: {
        host: 'langfuse-clickhouse',
        httpPort: 8123,
        nativePort: 9000,
        database: 'default',
        username: 'default',
        existingSecret: 'langfuse-clickhouse-secret',
        passwordKey: 'password',
        ssl: false,
        autoMigrate: true,
        clusterEnabled: false,
        replicaCount: 1,
      },
    },
  });

  /** Public host, `langfuse.<FQDN>` (FQDN token). */
  public get host(): string {
    return `${this.values.hostPrefix}.${this.context.fqdn}`;
  }

  /** Public URL; NextAuth's callback base. */
  public get url(): string {
    return `https://${this.host}`;
  }

  private get secretName(): string {
    return this.values.existingSecret ?? LANGFUSE_SECRETS;
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    const seaweedfs = this.dependency(SeaweedFs);
    const creds = seaweedfs.consumerCredentials;
    const db = databaseConnection(this, v.database.cluster);
    const ch = v.clickhouse;
    const ref = (key: string) => ({ secretKeyRef: { name: this.secretName, key } });
    return {
      langfuse: {
        image: { tag: v.imageTag, pullPolicy: 'IfNotPresent', pullSecrets: [] },
        replicas: v.replicas,
        salt: ref('salt'),
        encryptionKey: ref('encryptionKey'),
        nextauth: { url: this.url, secret: ref('nextauthSecret') },
        features: {
          telemetryEnabled: v.features.telemetryEnabled,
          signUpDisabled: v.features.signUpDisabled,
          experimentalFeaturesEnabled: v.features.experimentalFeaturesEnabled,
        },
        nodeEnv: 'production',
        ingress: { enabled: false },
        serviceAccount: { create: true },
      },
      postgresql: {
        deploy: false,
        host: db.service,
        port: db.port,
        auth: {
          username: db.username,
          database: db.database,
          existingSecret: db.secretName,
          secretKeys: { userPasswordKey: db.passwordKey, adminPasswordKey: db.passwordKey },
        },
        migration: { autoMigrate: v.database.autoMigrate },
      },
      redis: {
        deploy: false,
        host: v.redis.host,
        port: v.redis.port,
        auth: { username: v.redis.username, existingSecret: v.redis.existingSecret, existingSecretPasswordKey: v.redis.passwordKey },
      },
      clickhouse: {
        deploy: false,
        host: ch.host,
        httpPort: ch.httpPort,
        nativePort: ch.nativePort,
        database: ch.database,
        auth: { username: ch.username, existingSecret: ch.existingSecret, existingSecretKey: ch.passwordKey },
        migration: { url: `clickhouse://${ch.username}@${ch.host}:${ch.nativePort}`, ssl: ch.ssl, autoMigrate: ch.autoMigrate },
        clusterEnabled: ch.clusterEnabled,
        shards: 1,
        replicaCount: ch.replicaCount,
      },
      s3: {
        deploy: false,
        storageProvider: 's3',
        bucket: v.s3.bucket,
        region: v.s3.region,
        endpoint: seaweedfs.s3Endpoint,
        forcePathStyle: true,
        accessKeyId: { secretKeyRef: { name: creds.secretName, key: creds.accessKeyIdKey } },
        secretAccessKey: { secretKeyRef: { name: creds.secretName, key: creds.secretAccessKeyKey } },
      },
    };
  }

  protected overlays(scope: Chart): void {
    const v = this.values;
    const seaweedfs = this.dependency(SeaweedFs);
    cnpgDatabase(scope, this, v.database.cluster, 'Langfuse application database (projects, users, prompts)');
    seaweedfs.bucket(scope, this, v.s3.bucket);
    seaweedfs.credentialsFor(scope, this);
    if (!v.existingSecret) {
      new RandomSecret(scope, 'secrets', {
        namespace: this.namespace,
        secretName: LANGFUSE_SECRETS,
        keys: {
          salt: { length: 32, alphabet: 'alphanumeric' },
          // 256 bits as 64 hex digits, the only form Langfuse accepts for ENCRYPTION_KEY.
          encryptionKey: { length: 64, alphabet: 'hex' },
          nextauthSecret: { length: 32, alphabet: 'alphanumeric' },
        },
        labels: appLabels('langfuse', this.releaseName, 'secrets', this.spec.version),
      });
    }
  }

  public outputs(): { readonly [name: string]: string } {
    return { url: this.url };
  }
}
