/**
 * L1: typed Flux API objects (Flux v2.4: source.toolkit.fluxcd.io/v1 and v1beta2,
 * helm.toolkit.fluxcd.io/v2, kustomize.toolkit.fluxcd.io/v1).
 *
 * Field names and types follow the Flux CRDs (fluxcd.io/flux/components/{source,helm,kustomize}/api).
 * Only fields the library or its users set are declared; a field that is not in the CRD cannot
 * be written (upstream bug 1a2c6ae: `disableTakeOwnership` was not in the HelmRelease v2 schema).
 */
import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { canonical, CanonicalObject, KubeObject } from '../src/objects';
import { clone } from '../src/values';

/** A Go duration as Flux accepts it, e.g. `15m`, `1h`, `30s`. */
export type Duration = string;

export interface LocalObjectReference {
  readonly name: string;
}

export interface CrossNamespaceSourceReference {
  readonly kind: 'HelmRepository' | 'GitRepository' | 'Bucket' | 'OCIRepository';
  readonly name: string;
  readonly namespace?: string;
  readonly apiVersion?: string;
}

export interface DependencyReference {
  readonly name: string;
  readonly namespace?: string;
}

// ---------------------------------------------------------------------------------------------
// source.toolkit.fluxcd.io

export interface HelmRepositorySpec {
  readonly url: string;
  readonly type?: 'default' | 'oci';
  readonly interval?: Duration;
  readonly timeout?: Duration;
  readonly secretRef?: LocalObjectReference;
  readonly provider?: 'generic' | 'aws' | 'azure' | 'gcp';
  readonly suspend?: boolean;
}

export interface HelmRepositoryProps {
  readonly metadata: ApiObjectMetadata;
  readonly spec: HelmRepositorySpec;
}

/** `source.toolkit.fluxcd.io/v1` HelmRepository: an https Helm chart repository. */
export class HelmRepository extends ApiObject {
  public static readonly GVK = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository' } as const;

  /** The object as plain data, without a construct (what the library's writers emit). */
  public static manifest(props: HelmRepositoryProps): CanonicalObject {
    return canonical({ ...HelmRepository.GVK, ...props } as KubeObject);
  }

  constructor(scope: Construct, id: string, props: HelmRepositoryProps) {
    super(scope, id, { ...HelmRepository.GVK, ...props });
  }
}

export interface OCIRepositoryRef {
  readonly tag?: string;
  readonly semver?: string;
  readonly digest?: string;
}

export interface OCIRepositorySpec {
  readonly url: string;
  readonly ref: OCIRepositoryRef;
  readonly interval: Duration;
  readonly layerSelector?: { readonly mediaType?: string; readonly operation?: 'extract' | 'copy' };
  readonly secretRef?: LocalObjectReference;
  readonly provider?: 'generic' | 'aws' | 'azure' | 'gcp';
  readonly timeout?: Duration;
  readonly suspend?: boolean;
}

export interface OCIRepositoryProps {
  readonly metadata: ApiObjectMetadata;
  readonly spec: OCIRepositorySpec;
}

/** The media type of a Helm chart layer in an OCI artifact. */
export const HELM_CHART_MEDIA_TYPE = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

/** `source.toolkit.fluxcd.io/v1beta2` OCIRepository (the version Flux 2.4 serves). */
export class OCIRepository extends ApiObject {
  public static readonly GVK = { apiVersion: 'source.toolkit.fluxcd.io/v1beta2', kind: 'OCIRepository' } as const;

  /** The object as plain data, without a construct (what the library's writers emit). */
  public static manifest(props: OCIRepositoryProps): CanonicalObject {
    return canonical({ ...OCIRepository.GVK, ...props } as KubeObject);
  }

  constructor(scope: Construct, id: string, props: OCIRepositoryProps) {
    super(scope, id, { ...OCIRepository.GVK, ...props });
  }
}

export interface GitRepositorySpec {
  readonly url: string;
  readonly interval: Duration;
  readonly ref?: { readonly branch?: string; readonly tag?: string; readonly semver?: string; readonly commit?: string };
  readonly secretRef?: LocalObjectReference;
  readonly ignore?: string;
  readonly timeout?: Duration;
}

export interface GitRepositoryProps {
  readonly metadata: ApiObjectMetadata;
  readonly spec: GitRepositorySpec;
}

/** `source.toolkit.fluxcd.io/v1` GitRepository. */
export class GitRepository extends ApiObject {
  public static readonly GVK = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' } as const;

  /** The object as plain data, without a construct (what the library's writers emit). */
  public static manifest(props: GitRepositoryProps): CanonicalObject {
    return canonical({ ...GitRepository.GVK, ...props } as KubeObject);
  }

  constructor(scope: Construct, id: string, props: GitRepositoryProps) {
    super(scope, id, { ...GitRepository.GVK, ...props });
  }
}

// ---------------------------------------------------------------------------------------------
// kustomize.toolkit.fluxcd.io

export interface KustomizationSpec {
  readonly interval: Duration;
  readonly path?: string;
  readonly prune: boolean;
  readonly sourceRef: CrossNamespaceSourceReference;
  readonly dependsOn?: readonly DependencyReference[];
  readonly wait?: boolean;
  readonly timeout?: Duration;
  readonly retryInterval?: Duration;
  readonly targetNamespace?: string;
  readonly serviceAccountName?: string;
  readonly kubeConfig?: { readonly secretRef: { readonly name: string; readonly key?: string } };
  readonly postBuild?: {
    readonly substitute?: { readonly [name: string]: string };
    readonly substituteFrom?: readonly { readonly kind: 'ConfigMap' | 'Secret'; readonly name: string; readonly optional?: boolean }[];
  };
  readonly suspend?: boolean;
}

