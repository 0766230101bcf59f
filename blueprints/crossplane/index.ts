/**
 * bp-crossplane (kit slot 04): Crossplane core, the engine of day-2 infrastructure. Installs the
 * upstream Crossplane chart and nothing else; the XRDs, Compositions and ProviderConfigs that use
 * its CRDs come from bp-crossplane-claims, which Flux applies only after this release is Ready
 * (XRDs shipped in the same release as the CRDs failed with "no matches for kind", upstream #247).
 *
 * One deliberate addition to the upstream values: the provider and function packages the
 * Sovereign's Compositions need are given to Crossplane's own installer (the chart's
 * `provider.packages` / `function.packages`, run by the `crossplane core init` container). Their
 * CRDs (e.g. hcloud.crossplane.io ProviderConfig) then exist before the infrastructure
 * Kustomization applies the ProviderConfigs, instead of being created by a Provider object applied
 * in the same dry-run (upstream 34c8de8: ProviderConfig applied together with what installs its
 * CRD). bp-crossplane-claims declares the same packages as typed Provider/Function objects with the
 * names the installer uses, so Flux adopts them and keeps their settings in Git.
 */
import { Static, Type } from '@sinclair/typebox';
import {
  APIEXTENSIONS_API_VERSION,
  CrossplanePackage,
  FUNCTION_PATCH_AND_TRANSFORM,
  packageReference,
  PKG_API_VERSION,
  PKG_BETA_API_VERSION,
  PROVIDER_HCLOUD,
  PROVIDER_KUBERNETES,
} from '../../constructs/crossplane';
import { Blueprint, blueprintSpec, helmChart, UpstreamChart } from '../../src/blueprint';
import { Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { Flux } from '../flux';

/** The one Crossplane chart pin. */
export const CROSSPLANE_CHART = helmChart('crossplane', '1.18.0', 'https://charts.crossplane.io/stable');

/** `registry/repository:vX.Y.Z`: a package pinned to an exact version. */
const PackageRef = Type.String({
  pattern: '^[a-z0-9.-]+\\.[a-z]{2,}(/[a-z0-9._-]+)+:v[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?$',
  description: 'package reference pinned to an exact version, e.g. xpkg.upbound.io/crossplane-contrib/provider-hcloud:v0.4.0',
});

export const CrossplaneValues = strictObject({
  /** Requests and limits of the Crossplane core pod (and its init container). */
  resources: Resources,
  /** Observability toggle: the chart's metrics port and scrape annotations. Off by default. */
  metrics: strictObject({ enabled: Type.Boolean() }),
  /**
   * Packages Crossplane's installer creates when it starts, so their CRDs exist before the
   * infrastructure Kustomization runs. Defaults: what bp-crossplane-claims' Compositions use.
   */
  packages: strictObject({
    providers: Type.Array(PackageRef),
    functions: Type.Array(PackageRef),
  }),
});
export type CrossplaneValues = Static<typeof CrossplaneValues>;

/** Packages seeded by default: the Providers and Functions bp-crossplane-claims' Compositions use. */
export const DEFAULT_CROSSPLANE_PACKAGES: readonly CrossplanePackage[] = [PROVIDER_HCLOUD, PROVIDER_KUBERNETES, FUNCTION_PATCH_AND_TRANSFORM];

export class Crossplane extends Blueprint<typeof CrossplaneValues> {
  public static readonly spec = blueprintSpec({
    name: 'crossplane',
    version: '1.1.3',
    slot: 4,
    section: 'pts-3-2-gitops-and-iac',
    category: 'per-host-cluster-infrastructure',
    card: {
      title: 'Crossplane',
      summary: 'Kubernetes-native control plane for day-2 cloud infrastructure: XRDs, Compositions and provider packages.',
      icon: 'crossplane.svg',
      documentation: 'https://docs.crossplane.io/v1.18/',
      license: 'Apache-2.0',
    },
    upstream: [CROSSPLANE_CHART],
    namespace: 'crossplane-system',
    releaseName: 'crossplane',
    depends: [Flux],
    // Wait for Crossplane to be Ready: bp-crossplane-claims applies XRDs right after (upstream kit 04).
    install: { timeout: '15m', disableWait: false },
    values: CrossplaneValues,
    defaults: {
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
      metrics: { enabled: false },
      packages: {
        providers: DEFAULT_CROSSPLANE_PACKAGES.filter((p) => p.kind === 'Provider').map(packageReference),
        functions: DEFAULT_CROSSPLANE_PACKAGES.filter((p) => p.kind === 'Function').map(packageReference),
      },
    },
    providesApis: [APIEXTENSIONS_API_VERSION, PKG_API_VERSION, PKG_BETA_API_VERSION],
    network: {
      // The API server calls Crossplane's (and the providers') validation and conversion webhooks.
      ingressFromCluster: [{ port: 9443 }],
      // Package pulls from xpkg.upbound.io; provider-hcloud calls the Hetzner Cloud API.
      egressToWorld: [{ port: 443 }],
    },
    podSecurity: {
      level: 'baseline',
      reason: 'Crossplane creates the provider and function Deployments itself, without a seccomp profile or a capability drop, which restricted rejects',
    },
  });

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    return {
      resourcesCrossplane: v.resources,
      metrics: { enabled: v.metrics.enabled },
      ...(v.packages.providers.length ? { provider: { packages: [...v.packages.providers] } } : {}),
      ...(v.packages.functions.length ? { function: { packages: [...v.packages.functions] } } : {}),
    };
  }

  /** True if Crossplane's installer creates `pkg` (at exactly its pinned version) when it starts. */
  public seeds(pkg: CrossplanePackage): boolean {
    const list = pkg.kind === 'Provider' ? this.values.packages.providers : this.values.packages.functions;
    return list.includes(packageReference(pkg));
  }

  /** Field path of the values list that seeds packages of `kind`, for error messages. */
  public packagesPath(kind: CrossplanePackage['kind']): string {
    return `${this.path}.values.packages.${kind === 'Provider' ? 'providers' : 'functions'}`;
  }

  public outputs(): { readonly [name: string]: string } {
    return { chartVersion: CROSSPLANE_CHART.version, namespace: this.namespace };
  }
}
