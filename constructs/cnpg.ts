/**
 * L1: CloudNativePG API objects (postgresql.cnpg.io/v1), fields as in the CNPG 1.2x Cluster CRD
 * (cloudnative-pg.io/documentation/current/cloudnative-pg.v1/). Only the fields Blueprints set
 * are declared; a field that is not in the CRD cannot be written.
 *
 * For a Cluster named `<name>` CNPG creates, in the Cluster's namespace:
 *  - Service `<name>-rw` (primary), `<name>-ro`, `<name>-r`;
 *  - Secret `<name>-app` (keys username, password, host, port, dbname, uri, jdbc-uri, pgpass)
 *    for the application owner, with a password CNPG generates in-cluster.
 * `CnpgCluster.appSecret` and `.rwService` name them, so consumers do not re-derive the rule.
 */
import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';

export const CNPG_API_VERSION = 'postgresql.cnpg.io/v1';

export interface LocalObjectReference {
  readonly name: string;
}

export interface SecretKeySelector {
  readonly name: string;
  readonly key: string;
}

export interface ConfigMapKeySelector {
  readonly name: string;
  readonly key: string;
}

/** Container requests and limits, as Kubernetes quantities. */
export interface ResourceRequirements {
  readonly requests?: { readonly cpu?: string; readonly memory?: string };
  readonly limits?: { readonly cpu?: string; readonly memory?: string };
}

export interface StorageConfiguration {
  /** Size of the PVC, e.g. `5Gi`. */
  readonly size?: string;
  /** StorageClass of the PVC; unset uses the cluster default. */
  readonly storageClass?: string;
  readonly resizeInUseVolumes?: boolean;
}

export interface PostInitApplicationSqlRefs {
  readonly configMapRefs?: readonly ConfigMapKeySelector[];
  readonly secretRefs?: readonly SecretKeySelector[];
}

/** Bootstrap a new, empty cluster with initdb. */
export interface BootstrapInitDb {
  /** Application database. @default app */
  readonly database?: string;
  /** Owner (role) of the application database. @default app */
  readonly owner?: string;
  /** Secret (basic-auth type) with the owner's credentials; unset makes CNPG generate `<cluster>-app`. */
  readonly secret?: LocalObjectReference;
  readonly encoding?: string;
  readonly localeCollate?: string;
  readonly localeCType?: string;
  readonly dataChecksums?: boolean;
  /** SQL run as superuser in the application database after creation. */
  readonly postInitApplicationSQL?: readonly string[];
  readonly postInitApplicationSQLRefs?: PostInitApplicationSqlRefs;
}

export interface BootstrapConfiguration {
  readonly initdb?: BootstrapInitDb;
}

export interface PostgresConfiguration {
  readonly parameters?: { readonly [name: string]: string };
  readonly pg_hba?: readonly string[];
}

export interface MonitoringConfiguration {
  /** Create a PodMonitor (needs monitoring.coreos.com/v1). */
  readonly enablePodMonitor?: boolean;
}

export interface ClusterSpec {
  readonly description?: string;
  /** Number of instances (1 primary + N-1 replicas). */
  readonly instances: number;
  /** Operand image; pin a tag, e.g. ghcr.io/cloudnative-pg/postgresql:16.6. */
  readonly imageName?: string;
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  readonly postgresql?: PostgresConfiguration;
  readonly bootstrap?: BootstrapConfiguration;
  readonly storage?: StorageConfiguration;
  readonly walStorage?: StorageConfiguration;
  readonly resources?: ResourceRequirements;
  readonly enableSuperuserAccess?: boolean;
  readonly superuserSecret?: LocalObjectReference;
  readonly primaryUpdateStrategy?: 'supervised' | 'unsupervised';
  readonly primaryUpdateMethod?: 'switchover' | 'restart';
  readonly monitoring?: MonitoringConfiguration;
  readonly inheritedMetadata?: { readonly labels?: { readonly [k: string]: string }; readonly annotations?: { readonly [k: string]: string } };
}

export interface CnpgClusterProps {
  readonly metadata: ApiObjectMetadata & { readonly name: string };
  readonly spec: ClusterSpec;
}

/** `postgresql.cnpg.io/v1` Cluster. */
export class CnpgCluster extends ApiObject {
  public static readonly GVK = { apiVersion: CNPG_API_VERSION, kind: 'Cluster' } as const;

  /** The Cluster's name, from which CNPG derives its Services and Secrets. */
  public readonly clusterName: string;

  constructor(scope: Construct, id: string, props: CnpgClusterProps) {
    if (!Number.isInteger(props.spec.instances) || props.spec.instances < 1) {
      throw new Error(`CnpgCluster ${props.metadata.name}: spec.instances must be an integer >= 1 (got ${props.spec.instances})`);
    }
    super(scope, id, { ...CnpgCluster.GVK, ...props });
    this.clusterName = props.metadata.name;
  }

  /** Secret CNPG generates for the application owner (`<name>-app`). */
  public get appSecret(): string {
    return cnpgAppSecret(this.clusterName);
  }

  /** Read-write Service of the primary (`<name>-rw`). */
  public get rwService(): string {
    return `${this.clusterName}-rw`;
  }
}

/** Name of the application Secret CNPG creates for a Cluster. */
export function cnpgAppSecret(clusterName: string): string {
  return `${clusterName}-app`;
}
