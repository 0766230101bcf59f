/**
 * Writes the Flux repository for a Sovereign:
 *
 *   flux/clusters/<fqdn>/kustomization.yaml          the whole tree, for `kubectl kustomize`
 *   flux/clusters/<fqdn>/flux-system/sync.yaml       GitRepository + the three Flux Kustomizations (Phase 0 applies it)
 *   flux/clusters/<fqdn>/bootstrap-kit/NN-<name>.yaml Namespace + chart source + HelmRelease(s) + built-in-kind overlays
 *   flux/clusters/<fqdn>/infrastructure/NN-<name>.yaml overlays whose CRDs a kit HelmRelease installs
 *   flux/clusters/<fqdn>/tenants/                    Organizations (filled by the tenants model)
 *
 * Objects whose API a HelmRelease installs go to infrastructure/, which Flux reconciles only
 * after every bootstrap-kit HelmRelease is Ready (upstream bugs #247, 34c8de8, #190).
 */
import { ApiObject } from 'cdk8s';
import { DependencyReference, FluxKustomization, GitRepository, HelmRelease, HelmReleaseSpec, HelmRepository, HELM_CHART_MEDIA_TYPE, OCIRepository } from '../../constructs/flux';
import { CLUSTER_SCOPED_KINDS, PRE_EXISTING_NAMESPACES, PRE_INSTALLED_API_VERSIONS } from '../../constructs/k8s-apis';
import { Blueprint, UpstreamChart } from '../blueprint';
import { CatalystError, IssueCollector } from '../errors';
import { secureNamespace, sovereignFlowGraph } from '../network';
import { CanonicalObject, EmittedObject, fromApiObject } from '../objects';
import type { Sovereign } from '../sovereign';
import { FQDN_VARIABLE } from '../sovereign';
import { JsonValue } from '../yaml';

export const FLUX_NAMESPACE = 'flux-system';
export const MANAGED_BY = 'catalyst-cdk';

/** Per-Blueprint result of the Flux writer. */
export interface SlotOutput {
  readonly blueprint: Blueprint;
  /** `NN-<name>.yaml` or `<name>.yaml` for Blueprints outside the kit. */
  readonly fileName: string;
  readonly kit: readonly EmittedObject[];
  readonly infrastructure: readonly EmittedObject[];
  /**
   * Overlays of built-in kinds: in the slot file in `upstream` mode, inside the bp-<name> chart's
   * templates in `oci` mode.
   */
  readonly overlays: readonly EmittedObject[];
  /** Primary HelmRelease name, if the Blueprint installs a chart. */
  readonly helmRelease?: string;
}

export interface FluxTree {
  readonly clusterDir: string;
  readonly slots: readonly SlotOutput[];
  readonly sync: readonly EmittedObject[];
  readonly warnings: readonly string[];
}

/** File name of a Blueprint's slot file. */
export function slotFileName(bp: Blueprint): string {
  return bp.spec.slot !== undefined ? `${String(bp.spec.slot).padStart(2, '0')}-${bp.name}.yaml` : `${bp.name}.yaml`;
}

function sourceName(bp: Blueprint, repo: string): string {
  const repos = [...new Set(bp.spec.upstream.map((u) => u.repository))];
  return repos.length === 1 ? bp.publishedName : `${bp.publishedName}-${repos.indexOf(repo) + 1}`;
}

/** HelmRelease name for one of a Blueprint's upstream charts: the last chart is the primary. */
export function helmReleaseName(bp: Blueprint, u: UpstreamChart): string {
  const last = bp.spec.upstream[bp.spec.upstream.length - 1];
  return u === last ? bp.publishedName : `${bp.publishedName}-${u.chart === bp.name ? 'pre' : u.chart.replace(new RegExp(`^${bp.name}-`), '')}`;
}

function releaseNameFor(bp: Blueprint, u: UpstreamChart): string {
  const last = bp.spec.upstream[bp.spec.upstream.length - 1];
  return u === last ? bp.releaseName : u.chart;
}

