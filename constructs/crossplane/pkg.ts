/**
 * L1: Crossplane packages (`pkg.crossplane.io`): Provider, Function and
 * DeploymentRuntimeConfig, plus the pinned packages the Sovereign's Compositions use. A package
 * is declared once (registry, repository, version, the APIs its CRDs serve); its reference, the
 * object name Crossplane gives it and the Provider/Function object are all derived from that.
 */
import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
// Single functions, not the package index (47 modules) that a library import would load.
import { default as semverValid } from 'semver/functions/valid';
import { CatalystError, describeValue } from '../../src/errors';

export const PKG_API_VERSION = 'pkg.crossplane.io/v1';
export const PKG_BETA_API_VERSION = 'pkg.crossplane.io/v1beta1';

/** A Crossplane package pinned to one version. */
export interface CrossplanePackage {
  readonly kind: 'Provider' | 'Function';
  /** OCI registry host, e.g. `xpkg.upbound.io`. */
  readonly registry: string;
  /** Repository path in the registry, e.g. `crossplane-contrib/provider-hcloud`. */
  readonly repository: string;
  /** Exact tag, e.g. `v0.4.0`. */
  readonly version: string;
  /** API group/versions whose CRDs the package installs (what its objects may then use). */
  readonly providesApis: readonly string[];
}

/** A package pin; throws on a floating tag. */
export function crossplanePackage(kind: CrossplanePackage['kind'], ref: string, version: string, providesApis: readonly string[]): CrossplanePackage {
  const [registry, ...rest] = ref.split('/');
  if (!registry.includes('.') || rest.length === 0) {
    throw CatalystError.at(`crossplanePackage(${JSON.stringify(ref)})`, 'must be <registry host>/<repository> without a tag');
  }
  if (semverValid(version) === null || !version.startsWith('v')) {
    throw CatalystError.at(`crossplanePackage(${JSON.stringify(ref)}).version`, `must be an exact v-prefixed semver tag such as v0.4.0 (got ${describeValue(version)})`);
  }
  return { kind, registry, repository: rest.join('/'), version, providesApis };
}

/** `registry/repository:version`, what `spec.package` and Crossplane's `--provider` flag take. */
export function packageReference(pkg: CrossplanePackage): string {
  return `${pkg.registry}/${pkg.repository}:${pkg.version}`;
}

/**
 * The object name Crossplane's own installer gives a package (`crossplane core init
 * --provider …`, fed by the chart's `provider.packages`): the repository path as a DNS label
 * (Crossplane's xpkg.ToDNSLabel). The Provider objects in the Flux repo use the same name, so they
 * adopt the package the installer created instead of installing it a second time.
 */
export function packageObjectName(pkg: CrossplanePackage): string {
  const s = pkg.repository;
  let cut = '';
  for (let i = 0; i < s.length; i++) {
    const b = s[i];
    if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')) cut += b;
    if ((b === '.' || b === '/' || b === ':' || b === '-') && i !== 0 && i !== 62 && i !== s.length - 1) cut += '-';
    if (i === 62) break;
  }
  return cut.replace(/^-+|-+$/g, '');
}

/** crossplane-contrib/provider-hcloud, the version upstream installs (UPSTREAM §5.1). */
export const PROVIDER_HCLOUD = crossplanePackage('Provider', 'xpkg.upbound.io/crossplane-contrib/provider-hcloud', 'v0.4.0', [
  'hcloud.crossplane.io/v1beta1',
  'network.hcloud.crossplane.io/v1alpha1',
  'firewall.hcloud.crossplane.io/v1alpha1',
  'server.hcloud.crossplane.io/v1alpha1',
  'load_balancer.hcloud.crossplane.io/v1alpha1',
  'load_balancer_network.hcloud.crossplane.io/v1alpha1',
  'load_balancer_service.hcloud.crossplane.io/v1alpha1',
  'load_balancer_target.hcloud.crossplane.io/v1alpha1',
]);

/** crossplane-contrib/provider-kubernetes: Object v1alpha2 and ProviderConfig v1alpha1, supports Crossplane 1.18. */
export const PROVIDER_KUBERNETES = crossplanePackage('Provider', 'xpkg.upbound.io/crossplane-contrib/provider-kubernetes', 'v0.15.0', [
  'kubernetes.crossplane.io/v1alpha1',
  'kubernetes.crossplane.io/v1alpha2',
]);

