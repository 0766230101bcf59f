/**
 * Organizations → Environments → Applications as code (UPSTREAM §1.1).
 *
 * On the host cluster, per Organization: namespace `{org}` with Pod Security `restricted`,
 * ResourceQuota, LimitRange, default-deny NetworkPolicies with explicit allows, RoleBindings of
 * the org roles to Keycloak groups, and a vcluster (HelmRelease) whose kubeconfig Secret
 * `vc-{org}` the Environments use.
 *
 * Per Environment `{org}-{env}`: a GitRepository on the Sovereign repo at the branch of its
 * type (develop→dev, staging→stg, main→prod) and two Kustomizations: `releases` on the host
 * (HelmReleases that install into the vcluster through `kubeConfig.secretRef`) and `workloads`,
 * which applies plain manifests inside the vcluster (`kubeConfig.secretRef` on the Kustomization).
 *
 * Per Application: a HelmRelease (chart Blueprints) or manifests (manifest-only Blueprints), in
 * namespace `{app}-{env}` of the vcluster, with `dependsOn` on the Applications it needs.
 */
import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { Blueprint, BlueprintClass, BlueprintOptions, PlacementMode, SovereignContext, ValuesOf } from './blueprint';
import { describeValue, Issue } from './errors';
import { ENV_BRANCH, EnvType, ENV_TYPES, environmentName, orgSlugProblem } from './naming';
import { environmentFlowGraph, networkPolicy, NetworkPolicySpec, secureNamespace } from './network';
import { canonical, CanonicalObject, EmittedObject, fromApiObject, KubeObject } from './objects';
import { FluxKustomization, GitRepository, HelmRelease, HelmRepository } from '../constructs/flux';
import { BUILT_IN_API_VERSIONS, CLUSTER_SCOPED_KINDS } from '../constructs/k8s-apis';

/** vcluster chart pin (loft.sh); the upstream tenant example used `0.33.*`: pinned here. */
export const VCLUSTER_CHART = { chart: 'vcluster', version: '0.33.0', repository: 'https://charts.loft.sh' } as const;
export const VCLUSTER_IMAGE = { registry: 'ghcr.io', repository: 'loft-sh/vcluster-oss', tag: '0.33.0' } as const;

/** Compute and object budget of one Organization's namespace on the host. */
export interface TenantQuota {
  /** Total CPU requests. @default '8' */
  readonly cpu?: string;
  /** Total memory requests. @default '16Gi' */
  readonly memory?: string;
  /** Total PVC storage. @default '100Gi' */
  readonly storage?: string;
  /** Maximum pods. @default 100 */
  readonly pods?: number;
}

export const DEFAULT_QUOTA: Required<TenantQuota> = { cpu: '8', memory: '16Gi', storage: '100Gi', pods: 100 };

export interface ApplicationPlacement {
  readonly mode: PlacementMode;
  readonly regions?: readonly string[];
}

/** An installed Blueprint in an Environment. */
export interface ApplicationProps<C extends BlueprintClass = BlueprintClass> extends BlueprintOptions<ValuesOf<C>> {
  /** Application name (DNS label), unique in its Environment. */
  readonly name: string;
  readonly blueprint: C;
  /** @default the Blueprint's default placement mode, one region */
  readonly placement?: ApplicationPlacement;
}

/** Typed helper: `app('chat', LibreChat, { values: {...} })`. */
export function app<C extends BlueprintClass>(name: string, blueprint: C, options: BlueprintOptions<ValuesOf<C>> & { readonly placement?: ApplicationPlacement } = {}): ApplicationProps<C> {
  return { name, blueprint, ...options };
}

export interface EnvironmentProps {
  readonly type: EnvType;
  readonly applications?: readonly ApplicationProps[];
}

export interface OrganizationProps {
  /** Slug `^[a-z][a-z0-9-]{2,31}$`, not reserved. Also the namespace and vcluster name. */
  readonly name: string;
  readonly displayName?: string;
  readonly quota?: TenantQuota;
  readonly environments?: readonly EnvironmentProps[];
}

