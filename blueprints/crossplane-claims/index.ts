/**
 * bp-crossplane-claims (kit slot 14): the day-2 Hetzner claim APIs — six XRDs and their
 * Compositions (UPSTREAM §5.2–5.3, defects fixed, see xrds.ts and compositions.ts), the Provider
 * and Function packages those Compositions use, and the ProviderConfigs they name.
 *
 * Ordering, and why it holds. Flux applies the bootstrap-kit first and the infrastructure
 * Kustomization only once every kit HelmRelease is Ready; within one Kustomization a failed
 * dry-run of any object stops the whole apply. So:
 * - bp-crossplane (a dependency) installs the Crossplane CRDs *and* has Crossplane's installer
 *   create the provider and function packages (its `packages` values, checked here). Their CRDs
 *   (hcloud.crossplane.io, kubernetes.crossplane.io) come up while the rest of the kit installs.
 * - This Blueprint's XRDs, Compositions, Provider/Function objects (same names as the installer's:
 *   Flux adopts them and adds the runtime config) and ProviderConfigs all go to infrastructure/.
 *   Nothing there creates a CRD another object there needs, so one apply can succeed; if the
 *   provider CRDs are still registering, the Kustomization retries (1m) without anything
 *   blocking their arrival. A Provider object applied in the same dry-run as its ProviderConfig
 *   would deadlock instead (upstream 34c8de8).
 * - providesApis lists compose.openova.io and the providers' groups so the writer accepts the
 *   ProviderConfigs; claims of compose.openova.io created in Git must not share the XRDs' apply:
 *   the adoption claims are therefore wrapped in provider-kubernetes Objects, which create them
 *   once the XRDs are established.
 *
 * Manifest-only: no chart; the namespace crossplane-system is bp-crossplane's (no second
 * Namespace object).
 */