/**
 * HelmRelease names a Blueprint's dependants wait on: its primary release, or, for a Blueprint
 * made only of manifests, the releases of its own dependencies (it has no release to wait on).
 */
function readinessNames(sov: Sovereign, bp: Blueprint, memo: Map<string, string[]>): string[] {
  const cached = memo.get(bp.name);
  if (cached) return cached;
  let names: string[];
  if (hasRelease(sov, bp)) {
    names = [bp.publishedName];
  } else {
    names = [];
    for (const d of sov.graph.dependenciesOf(bp.name)) {
      for (const n of readinessNames(sov, d, memo)) if (!names.includes(n)) names.push(n);
    }
  }
  memo.set(bp.name, names);
  return names;
}

/** True if the Blueprint is installed by a HelmRelease: it has an upstream chart, or all Blueprints ship as bp-<name> charts. */
export function hasRelease(sov: Sovereign, bp: Blueprint): boolean {
  return sov.distribution.mode === 'oci' || bp.spec.upstream.length > 0;
}

/** The values of the bp-<name> umbrella chart: each upstream chart's values under its name. */
export function umbrellaValues(bp: Blueprint): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const u of bp.spec.upstream) out[u.chart] = bp.helmValuesFor(u);
  return out;
}

function labels(bp: Blueprint): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'catalyst.openova.io/blueprint': bp.publishedName,
    'catalyst.openova.io/blueprint-version': bp.spec.version,
  };
}

/** Builds every Flux object of the Sovereign and checks placement rules. */
export function buildFluxTree(sov: Sovereign): FluxTree {
  const clusterDir = `flux/clusters/${sov.props.fqdn}`;
  const issues = new IssueCollector();
  const warnings: string[] = [];
  const namespaceOwner = new Map<string, string>();
  const memo = new Map<string, string[]>();
  const slots: SlotOutput[] = [];
  const apiProviders = new Map<string, Blueprint[]>();
  for (const bp of sov.blueprints) {
    for (const api of bp.spec.providesApis ?? []) apiProviders.set(api, [...(apiProviders.get(api) ?? []), bp]);
  }

  for (const bp of sov.blueprints) {
    const fileName = slotFileName(bp);
    const objects: CanonicalObject[] = [];
    const ns = bp.namespace;
    if (!PRE_EXISTING_NAMESPACES.has(ns) && !namespaceOwner.has(ns)) {
      namespaceOwner.set(ns, bp.name);
      // Pod Security labels and default-deny NetworkPolicies for every Blueprint sharing the namespace (src/network.ts).
      objects.push(...secureNamespace(ns, sov.blueprints.filter((b) => b.namespace === ns), sovereignFlowGraph(sov.graph), {
        namespace: { 'catalyst.openova.io/sovereign': sov.fqdnRef, ...labels(bp) },
        policies: labels(bp),
      }));
    }

    const depNames: string[] = [];
    for (const d of sov.graph.dependenciesOf(bp.name)) {
      for (const n of readinessNames(sov, d, memo)) if (!depNames.includes(n)) depNames.push(n);
    }
    const dependsOn = depNames.map((name) => ({ name, namespace: FLUX_NAMESPACE }));
    const dist = sov.distribution;
    objects.push(...(dist.mode === 'oci' ? ociReleaseObjects(bp, dist.registry, dist.secretRef, dependsOn) : releaseObjects(bp, { namespace: FLUX_NAMESPACE, dependsOn })));

    const kit: EmittedObject[] = objects.map((json) => ({ json, owner: bp.name, file: `bootstrap-kit/${fileName}` }));
    const overlays: EmittedObject[] = [];
    const infrastructure: EmittedObject[] = [];
    const closure = new Set([bp.name, ...sov.graph.closureOf(bp.name).map((b) => b.name)]);
    for (const obj of overlayObjects(bp)) {
      const api = obj.apiVersion;
      if (PRE_INSTALLED_API_VERSIONS.has(api)) {
        const e = emitted(obj, bp.name, dist.mode === 'oci' ? `charts/${bp.publishedName}` : `bootstrap-kit/${fileName}`, ns);
        overlays.push(e);
        if (dist.mode !== 'oci') kit.push(e);
        continue;
      }
      const providers = apiProviders.get(api) ?? [];
      const reachable = providers.filter((p) => closure.has(p.name));
      if (reachable.length > 0) {
        infrastructure.push(emitted(obj, bp.name, `infrastructure/${fileName}`, ns));
      } else if (bp.isOptional(obj)) {
        warnings.push(`${bp.path}: dropped optional ${obj.kind} ${obj.name}: no installed dependency of bp-${bp.name} provides ${api}`);
      } else if (providers.length > 0) {
        issues.add(bp.path, `${obj.kind} ${obj.name} needs ${api}, which ${providers.map((p) => `bp-${p.name}`).join(', ')} installs, but bp-${bp.name} does not depend on it; add it to depends`);
      } else {
        issues.add(bp.path, `${obj.kind} ${obj.name} needs ${api}, and no Blueprint in this Sovereign installs that API; add the Blueprint that provides it`);
      }
    }
    if (infrastructure.length > 0 && dist.mode !== 'oci') {
      // Keep a Blueprint's overlays together: a Deployment in bootstrap-kit/ may mount a Secret that
      // a Certificate in infrastructure/ creates, and bootstrap-kit waits for it — a deadlock.
      for (const o of overlays) {
        kit.splice(kit.indexOf(o), 1);
        infrastructure.push({ ...o, file: `infrastructure/${fileName}` });
      }
    }
    const primary = hasRelease(sov, bp) ? bp.publishedName : undefined;
    slots.push({ blueprint: bp, fileName, kit, infrastructure, overlays, helmRelease: primary });
  }
  issues.throwIfAny();

  const sync = buildSync(sov);
  checkUnique([...slots.flatMap((s) => [...s.kit, ...s.infrastructure, ...(sov.distribution.mode === 'oci' ? s.overlays : [])]), ...sync]);
  return { clusterDir, slots, sync, warnings };
}