/** One Application after checking. */
export interface ApplicationModel {
  readonly name: string;
  readonly path: string;
  readonly blueprint: Blueprint;
  readonly placement: ApplicationPlacement;
  /** Applications of the same Environment it depends on. */
  readonly dependsOn: readonly string[];
}

export interface EnvironmentModel {
  readonly org: string;
  readonly type: EnvType;
  readonly name: string;
  readonly path: string;
  readonly applications: readonly ApplicationModel[];
}

export interface OrganizationModel {
  readonly name: string;
  readonly path: string;
  readonly displayName: string;
  readonly quota: Required<TenantQuota>;
  readonly environments: readonly EnvironmentModel[];
}

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/;

/**
 * `<plural>.<group>` of a kind, as vcluster's `sync.toHost.customResources` keys it. The plural
 * follows the Kubernetes default rules (lowercase; y→ies; s, x, ch, sh → es).
 */
export function resourceName(apiVersion: string, kind: string): string {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const k = kind.toLowerCase();
  const plural = /[^aeiou]y$/.test(k) ? `${k.slice(0, -1)}ies` : /(s|x|ch|sh)$/.test(k) ? `${k}es` : `${k}s`;
  return group ? `${plural}.${group}` : plural;
}

/** Namespace of an Application inside its Organization's vcluster. */
export function applicationNamespace(appName: string, env: EnvType): string {
  return `${appName}-${env}`;
}

/**
 * Checks the organizations and instantiates every Application's Blueprint under `scope`.
 * Returns the model and the issues found (all of them, each with its field path).
 */
export function buildTenantModel(
  scope: Construct,
  organizations: readonly OrganizationProps[],
  platform: SovereignContext,
): { readonly orgs: readonly OrganizationModel[]; readonly issues: readonly Issue[] } {
  const issues: Issue[] = [];
  const orgs: OrganizationModel[] = [];
  const seenOrgs = new Map<string, string>();
  organizations.forEach((o, i) => {
    const path = `sovereign.organizations[${i}]`;
    if (!o || typeof o !== 'object') {
      issues.push({ path, message: `must be an object with at least a name (got ${describeValue(o)})` });
      return;
    }
    const problem = orgSlugProblem(o.name);
    if (problem) issues.push({ path: `${path}.name`, message: problem });
    const prior = seenOrgs.get(o.name);
    if (prior) issues.push({ path: `${path}.name`, message: `duplicate Organization ${JSON.stringify(o.name)}: also declared at ${prior}` });
    seenOrgs.set(o.name, path);
    if (o.environments !== undefined && !Array.isArray(o.environments)) {
      issues.push({ path: `${path}.environments`, message: `must be a list of environments such as [{ type: 'dev' }] (got ${describeValue(o.environments)})` });
    }
    const quota = { ...DEFAULT_QUOTA, ...o.quota };
    for (const key of ['cpu', 'memory', 'storage'] as const) {
      if (typeof quota[key] !== 'string' || !QUANTITY.test(quota[key])) issues.push({ path: `${path}.quota.${key}`, message: `must be a Kubernetes quantity such as 8, 500m or 16Gi (got ${describeValue(quota[key])})` });
    }
    if (!Number.isInteger(quota.pods) || quota.pods < 1) issues.push({ path: `${path}.quota.pods`, message: `must be an integer >= 1 (got ${describeValue(quota.pods)})` });

    const envs: EnvironmentModel[] = [];
    const seenEnvs = new Set<string>();
    (Array.isArray(o.environments) ? o.environments : []).forEach((e, j) => {
      const epath = `${path}.environments[${j}]`;
      if (!e || !(e.type in ENV_TYPES)) {
        issues.push({ path: `${epath}.type`, message: `must be one of ${Object.keys(ENV_TYPES).join(', ')} (got ${describeValue(e?.type)})` });
        return;
      }
      if (seenEnvs.has(e.type)) {
        issues.push({ path: `${epath}.type`, message: `duplicate Environment ${environmentName(o.name, e.type)} in Organization ${o.name}` });
        return;
      }
      seenEnvs.add(e.type);
      envs.push(buildEnvironment(scope, o.name, e, epath, platform, issues));
    });
    orgs.push({ name: o.name, path, displayName: o.displayName ?? o.name, quota, environments: envs });
  });
  return { orgs, issues };
}