export interface KustomizationProps {
  readonly metadata: ApiObjectMetadata;
  readonly spec: KustomizationSpec;
}

/** `kustomize.toolkit.fluxcd.io/v1` Kustomization. */
export class FluxKustomization extends ApiObject {
  public static readonly GVK = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' } as const;

  /** The object as plain data, without a construct (what the library's writers emit). */
  public static manifest(props: KustomizationProps): CanonicalObject {
    return canonical({ ...FluxKustomization.GVK, ...props } as KubeObject);
  }

  constructor(scope: Construct, id: string, props: KustomizationProps) {
    super(scope, id, { ...FluxKustomization.GVK, ...props });
  }
}

// ---------------------------------------------------------------------------------------------
// helm.toolkit.fluxcd.io

export interface Remediation {
  readonly retries?: number;
  readonly ignoreTestFailures?: boolean;
  readonly remediateLastFailure?: boolean;
}

export type CrdsPolicy = 'Skip' | 'Create' | 'CreateReplace';

export interface HelmReleaseInstall {
  readonly timeout?: Duration;
  readonly remediation?: Remediation;
  readonly disableWait?: boolean;
  readonly disableWaitForJobs?: boolean;
  readonly disableHooks?: boolean;
  readonly createNamespace?: boolean;
  readonly crds?: CrdsPolicy;
  readonly replace?: boolean;
}

export interface HelmReleaseUpgrade {
  readonly timeout?: Duration;
  readonly remediation?: Remediation & { readonly strategy?: 'rollback' | 'uninstall' };
  readonly disableWait?: boolean;
  readonly disableWaitForJobs?: boolean;
  readonly disableHooks?: boolean;
  readonly force?: boolean;
  readonly preserveValues?: boolean;
  readonly cleanupOnFail?: boolean;
  readonly crds?: CrdsPolicy;
}

export interface HelmChartTemplateSpec {
  readonly chart: string;
  readonly version?: string;
  readonly sourceRef: CrossNamespaceSourceReference;
  readonly interval?: Duration;
  readonly reconcileStrategy?: 'ChartVersion' | 'Revision';
}

export interface HelmReleaseSpec {
  readonly interval: Duration;
  readonly chart?: { readonly spec: HelmChartTemplateSpec };
  readonly chartRef?: { readonly kind: 'OCIRepository' | 'HelmChart'; readonly name: string; readonly namespace?: string };
  readonly releaseName?: string;
  readonly targetNamespace?: string;
  readonly storageNamespace?: string;
  readonly dependsOn?: readonly DependencyReference[];
  readonly timeout?: Duration;
  readonly maxHistory?: number;
  readonly install?: HelmReleaseInstall;
  readonly upgrade?: HelmReleaseUpgrade;
  readonly driftDetection?: { readonly mode?: 'enabled' | 'warn' | 'disabled' };
  readonly suspend?: boolean;
  /** Install into another cluster (e.g. an Organization's vcluster) with this kubeconfig Secret. */
  readonly kubeConfig?: { readonly secretRef: { readonly name: string; readonly key?: string } };
  readonly serviceAccountName?: string;
  /** Helm values. Passed through verbatim: `null` is kept (Helm reads it as "unset this default"). */
  readonly values?: { readonly [key: string]: unknown };
  readonly valuesFrom?: readonly {
    readonly kind: 'ConfigMap' | 'Secret';
    readonly name: string;
    readonly valuesKey?: string;
    readonly targetPath?: string;
    readonly optional?: boolean;
  }[];
}

export interface HelmReleaseProps {
  readonly metadata: ApiObjectMetadata;
  readonly spec: HelmReleaseSpec;
}

/** `helm.toolkit.fluxcd.io/v2` HelmRelease. */
export class HelmRelease extends ApiObject {
  public static readonly GVK = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' } as const;

  /** The object as plain data, without a construct (what the library's writers emit). */
  public static manifest(props: HelmReleaseProps): CanonicalObject {
    const { values, ...spec } = props.spec;
    // Values are written as given, not copied: the result is plain data for serialising.
    const verbatim = values !== undefined && Object.keys(values).length > 0 ? { parent: 'spec', key: 'values', value: values } : undefined;
    return canonical({ ...HelmRelease.GVK, metadata: props.metadata, spec } as KubeObject, verbatim);
  }

  private readonly values?: { readonly [key: string]: unknown };

  constructor(scope: Construct, id: string, props: HelmReleaseProps) {
    const { values, ...spec } = props.spec;
    super(scope, id, { ...HelmRelease.GVK, metadata: props.metadata, spec });
    this.values = values;
  }

  /**
   * cdk8s drops `null` while resolving; Helm values need it (`hubble.metrics.enabled: null`
   * removes an upstream default), so values are attached after resolution, verbatim.
   */
  public toJson(): any {
    const json = super.toJson();
    if (this.values !== undefined && Object.keys(this.values).length > 0) {
      json.spec.values = clone(this.values);
    }
    return json;
  }
}

/** Every Flux API group/version this module writes; a Sovereign has them from Phase 0 on. */
export const FLUX_API_VERSIONS: readonly string[] = [
  HelmRepository.GVK.apiVersion,
  OCIRepository.GVK.apiVersion,
  GitRepository.GVK.apiVersion,
  FluxKustomization.GVK.apiVersion,
  HelmRelease.GVK.apiVersion,
];