/** Where and how a Blueprint's chart sources and HelmReleases are written. */
export interface ReleaseOptions {
  /** Namespace of the sources and HelmReleases (flux-system for the kit, the org namespace for Applications). */
  readonly namespace: string;
  /** HelmReleases the primary release waits for. */
  readonly dependsOn: readonly DependencyReference[];
  /** Prefix for object names (an Application's environment), default none. */
  readonly namePrefix?: string;
  /** Install into another cluster with this kubeconfig Secret (an Organization's vcluster). */
  readonly kubeConfig?: { readonly secretRef: { readonly name: string; readonly key?: string } };
  /** Extra labels on every object. */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The chart source(s) and HelmRelease(s) of one Blueprint: one HelmRepository per https
 * repository, one OCIRepository per oci:// chart, one HelmRelease per upstream chart (the last
 * is the primary; earlier ones, such as CRD charts, install first).
 */
export function releaseObjects(bp: Blueprint, options: ReleaseOptions): CanonicalObject[] {
  const out: CanonicalObject[] = [];
  const prefix = options.namePrefix ? `${options.namePrefix}-` : '';
  const lbl = { ...labels(bp), ...options.labels };
  const ns = bp.namespace;
  const sources = new Map<string, string>();
  for (const repo of new Set(bp.spec.upstream.map((u) => u.repository))) {
    const name = prefix + sourceName(bp, repo);
    sources.set(repo, name);
    if (repo.startsWith('https://')) {
      out.push(HelmRepository.manifest({
        metadata: { name, namespace: options.namespace, labels: lbl },
        spec: { url: repo, interval: '1h' },
      }));
    }
  }
  let previous: string | undefined;
  for (const u of bp.spec.upstream) {
    const name = prefix + helmReleaseName(bp, u);
    let chartSpec: Pick<HelmReleaseSpec, 'chart' | 'chartRef'>;
    if (u.repository.startsWith('oci://')) {
      // One OCIRepository per chart: Flux pulls a single artifact per OCIRepository.
      const ociName = bp.spec.upstream.length === 1 ? prefix + bp.publishedName : name;
      out.push(OCIRepository.manifest({
        metadata: { name: ociName, namespace: options.namespace, labels: lbl },
        spec: {
          url: `${u.repository}/${u.chart}`,
          ref: { tag: u.version },
          interval: '1h',
          layerSelector: { mediaType: HELM_CHART_MEDIA_TYPE, operation: 'copy' },
        },
      }));
      chartSpec = { chartRef: { kind: 'OCIRepository', name: ociName, namespace: options.namespace } };
    } else {
      chartSpec = {
        chart: {
          spec: {
            chart: u.chart,
            version: u.version,
            sourceRef: { kind: 'HelmRepository', name: sources.get(u.repository)!, namespace: options.namespace },
          },
        },
      };
    }
    const dependsOn = previous ? [{ name: previous, namespace: options.namespace }, ...options.dependsOn] : options.dependsOn;
    out.push(HelmRelease.manifest({
      metadata: { name, namespace: options.namespace, labels: lbl },
      spec: {
        interval: bp.install.interval,
        releaseName: releaseNameFor(bp, u),
        targetNamespace: ns,
        storageNamespace: ns,
        ...chartSpec,
        ...(options.kubeConfig ? { kubeConfig: options.kubeConfig } : {}),
        ...(bp.install.timeout ? { timeout: bp.install.timeout } : {}),
        ...(dependsOn.length ? { dependsOn } : {}),
        install: {
          ...(bp.install.disableWait ? { disableWait: true } : {}),
          ...(options.kubeConfig ? { createNamespace: true } : {}),
          remediation: { retries: bp.install.retries },
        },
        upgrade: {
          ...(bp.install.disableWait ? { disableWait: true } : {}),
          ...(bp.install.preserveValues ? { preserveValues: true } : {}),
          remediation: { retries: bp.install.retries },
        },
        values: bp.helmValuesFor(u),
      },
    }));
    previous = name;
  }
  return out;
}