function buildEnvironment(scope: Construct, org: string, e: EnvironmentProps, path: string, platform: SovereignContext, issues: Issue[]): EnvironmentModel {
  const instances = new Map<string, Blueprint>();
  const byName = new Map<string, { blueprint: Blueprint; path: string }>();
  const context: SovereignContext = {
    fqdn: platform.fqdn,
    org: platform.org,
    // Inside an Environment, a dependency resolves to an Application of the same Environment first.
    find: <B extends Blueprint>(cls: BlueprintClass<B>) => (instances.get(cls.spec.name) as B | undefined) ?? platform.find(cls),
    findByName: (name: string) => instances.get(name) ?? platform.findByName(name),
  };
  const created: { props: ApplicationProps; path: string; blueprint: Blueprint }[] = [];
  if (e.applications !== undefined && !Array.isArray(e.applications)) {
    issues.push({ path: `${path}.applications`, message: `must be a list of app(name, Blueprint, {...}) entries (got ${describeValue(e.applications)})` });
  }
  (Array.isArray(e.applications) ? e.applications : []).forEach((a, k) => {
    const apath = `${path}.applications[${k}]`;
    if (!a || typeof a.name !== 'string' || !DNS_LABEL.test(a.name) || a.name.length > 40) {
      issues.push({ path: `${apath}.name`, message: `must be a DNS label of at most 40 characters (got ${describeValue(a?.name)})` });
      return;
    }
    if (typeof a.blueprint !== 'function' || typeof (a.blueprint as { spec?: unknown }).spec !== 'object') {
      issues.push({ path: `${apath}.blueprint`, message: `must be a Blueprint class from the catalog (got ${describeValue(a.blueprint)})` });
      return;
    }
    if (byName.has(a.name)) {
      issues.push({ path: `${apath}.name`, message: `duplicate Application ${JSON.stringify(a.name)} in Environment ${environmentName(org, e.type)}: also at ${byName.get(a.name)!.path}` });
      return;
    }
    const holder = new Construct(scope, `${org}-${e.type}-${a.name}`);
    const bp = new a.blueprint(holder, {
      values: a.values,
      helmValues: a.helmValues,
      install: a.install,
      path: apath,
      context,
      namespace: applicationNamespace(a.name, e.type),
      releaseName: a.name,
    });
    issues.push(...bp.issues);
    byName.set(a.name, { blueprint: bp, path: apath });
    if (!instances.has(bp.name)) instances.set(bp.name, bp);
    created.push({ props: a, path: apath, blueprint: bp });
  });

  const apps: ApplicationModel[] = [];
  for (const { props, path: apath, blueprint } of created) {
    const spec = blueprint.spec;
    const placementSchema = spec.placement ?? { modes: ['single-region'] as const, default: 'single-region' as const };
    const placement: ApplicationPlacement = props.placement ?? { mode: placementSchema.default };
    if (!placementSchema.modes.includes(placement.mode)) {
      issues.push({ path: `${apath}.placement.mode`, message: `bp-${spec.name} does not support placement ${describeValue(placement.mode)}; allowed: ${placementSchema.modes.join(', ')}` });
    }
    const regions = placement.regions?.length ?? 1;
    if (spec.placement?.minRegions !== undefined && regions < spec.placement.minRegions) {
      issues.push({ path: `${apath}.placement.regions`, message: `bp-${spec.name} needs at least ${spec.placement.minRegions} regions (got ${regions})` });
    }
    if (spec.placement?.maxRegions !== undefined && regions > spec.placement.maxRegions) {
      issues.push({ path: `${apath}.placement.regions`, message: `bp-${spec.name} allows at most ${spec.placement.maxRegions} regions (got ${regions})` });
    }
    const dependsOn: string[] = [];
    for (const d of blueprint.dependencies()) {
      const depName = d.blueprint.spec.name;
      const sibling = created.find((c) => c.blueprint.name === depName);
      if (sibling) {
        if (!dependsOn.includes(sibling.props.name)) dependsOn.push(sibling.props.name);
      } else if (!platform.findByName(depName)) {
        issues.push({
          path: `${apath}.blueprint`,
          message: `bp-${spec.name} needs bp-${depName}${d.alias ? ` (as ${d.alias})` : ''}: add an Application of it to Environment ${environmentName(org, e.type)} or install it in the Sovereign`,
        });
      }
    }
    apps.push({ name: props.name, path: apath, blueprint, placement, dependsOn });
  }
  return { org, type: e.type, name: environmentName(org, e.type), path, applications: apps };
}

