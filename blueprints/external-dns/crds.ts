/**
 * L1: the two CRD kinds bp-external-dns's optional overlays use. Neither API is installed by a
 * kit Blueprint yet, so both objects are marked optional() by the Blueprint: dropped with a
 * warning unless a Blueprint in the closure provides the API.
 */
import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';

/** monitoring.coreos.com/v1 ServiceMonitor (prometheus-operator), the fields used here. */
export interface ServiceMonitorSpec {
  readonly selector: { readonly matchLabels: { readonly [k: string]: string } };
  readonly namespaceSelector?: { readonly matchNames?: readonly string[]; readonly any?: boolean };
  readonly endpoints: readonly {
    readonly port: string;
    readonly path?: string;
    readonly interval?: string;
    readonly scheme?: 'http' | 'https';
  }[];
}

export class ServiceMonitor extends ApiObject {
  public static readonly GVK = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' } as const;

  constructor(scope: Construct, id: string, props: { readonly metadata: ApiObjectMetadata; readonly spec: ServiceMonitorSpec }) {
    super(scope, id, { ...ServiceMonitor.GVK, ...props });
  }
}

/** external-secrets.io/v1beta1 ExternalSecret (ESO 0.10), the fields used here. */
export interface ExternalSecretSpec {
  /** How often ESO re-reads the store, e.g. `1h`. */
  readonly refreshInterval?: string;
  readonly secretStoreRef: { readonly name: string; readonly kind: 'SecretStore' | 'ClusterSecretStore' };
  readonly target: { readonly name: string; readonly creationPolicy?: 'Owner' | 'Orphan' | 'Merge' | 'None' };
  readonly data: readonly {
    readonly secretKey: string;
    readonly remoteRef: { readonly key: string; readonly property?: string; readonly version?: string };
  }[];
}

export class ExternalSecret extends ApiObject {
  public static readonly GVK = { apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret' } as const;

  constructor(scope: Construct, id: string, props: { readonly metadata: ApiObjectMetadata; readonly spec: ExternalSecretSpec }) {
    super(scope, id, { ...ExternalSecret.GVK, ...props });
  }
}