import { Static, Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import { KubeClusterRole, KubeClusterRoleBinding, KubeRole, KubeRoleBinding, KubeServiceAccount } from 'cdk8s-plus-28/lib/imports/k8s';
import {
  ClaimComposition,
  CompositionFunction,
  CrossplanePackage,
  DeploymentRuntimeConfig,
  FUNCTION_PATCH_AND_TRANSFORM,
  HcloudProviderConfig,
  KubernetesObject,
  KubernetesProviderConfig,
  Provider,
  PROVIDER_HCLOUD,
  PROVIDER_KUBERNETES,
} from '../../constructs/crossplane';
import { Blueprint, blueprintSpec } from '../../src/blueprint';
import { CatalystError } from '../../src/errors';
import { HCLOUD_CREDENTIALS, HCLOUD_PROVIDER_CONFIG, KUBERNETES_PROVIDER_CONFIG } from '../../src/handoff';
import { HETZNER_NAME_STEM_RULE, PHASE0_HETZNER_FACTS } from '../../src/hetzner';
import { DnsLabel, Image } from '../../src/schema';
import { strictObject } from '../../src/values';
import { Crossplane } from '../crossplane';
import { claimCompositions, CROSSPLANE_NAMESPACE, NODE_ACTION_SERVICE_ACCOUNT } from './compositions';
import { CLAIM_API_VERSION, CLAIM_DEFINITIONS, RegionClaimType, RegionClaimParameters } from './xrds';

export * from './xrds';
export * from './compositions';

/** Packages a composed apiVersion may come from. */
export const KNOWN_PACKAGES: readonly CrossplanePackage[] = [PROVIDER_HCLOUD, PROVIDER_KUBERNETES, FUNCTION_PATCH_AND_TRANSFORM];

/** Name of provider-kubernetes' ServiceAccount (fixed by its DeploymentRuntimeConfig, so RBAC can bind it). */
export const PROVIDER_KUBERNETES_SERVICE_ACCOUNT = 'provider-kubernetes';

export const CrossplaneClaimsValues = strictObject({
  /** The node-action Job (cordon/drain through kubectl). */
  nodeAction: strictObject({
    /** kubectl image, pinned; its entrypoint is kubectl. */
    image: Image,
    /** Seconds a finished Job is kept. */
    ttlSecondsAfterFinished: Type.Integer({ minimum: 0, maximum: 604800 }),
    /** Retries of a failed Job. */
    backoffLimit: Type.Integer({ minimum: 0, maximum: 10 }),
  }),
  /**
   * Take over the Phase-0 region (network, firewall, first control plane, load balancer) with a
   * RegionClaim that adopts each resource by its Hetzner id. Needs Phase 0 to publish the
   * `catalyst-phase0-hetzner` ConfigMap and the infrastructure Kustomization to substitute from it;
   * off until both exist, because unsubstituted ids would be rejected (never create duplicates).
   */
  adoption: strictObject({
    enabled: Type.Boolean(),
    /** Namespace of the adoption claim. */
    namespace: DnsLabel,
  }),
});
export type CrossplaneClaimsValues = Static<typeof CrossplaneClaimsValues>;

const COMPONENT_LABELS = { 'app.kubernetes.io/managed-by': 'catalyst-cdk', 'catalyst.openova.io/component': 'crossplane' };

export class CrossplaneClaims extends Blueprint<typeof CrossplaneClaimsValues> {
  public static readonly spec = blueprintSpec({
    name: 'crossplane-claims',
    version: '1.0.0',
    slot: 14,
    section: 'pts-3-2-gitops-and-iac',
    category: 'per-host-cluster-infrastructure',
    card: {
      title: 'Crossplane claims (Hetzner)',
      summary: 'Day-2 Hetzner infrastructure as claims: regions, clusters, node pools, load balancers, peerings and node actions.',
      icon: 'crossplane.svg',
      documentation: 'https://docs.crossplane.io/v1.18/concepts/composite-resource-definitions/',
      license: 'Apache-2.0',
    },
    upstream: [],
    namespace: CROSSPLANE_NAMESPACE,
    depends: [Crossplane],
    install: { timeout: '15m', disableWait: false },
    values: CrossplaneClaimsValues,
    defaults: {
      nodeAction: { image: { repository: 'registry.k8s.io/kubectl', tag: 'v1.31.4' }, ttlSecondsAfterFinished: 3600, backoffLimit: 2 },
      adoption: { enabled: false, namespace: CROSSPLANE_NAMESPACE },
    },
    providesApis: [CLAIM_API_VERSION, ...PROVIDER_HCLOUD.providesApis, ...PROVIDER_KUBERNETES.providesApis],
  });

  /** The Compositions of the last synth (built with the overlays). */
  private built: ClaimComposition[] = [];

  /** The ProviderConfig every hcloud resource uses. */
  public get hcloudProviderConfig(): string {
    return HCLOUD_PROVIDER_CONFIG;
  }

  /** The Compositions, with their checked patches (builds the overlays if needed). */
  public get compositions(): readonly ClaimComposition[] {
    void this.overlayScope;
    return this.built;
  }

  public outputs(): { readonly [name: string]: string } {
    return { claimApiVersion: CLAIM_API_VERSION, providerConfig: HCLOUD_PROVIDER_CONFIG, claimKinds: CLAIM_DEFINITIONS.map((d) => d.claimKind).join(',') };
  }

  protected overlays(scope: Chart): void {
    const crossplane = this.dependency(Crossplane);
    const v = this.values;
    for (const def of CLAIM_DEFINITIONS) def.xrd(scope, `xrd-${def.claimKind}`);
    this.built = claimCompositions(scope, {
      kubectlImage: `${v.nodeAction.image.repository}:${v.nodeAction.image.tag}${v.nodeAction.image.digest ? `@${v.nodeAction.image.digest}` : ''}`,
      nodeActionTtlSeconds: v.nodeAction.ttlSecondsAfterFinished,
      nodeActionBackoffLimit: v.nodeAction.backoffLimit,
    });

    const packages = this.requiredPackages(crossplane);
    const usesObjects = packages.includes(PROVIDER_KUBERNETES);
    for (const pkg of packages) {
      if (pkg.kind === 'Function') {
        CompositionFunction.forPackage(scope, `function-${pkg.repository}`, pkg, { labels: COMPONENT_LABELS });
      } else if (pkg === PROVIDER_KUBERNETES) {
        // A fixed ServiceAccount name, so the Role below can grant what the Objects create.
        new DeploymentRuntimeConfig(scope, 'runtime-provider-kubernetes', {
          metadata: { name: PROVIDER_KUBERNETES_SERVICE_ACCOUNT, labels: COMPONENT_LABELS },
          spec: { serviceAccountTemplate: { metadata: { name: PROVIDER_KUBERNETES_SERVICE_ACCOUNT } } },
        });
        Provider.forPackage(scope, `provider-${pkg.repository}`, pkg, { labels: COMPONENT_LABELS, runtimeConfigRef: { name: PROVIDER_KUBERNETES_SERVICE_ACCOUNT } });
      } else {
        Provider.forPackage(scope, `provider-${pkg.repository}`, pkg, { labels: COMPONENT_LABELS });
      }
    }

    // The hcloud API token is written by Phase 0's cloud-init, never part of the repository.
    new HcloudProviderConfig(scope, 'provider-config-hcloud', {
      metadata: { name: HCLOUD_PROVIDER_CONFIG, labels: COMPONENT_LABELS },
      spec: { credentials: { source: 'Secret', secretRef: { namespace: HCLOUD_CREDENTIALS.namespace, name: HCLOUD_CREDENTIALS.name, key: HCLOUD_CREDENTIALS.key } } },
    });
    if (usesObjects) {
      new KubernetesProviderConfig(scope, 'provider-config-kubernetes', {
        metadata: { name: KUBERNETES_PROVIDER_CONFIG, labels: COMPONENT_LABELS },
        spec: { credentials: { source: 'InjectedIdentity' } },
      });
      this.providerKubernetesRbac(scope);
    }
    this.nodeActionRbac(scope);
    if (v.adoption.enabled) this.adoptionClaim(scope, usesObjects);
  }

  /**
   * Packages the Compositions need: each composed apiVersion's provider and each pipeline's
   * function. Each must be seeded by bp-crossplane, or its CRDs would not exist when the
   * infrastructure Kustomization applies the ProviderConfigs.
   */
  private requiredPackages(crossplane: Crossplane): CrossplanePackage[] {
    const needed = new Set<CrossplanePackage>([PROVIDER_HCLOUD]);
    const issues: { path: string; message: string }[] = [];
    if (this.values.adoption.enabled) needed.add(PROVIDER_KUBERNETES);
    for (const c of this.built) {
      for (const fn of c.functions) needed.add(fn);
      for (const api of c.composedApiVersions) {
        const pkg = KNOWN_PACKAGES.find((p) => p.providesApis.includes(api));
        if (pkg) needed.add(pkg);
        else issues.push({ path: `${this.path}.compositions.${c.name}`, message: `composes ${api}, which no known provider package serves` });
      }
    }
    for (const pkg of needed) {
      if (!crossplane.seeds(pkg)) {
        issues.push({
          path: crossplane.packagesPath(pkg.kind),
          message: `bp-crossplane-claims needs ${pkg.registry}/${pkg.repository}:${pkg.version} installed by Crossplane at start (so its CRDs exist before the infrastructure apply); add it`,
        });
      }
    }
    if (issues.length) throw new CatalystError(issues);
    return KNOWN_PACKAGES.filter((p) => needed.has(p));
  }

  /** What provider-kubernetes' Objects create in crossplane-system: the cluster records, node-action Jobs and adoption claims. */
  private providerKubernetesRbac(scope: Chart): void {
    const name = 'catalyst-provider-kubernetes';
    new KubeRole(scope, 'provider-kubernetes-role', {
      metadata: { name, labels: COMPONENT_LABELS },
      rules: [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
        { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
        { apiGroups: [RegionClaimType.props.group], resources: [RegionClaimType.props.claimPlural], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'] },
      ],
    });
    new KubeRoleBinding(scope, 'provider-kubernetes-binding', {
      metadata: { name, labels: COMPONENT_LABELS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name: PROVIDER_KUBERNETES_SERVICE_ACCOUNT, namespace: CROSSPLANE_NAMESPACE }],
    });
  }

  /** The node-action Job's identity: cordon and drain (evict) on any node. */
  private nodeActionRbac(scope: Chart): void {
    new KubeServiceAccount(scope, 'node-action-sa', { metadata: { name: NODE_ACTION_SERVICE_ACCOUNT, labels: COMPONENT_LABELS } });
    new KubeClusterRole(scope, 'node-action-role', {
      metadata: { name: NODE_ACTION_SERVICE_ACCOUNT, labels: COMPONENT_LABELS },
      rules: [
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'patch', 'update'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
        { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
        { apiGroups: ['apps'], resources: ['daemonsets', 'statefulsets', 'replicasets'], verbs: ['get', 'list'] },
      ],
    });
    new KubeClusterRoleBinding(scope, 'node-action-binding', {
      metadata: { name: NODE_ACTION_SERVICE_ACCOUNT, labels: COMPONENT_LABELS },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: NODE_ACTION_SERVICE_ACCOUNT },
      subjects: [{ kind: 'ServiceAccount', name: NODE_ACTION_SERVICE_ACCOUNT, namespace: CROSSPLANE_NAMESPACE }],
    });
  }

  /**
   * The RegionClaim that takes over Phase 0's region. Its facts are Flux variables filled from the
   * ConfigMap Phase 0 publishes; it is wrapped in a provider-kubernetes Object (created once the
   * XRD is established, never deleted with the Object: no Delete management policy).
   */
  private adoptionClaim(scope: Chart, usesObjects: boolean): void {
    if (!usesObjects) throw CatalystError.at(`${this.path}.values.adoption.enabled`, 'adoption wraps the claim in a provider-kubernetes Object, which this Sovereign does not install');
    const f = PHASE0_HETZNER_FACTS.variables;
    const token = (name: string) => '${' + name + '}';
    const parameters: RegionClaimParameters = {
      region: token(f.location) as RegionClaimParameters['region'],
      provider: 'hetzner',
      skuCP: token(f.controlPlaneType),
      skuWorker: token(f.workerType),
      sovereignFQDN: this.context.fqdn,
      ipRange: token(f.networkIpRange),
      subnetIpRange: token(f.subnetIpRange),
      controlPlaneIp: token(f.controlPlaneIp),
      adopt: {
        networkId: token(f.networkId),
        firewallId: token(f.firewallId),
        controlPlaneServerId: token(f.controlPlaneServerId),
        loadBalancerId: token(f.loadBalancerId),
      },
    };
    // Checked with representative values for the variables (Flux fills the real ones).
    const sample: RegionClaimParameters = {
      ...parameters,
      region: 'fsn1',
      skuCP: 'cx42',
      skuWorker: 'cx32',
      sovereignFQDN: 'omantel.omani.works',
      ipRange: '10.0.0.0/16',
      subnetIpRange: '10.0.1.0/24',
      controlPlaneIp: '10.0.1.2',
      adopt: { networkId: '1', firewallId: '2', controlPlaneServerId: '3', loadBalancerId: '4' },
    };
    const issues = RegionClaimType.validateParameters(sample, `${this.path}.values.adoption`);
    if (issues.length) throw new CatalystError(issues);
    const name = `${HETZNER_NAME_STEM_RULE.prefix}phase0-region`;
    const checked = RegionClaimType.claimManifest({ name, namespace: this.values.adoption.namespace, parameters: sample });
    const manifest = { ...checked, spec: { parameters } };
    KubernetesObject.createObject(scope, 'adopt-region', {
      name: `adopt-${name}`,
      providerConfigName: KUBERNETES_PROVIDER_CONFIG,
      managementPolicies: ['Observe', 'Create', 'Update', 'LateInitialize'],
      labels: COMPONENT_LABELS,
      manifest: manifest as never,
    });
  }
}