/** Files of one Organization's tenant tree, relative to the cluster folder, with their objects. */
export interface TenantFiles {
  /** `tenants/<org>/org.yaml`, `tenants/<org>/<env>.yaml`, listed in tenants/ kustomizations. */
  readonly host: ReadonlyMap<string, readonly EmittedObject[]>;
  /** `tenants/<org>/<env>/releases/*.yaml`: host-side HelmReleases, reconciled by the Environment. */
  readonly releases: ReadonlyMap<string, readonly EmittedObject[]>;
  /** `tenants/<org>/<env>/workloads/*.yaml`: applied inside the vcluster. */
  readonly workloads: ReadonlyMap<string, readonly EmittedObject[]>;
}

export interface TenantSynthOptions {
  readonly gitUrl: string;
  readonly clusterPath: string;
  /** True if a Blueprint the Sovereign installs provides this apiVersion's CRDs on the host. */
  readonly platformProvides: (apiVersion: string) => boolean;
  /** One Blueprint's chart sources + HelmReleases (shared with the kit writer). */
  readonly releaseObjects: (bp: Blueprint, opts: {
    namespace: string;
    dependsOn: { name: string; namespace?: string }[];
    namePrefix: string;
    kubeConfig: { secretRef: { name: string; key: string } };
    labels: Record<string, string>;
  }) => CanonicalObject[];
}

const overlaysOf = (bp: Blueprint): ApiObject[] => bp.overlayScope.node.findAll().filter(ApiObject.isApiObject);

/**
 * The host-side and vcluster-side objects of every Organization, handed to `emit` one
 * Organization at a time (so a caller can serialise and drop them: at 1,000 Organizations,
 * holding every object at once made garbage collection a fifth of the synthesis). Returns
 * the issues found; objects of an Organization with issues may have been emitted already.
 */
