/**
 * A PostgreSQL database a Blueprint owns, as a CloudNativePG Cluster in its own namespace. CNPG
 * generates the owner's password in-cluster into Secret `<cluster>-app` (keys `username`,
 * `password`, `host`, `port`, `dbname`, `uri`), which the application reads; nothing secret is
 * written to Git. The Cluster needs bp-cnpg's CRDs, so the Blueprint must depend on Cnpg and
 * the Cluster lands in infrastructure/.
 *
 * Lives in bp-harbor's folder because harbor is the first kit slot that needs it; bp-langfuse
 * imports it from here.
 */
import { Static, Type } from '@sinclair/typebox';
import { Construct } from 'constructs';
import { cnpgAppSecret, CnpgCluster } from '../../constructs/cnpg';
import { Blueprint } from '../../src/blueprint';
import { DnsLabel, Image, Quantity, Resources } from '../../src/schema';
import { strictObject } from '../../src/values';
import { appLabels } from '../keycloak';

/** Port of CNPG's `-rw` Service. */
export const POSTGRES_PORT = 5432;

/** Typed values of a Blueprint-owned CNPG database. */
export const CnpgDatabaseValues = strictObject({
  /** Name of the CNPG Cluster; its primary Service is `<name>-rw`, its app Secret `<name>-app`. */
  clusterName: DnsLabel,
  /** PostgreSQL instances (1 primary + replicas). */
  instances: Type.Integer({ minimum: 1, maximum: 5 }),
  storageSize: Quantity,
  /** Application database. */
  database: Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$' }),
  /** Owner role of the database (not `postgres`: the application does not get the superuser). */
  owner: Type.String({ pattern: '^(?!postgres$)[a-z_][a-z0-9_]{0,62}$' }),
  /** Operand image, pinned. */
  image: Image,
  resources: Resources,
});
export type CnpgDatabaseValues = Static<typeof CnpgDatabaseValues>;

/** The pinned PostgreSQL operand image (same as bp-powerdns's zone database). */
export const POSTGRES_IMAGE: Image = { repository: 'ghcr.io/cloudnative-pg/postgresql', tag: '16.6' };

/** Where the application connects, all names derived from the Cluster. */
export interface DatabaseConnection {
  /** Service of the primary, in the Blueprint's namespace (`<cluster>-rw`). */
  readonly service: string;
  /** Its cluster DNS name, `<cluster>-rw.<namespace>.svc.cluster.local`. */
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly username: string;
  /** CNPG's generated Secret; key `password` holds the owner's password. */
  readonly secretName: string;
  readonly passwordKey: 'password';
}

/** Emits the CNPG Cluster for `bp` in `scope` and returns how to connect to it. */
export function cnpgDatabase(scope: Construct, bp: Blueprint, db: CnpgDatabaseValues, description: string): DatabaseConnection {
  const cluster = new CnpgCluster(scope, 'database', {
    metadata: {
      name: db.clusterName,
      namespace: bp.namespace,
      labels: appLabels(bp.name, bp.releaseName, 'database', bp.spec.version),
    },
    spec: {
      description,
      instances: db.instances,
      imageName: `${db.image.repository}:${db.image.tag}${db.image.digest ? `@${db.image.digest}` : ''}`,
      bootstrap: { initdb: { database: db.database, owner: db.owner } },
      storage: { size: db.storageSize },
      resources: db.resources,
      monitoring: { enablePodMonitor: false },
    },
  });
  return connectionOf(bp, db, cluster.rwService, cluster.appSecret);
}

/** The connection facts of `bp`'s database, without emitting it (for chart values). */
export function databaseConnection(bp: Blueprint, db: CnpgDatabaseValues): DatabaseConnection {
  return connectionOf(bp, db, `${db.clusterName}-rw`, cnpgAppSecret(db.clusterName));
}

function connectionOf(bp: Blueprint, db: CnpgDatabaseValues, service: string, secretName: string): DatabaseConnection {
  return {
    service,
    host: `${service}.${bp.namespace}.svc.cluster.local`,
    port: POSTGRES_PORT,
    database: db.database,
    username: db.owner,
    secretName,
    passwordKey: 'password',
  };
}