/**
 * `oci` distribution: one OCIRepository at `<registry>/bp-<name>:<version>` and one HelmRelease
 * of the bp-<name> umbrella chart (upstream charts as dependencies, overlays as templates).
 */
function ociReleaseObjects(bp: Blueprint, registry: string, secretRef: string | undefined, dependsOn: readonly DependencyReference[]): CanonicalObject[] {
  const lbl = labels(bp);
  const source = OCIRepository.manifest({
    metadata: { name: bp.publishedName, namespace: FLUX_NAMESPACE, labels: lbl },
    spec: {
      url: `${registry}/${bp.publishedName}`,
      ref: { tag: bp.spec.version },
      interval: '1h',
      layerSelector: { mediaType: HELM_CHART_MEDIA_TYPE, operation: 'copy' },
      ...(secretRef ? { secretRef: { name: secretRef } } : {}),
    },
  });
  const release = HelmRelease.manifest({
    metadata: { name: bp.publishedName, namespace: FLUX_NAMESPACE, labels: lbl },
    spec: {
      interval: bp.install.interval,
      releaseName: bp.releaseName,
      targetNamespace: bp.namespace,
      storageNamespace: bp.namespace,
      chartRef: { kind: 'OCIRepository', name: bp.publishedName, namespace: FLUX_NAMESPACE },
      ...(bp.install.timeout ? { timeout: bp.install.timeout } : {}),
      ...(dependsOn.length ? { dependsOn } : {}),
      install: { ...(bp.install.disableWait ? { disableWait: true } : {}), remediation: { retries: bp.install.retries } },
      upgrade: {
        ...(bp.install.disableWait ? { disableWait: true } : {}),
        ...(bp.install.preserveValues ? { preserveValues: true } : {}),
        remediation: { retries: bp.install.retries },
      },
      values: umbrellaValues(bp),
    },
  });
  return [source, release];
}