export function tenantObjects(orgs: readonly OrganizationModel[], options: TenantSynthOptions, emit: (files: TenantFiles) => void): Issue[] {
  const issues: Issue[] = [];
  const platformProvides = options.platformProvides;

  for (const org of orgs) {
    const host = new Map<string, EmittedObject[]>();
    const releases = new Map<string, EmittedObject[]>();
    const workloads = new Map<string, EmittedObject[]>();
    const ns = org.name;
    const orgOwner = `organizations.${org.name}`;
    // CRD kinds an Application uses (a CNPG Cluster for its database, …) are reconciled by the
    // host's operator: the vcluster syncs those resources to the host and their CRDs into itself.
    const synced = new Set<string>();
    for (const env of org.environments) {
      for (const a of env.applications) {
        for (const obj of overlaysOf(a.blueprint)) {
          if (!BUILT_IN_API_VERSIONS.has(obj.apiVersion) && platformProvides(obj.apiVersion)) synced.add(resourceName(obj.apiVersion, obj.kind));
        }
      }
    }
    const lbl = { 'app.kubernetes.io/managed-by': 'catalyst-cdk', 'catalyst.openova.io/organization': org.name };
    const kubeConfig = { secretRef: { name: `vc-${org.name}`, key: 'config' } };
    const k8sObject = (o: object) => canonical(o as KubeObject);
    const orgObjects: CanonicalObject[] = [
      k8sObject(k8s.KubeNamespace.manifest({
        metadata: {
          name: ns,
          labels: {
            ...lbl,
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': 'latest',
            'pod-security.kubernetes.io/audit': 'restricted',
            'pod-security.kubernetes.io/warn': 'restricted',
          },
          annotations: { 'catalyst.openova.io/display-name': org.displayName },
        },
      })),
      k8sObject(k8s.KubeResourceQuota.manifest({
        metadata: { name: 'org-quota', namespace: ns, labels: lbl },
        spec: {
          hard: {
            'requests.cpu': k8s.Quantity.fromString(org.quota.cpu),
            'requests.memory': k8s.Quantity.fromString(org.quota.memory),
            'limits.memory': k8s.Quantity.fromString(org.quota.memory),
            'requests.storage': k8s.Quantity.fromString(org.quota.storage),
            'pods': k8s.Quantity.fromNumber(org.quota.pods),
          },
        },
      })),
      k8sObject(k8s.KubeLimitRange.manifest({
        metadata: { name: 'org-defaults', namespace: ns, labels: lbl },
        spec: {
          limits: [{
            type: 'Container',
            defaultRequest: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('128Mi') },
            default: { cpu: k8s.Quantity.fromString('1'), memory: k8s.Quantity.fromString('512Mi') },
          }],
        },
      })),
    ];
    // Default deny, then the few flows a vcluster needs: DNS, its own namespace, the host API server.
    const policy = (name: string, spec: NetworkPolicySpec) => orgObjects.push(networkPolicy({ name, namespace: ns, labels: lbl }, spec));
    policy('deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    policy('allow-same-namespace', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] });
    policy('allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      }],
    });
    policy('allow-apiserver', {
      podSelector: { matchLabels: { app: 'vcluster' } },
      policyTypes: ['Egress'],
      egress: [{ ports: [{ protocol: 'TCP', port: 6443 }, { protocol: 'TCP', port: 443 }] }],
    });
    policy('allow-flux', {
      podSelector: { matchLabels: { app: 'vcluster' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'flux-system' } } }], ports: [{ protocol: 'TCP', port: 8443 }] }],
    });
    // Org roles of §1 bound to Keycloak groups; the built-in aggregated ClusterRoles carry the rules.
    for (const [role, clusterRole] of [['org-admin', 'admin'], ['org-developer', 'edit'], ['org-viewer', 'view']] as const) {
      orgObjects.push(k8sObject(k8s.KubeRoleBinding.manifest({
        metadata: { name: role, namespace: ns, labels: lbl },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: `oidc:/${org.name}/${role}` }],
      })));
    }
    orgObjects.push(HelmRepository.manifest({
      metadata: { name: 'loft', namespace: ns, labels: lbl },
      spec: { url: VCLUSTER_CHART.repository, interval: '1h' },
    }));
    orgObjects.push(HelmRelease.manifest({
      metadata: { name: 'vcluster', namespace: ns, labels: lbl },
      spec: {
        interval: '15m',
        releaseName: 'vcluster',
        targetNamespace: ns,
        storageNamespace: ns,
        chart: { spec: { chart: VCLUSTER_CHART.chart, version: VCLUSTER_CHART.version, sourceRef: { kind: 'HelmRepository', name: 'loft', namespace: ns } } },
        install: { remediation: { retries: 3 } },
        upgrade: { remediation: { retries: 3 } },
        values: {
          controlPlane: {
            distro: { k8s: { enabled: true } },
            backingStore: { database: { embedded: { enabled: true } } },
            statefulSet: {
              image: { ...VCLUSTER_IMAGE },
              persistence: { volumeClaim: { size: '5Gi' } },
              resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '1Gi' } },
              security: { podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containerSecurityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: 12345, capabilities: { drop: ['ALL'] } } },
            },
          },
          sync: {
            toHost: {
              services: { enabled: true },
              ...(synced.size ? { customResources: Object.fromEntries([...synced].sort().map((r) => [r, { enabled: true }])) } : {}),
            },
            fromHost: { ingressClasses: { enabled: true } },
          },
          exportKubeConfig: { server: `https://vcluster.${ns}:443`, secret: { name: kubeConfig.secretRef.name } },
        },
      },
    }));
    const orgFile = `tenants/${org.name}/org.yaml`;
    host.set(orgFile, orgObjects.map((json) => ({ json, owner: orgOwner, file: orgFile })));

    for (const env of org.environments) {
      const envOwner = `organizations.${org.name}.${env.type}`;
      const envLabels = { ...lbl, 'catalyst.openova.io/environment': env.name };
      const base = `./${options.clusterPath}/tenants/${org.name}/${env.type}`;
      const sourceRef = { kind: 'GitRepository' as const, name: env.name, namespace: ns };
      const envFile = `tenants/${org.name}/${env.type}.yaml`;
      host.set(envFile, [
        GitRepository.manifest({
          metadata: { name: env.name, namespace: ns, labels: envLabels },
          spec: { url: options.gitUrl, interval: '1m', ref: { branch: ENV_BRANCH[env.type] } },
        }),
        FluxKustomization.manifest({
          metadata: { name: `${env.name}-workloads`, namespace: ns, labels: envLabels },
          spec: { interval: '10m', path: `${base}/workloads`, prune: true, wait: true, timeout: '10m', sourceRef, kubeConfig },
        }),
        FluxKustomization.manifest({
          metadata: { name: `${env.name}-releases`, namespace: ns, labels: envLabels },
          spec: { interval: '10m', path: `${base}/releases`, prune: true, wait: false, timeout: '10m', sourceRef, dependsOn: [{ name: `${env.name}-workloads` }] },
        }),
      ].map((json) => ({ json, owner: orgOwner, file: envFile })));

      const releasesFile = `tenants/${org.name}/${env.type}/releases/releases.yaml`;
      const workloadsFile = `tenants/${org.name}/${env.type}/workloads/workloads.yaml`;
      const wl: EmittedObject[] = [];
      const rl: EmittedObject[] = [];
      const flows = environmentFlowGraph(env.applications);
      for (const a of env.applications) {
        const bp = a.blueprint;
        const appLabels = { ...envLabels, 'catalyst.openova.io/application': a.name };
        if (bp.spec.upstream.length > 0) {
          const objs = options.releaseObjects(bp, {
            namespace: ns,
            namePrefix: `${env.type}-${a.name}`,
            // Only siblings with a chart have a HelmRelease to wait on.
            dependsOn: a.dependsOn
              .map((d) => env.applications.find((x) => x.name === d)!)
              .filter((d) => d.blueprint.spec.upstream.length > 0)
              .map((d) => ({ name: `${env.type}-${d.name}-${d.blueprint.publishedName}` })),
            kubeConfig,
            labels: appLabels,
          });
          for (const json of objs) rl.push({ json, owner: envOwner, file: releasesFile });
        }
        // Every Application's namespace is written, with Pod Security labels and default-deny
        // NetworkPolicies (src/network.ts): HelmRelease createNamespace alone would make a bare one.
        for (const json of secureNamespace(bp.namespace, [bp], flows, { namespace: appLabels, policies: appLabels })) wl.push({ json, owner: envOwner, file: workloadsFile });
        for (const obj of overlaysOf(bp)) {
          let json: CanonicalObject | undefined;
          if (BUILT_IN_API_VERSIONS.has(obj.apiVersion)) {
            json = fromApiObject(obj, CLUSTER_SCOPED_KINDS.has(obj.kind) ? undefined : bp.namespace);
          } else if (platformProvides(obj.apiVersion)) {
            json = fromApiObject(obj, bp.namespace);
          } else if (!bp.isOptional(obj)) {
            issues.push({ path: a.path, message: `${obj.kind} ${obj.name} needs ${obj.apiVersion}, which no Blueprint of this Sovereign installs; add the Blueprint that provides it (its resources are synced from the vcluster to the host) or mark the object optional` });
          }
          if (json) wl.push({ json, owner: envOwner, file: workloadsFile });
        }
      }
      if (rl.length) releases.set(releasesFile, rl);
      workloads.set(workloadsFile, wl);
    }
    emit({ host, releases, workloads });
  }
  return issues;
}