/** crossplane-contrib/function-patch-and-transform: classic P&T as a pipeline step. */
export const FUNCTION_PATCH_AND_TRANSFORM = crossplanePackage('Function', 'xpkg.upbound.io/crossplane-contrib/function-patch-and-transform', 'v0.7.0', []);

export interface PackageSpecBase {
  readonly package: string;
  readonly packagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  readonly revisionActivationPolicy?: 'Automatic' | 'Manual';
  readonly revisionHistoryLimit?: number;
  readonly skipDependencyResolution?: boolean;
  readonly ignoreCrossplaneConstraints?: boolean;
  /** The DeploymentRuntimeConfig that shapes the package's Deployment and ServiceAccount. */
  readonly runtimeConfigRef?: { readonly name: string };
}

/** Package settings besides the package itself, plus labels for the object. */
export type PackageExtras = Omit<PackageSpecBase, 'package'> & { readonly labels?: Record<string, string> };

/** `pkg.crossplane.io/v1` Provider (cluster-scoped). */
export class Provider extends ApiObject {
  public static readonly GVK = { apiVersion: PKG_API_VERSION, kind: 'Provider' } as const;

  /** The Provider of a pinned package, named as Crossplane's installer names it. */
  public static forPackage(scope: Construct, id: string, pkg: CrossplanePackage, extra: PackageExtras = {}): Provider {
    if (pkg.kind !== 'Provider') throw CatalystError.at(`Provider.forPackage(${pkg.repository})`, `is a ${pkg.kind} package, not a Provider`);
    const { labels, ...spec } = extra;
    return new Provider(scope, id, { metadata: { name: packageObjectName(pkg), labels }, spec: { package: packageReference(pkg), ...spec } });
  }

  constructor(scope: Construct, id: string, props: { readonly metadata: ApiObjectMetadata; readonly spec: PackageSpecBase }) {
    super(scope, id, { ...Provider.GVK, ...props });
  }
}

/** `pkg.crossplane.io/v1` Function (cluster-scoped): a composition function package. */
export class CompositionFunction extends ApiObject {
  public static readonly GVK = { apiVersion: PKG_API_VERSION, kind: 'Function' } as const;

  /** The Function of a pinned package, named as Crossplane's installer names it. */
  public static forPackage(scope: Construct, id: string, pkg: CrossplanePackage, extra: PackageExtras = {}): CompositionFunction {
    if (pkg.kind !== 'Function') throw CatalystError.at(`CompositionFunction.forPackage(${pkg.repository})`, `is a ${pkg.kind} package, not a Function`);
    const { labels, ...spec } = extra;
    const metadata = { name: packageObjectName(pkg), labels };
    return new CompositionFunction(scope, id, { metadata, spec: { package: packageReference(pkg), ...spec } });
  }

  constructor(scope: Construct, id: string, props: { readonly metadata: ApiObjectMetadata; readonly spec: PackageSpecBase }) {
    super(scope, id, { ...CompositionFunction.GVK, ...props });
  }
}

export interface DeploymentRuntimeConfigSpec {
  /** Overrides of the package's ServiceAccount; a fixed name lets RBAC bind to it. */
  readonly serviceAccountTemplate?: {
    readonly metadata?: { readonly name?: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  };
  readonly deploymentTemplate?: { readonly [key: string]: unknown };
  readonly serviceTemplate?: { readonly [key: string]: unknown };
}

/** `pkg.crossplane.io/v1beta1` DeploymentRuntimeConfig (cluster-scoped). */
export class DeploymentRuntimeConfig extends ApiObject {
  public static readonly GVK = { apiVersion: PKG_BETA_API_VERSION, kind: 'DeploymentRuntimeConfig' } as const;

  constructor(scope: Construct, id: string, props: { readonly metadata: ApiObjectMetadata; readonly spec: DeploymentRuntimeConfigSpec }) {
    super(scope, id, { ...DeploymentRuntimeConfig.GVK, ...props });
  }
}