function overlayObjects(bp: Blueprint): ApiObject[] {
  return bp.overlayScope.node.findAll().filter(ApiObject.isApiObject);
}

export function emitted(obj: ApiObject, owner: string, file: string, defaultNamespace?: string): EmittedObject {
  const ns = defaultNamespace && !CLUSTER_SCOPED_KINDS.has(obj.kind) ? defaultNamespace : undefined;
  return { json: fromApiObject(obj, ns), owner, file };
}

/** Two objects with the same kind/namespace/name would collide in Kustomize and in the cluster. */
export function checkUnique(objects: readonly EmittedObject[], seen: Map<string, Pick<EmittedObject, 'owner' | 'file'>> = new Map()): void {
  const issues = new IssueCollector();
  for (const o of objects) {
    const group = o.json.apiVersion.includes('/') ? o.json.apiVersion.split('/')[0] : '';
    const id = `${group}/${o.json.kind}/${o.json.metadata.namespace ?? ''}/${o.json.metadata.name}`;
    const prior = seen.get(id);
    if (prior) {
      issues.add(
        o.owner === 'sovereign' ? 'sovereign' : `sovereign.blueprints.${o.owner}`,
        `${o.json.kind} ${o.json.metadata.namespace ? `${o.json.metadata.namespace}/` : ''}${o.json.metadata.name} is emitted twice (by bp-${prior.owner} in ${prior.file} and by bp-${o.owner} in ${o.file}); rename one`,
      );
    } else {
      seen.set(id, { owner: o.owner, file: o.file });
    }
  }
  issues.throwIfAny();
}

/** The Flux entry objects Phase 0 applies: one GitRepository and three Kustomizations. */
function buildSync(sov: Sovereign): EmittedObject[] {
  return syncObjects(sov).map((json) => ({ json, owner: 'sovereign', file: 'flux-system/sync.yaml' }));
}

/**
 * GitRepository `sovereign` + Kustomizations `bootstrap-kit` → `infrastructure` → `tenants`,
 * each with the FQDN substitution. Exported so Phase 0's cloud-init renders the same objects.
 */
export function syncObjects(sov: Sovereign): CanonicalObject[] {
  const labelsSov = { 'app.kubernetes.io/managed-by': MANAGED_BY };
  const git = GitRepository.manifest({
    metadata: { name: 'sovereign', namespace: FLUX_NAMESPACE, labels: labelsSov },
    spec: { url: sov.gitops.url, interval: '1m', ref: { branch: sov.gitops.branch } },
  });
  const substitute = sov.fqdnRef === sov.props.fqdn ? undefined : { postBuild: { substitute: { [FQDN_VARIABLE]: sov.props.fqdn } } };
  const mk = (name: string, timeout: string, dependsOn?: string) =>
    FluxKustomization.manifest({
      metadata: { name, namespace: FLUX_NAMESPACE, labels: labelsSov },
      spec: {
        interval: '10m',
        retryInterval: '1m',
        path: `./${sov.gitops.path}/${name}`,
        prune: true,
        wait: true,
        timeout,
        sourceRef: { kind: 'GitRepository', name: 'sovereign', namespace: FLUX_NAMESPACE },
        ...(dependsOn ? { dependsOn: [{ name: dependsOn }] } : {}),
        ...substitute,
      },
    });
  return [git, mk('bootstrap-kit', '30m'), mk('infrastructure', '10m', 'bootstrap-kit'), mk('tenants', '10m', 'infrastructure')];
}

/** Namespaced objects must have a namespace once written; used by tests and audit. */
export function assertNamespaced(objects: readonly EmittedObject[]): void {
  for (const o of objects) {
    if (!CLUSTER_SCOPED_KINDS.has(o.json.kind) && !o.json.metadata.namespace) {
      throw CatalystError.at(`sovereign.blueprints.${o.owner}`, `${o.json.kind} ${o.json.metadata.name} has no namespace`);
    }
  }
}

export type { JsonValue, EmittedObject };
