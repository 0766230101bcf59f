/**
 * The Blueprint base construct: one class per installable unit, holding every fact about it
 * (version, upstream chart pin, namespace, dependencies, install policy, typed values,
 * overlays, outputs). The Flux HelmRelease, the blueprint.yaml, platform.json and (later) the
 * Helm chart are all written from it, so they cannot disagree.
 */
import { Static, TSchema } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
// Single functions, not the package index (47 modules) that a library import would load.
import { default as semverParse } from 'semver/functions/parse';
import { default as semverValid } from 'semver/functions/valid';
import { CatalystError, describeValue, Issue } from './errors';
import { deepMerge, DeepPartial, isPlainObject, PlainObject, validateAgainst } from './values';

export type Visibility = 'listed' | 'unlisted' | 'private';
export type PlacementMode = 'single-region' | 'active-active' | 'active-hotstandby';

/** What a catalog or marketplace shows for a Blueprint. */
export interface BlueprintCard {
  readonly title: string;
  readonly summary: string;
  /** Icon file name or relative path, e.g. `cilium.svg`. */
  readonly icon?: string;
  readonly category?: string;
  readonly tags?: readonly string[];
  /** Documentation URL. */
  readonly documentation?: string;
  /** SPDX licence id of the upstream software. */
  readonly license?: string;
}

/** An upstream Helm chart pinned to one exact version. */
export interface UpstreamChart {
  /** Chart name in its repository. */
  readonly chart: string;
  /** Exact chart version (no ranges: a pin). */
  readonly version: string;
  /** `https://…` Helm repository or `oci://…` registry path (without the chart name). */
  readonly repository: string;
}

/** An upstream chart pin. Throws on a floating version or an unsupported repository scheme. */
export function helmChart(chart: string, version: string, repository: string): UpstreamChart {
  const where = `helmChart(${JSON.stringify(chart)})`;
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(chart)) {
    throw CatalystError.at(`${where}.chart`, `must be a chart name of lowercase letters, digits and '-' (got ${describeValue(chart)})`);
  }
  if (semverValid(version) === null) {
    throw CatalystError.at(`${where}.version`, `must be an exact semver version such as 1.16.5 or v1.16.2, not a range (got ${describeValue(version)})`);
  }
  if (!/^(https:\/\/|oci:\/\/)[^\s]+[^/\s]$/.test(repository)) {
    throw CatalystError.at(`${where}.repository`, `must start with https:// or oci:// and not end in '/' (got ${describeValue(repository)})`);
  }
  if (repository.startsWith('oci://') && repository.endsWith(`/${chart}`)) {
    // Upstream bug efa4180: the chart name was part of the repository URL and got doubled.
    throw CatalystError.at(`${where}.repository`, `an oci:// repository must not end with the chart name; give the registry path only (got ${describeValue(repository)})`);
  }
  return { chart, version, repository };
}

/** How Flux installs and upgrades the Blueprint's HelmRelease(s). */
export interface InstallPolicy {
  /** Reconcile interval. @default '15m' */
  readonly interval: string;
  /** Helm operation timeout; unset uses Flux's default (5m). */
  readonly timeout?: string;
  /**
   * Skip Helm's wait for readiness. Right for components with legitimately slow readiness
   * (upstream PR #250); dependants still wait for the HelmRelease Ready condition. @default true
   */
  readonly disableWait: boolean;
  /** Install and upgrade remediation retries. @default 3 */
  readonly retries: number;
  /** Keep values across upgrades (bp-flux). @default false */
  readonly preserveValues?: boolean;
}

export const DEFAULT_INSTALL_POLICY: InstallPolicy = { interval: '15m', disableWait: true, retries: 3 };

export interface PlacementSchema {
  readonly modes: readonly PlacementMode[];
  readonly default: PlacementMode;
  readonly minRegions?: number;
  readonly maxRegions?: number;
}

/** A reference to a Blueprint class; a thunk allows references between classes in one module. */
export type BlueprintRef = BlueprintClass | (() => BlueprintClass);

/** A declared dependency on another Blueprint. */
export interface DependencyDecl {
  readonly blueprint: BlueprintRef;
  /** Semver range the dependency's version must satisfy. @default `^<major>` of its current version */
  readonly version?: string;
  /** Local name used for the dependency (e.g. `idp`, `gateway`). */
  readonly alias?: string;
}

/** Everything static about a Blueprint. Declared once per class as `static readonly spec`. */
export interface BlueprintSpec<S extends TSchema = TSchema> {
  /** Short name; the Blueprint is published as `bp-<name>`. */
  readonly name: string;
  /** The Blueprint's own semver version. */
  readonly version: string;
  /** PLATFORM-TECH-STACK section id, e.g. `pts-3-1-networking-and-service-mesh`. */
  readonly section: string;
  /** Label `catalyst.openova.io/category`. */
  readonly category?: string;
  readonly card: BlueprintCard;
  /** @default 'unlisted' */
  readonly visibility?: Visibility;
  /** Upstream charts in install order; empty for a Blueprint made only of manifests. */
  readonly upstream: readonly UpstreamChart[];
  /** Namespace the workload runs in. */
  readonly namespace: string;
  /** Helm release name of the primary chart. @default the Blueprint name */
  readonly releaseName?: string;
  readonly depends?: readonly (BlueprintRef | DependencyDecl)[];
  readonly install?: Partial<InstallPolicy>;
  /** Schema of the typed values; also published as the Blueprint's configSchema. */
  readonly values: S;
  /** Default values (the upstream's curated values, transcribed). Must satisfy `values`. */
  readonly defaults: Static<S>;
  /** API group/versions whose CRDs this Blueprint installs, e.g. `cert-manager.io/v1`. */
  readonly providesApis?: readonly string[];
  readonly placement?: PlacementSchema;
  /** Position in the bootstrap kit (file `NN-<name>.yaml`); unset for Blueprints outside it. */
  readonly slot?: number;
  /** Upgrade paths, e.g. `['0.x']`. */
  readonly upgradesFrom?: readonly string[];
  /** Who maintains the Blueprint (blueprint.yaml `spec.owner`). */
  readonly owner?: { readonly team: string; readonly contact: string };
  /**
   * Pod Security admission level of the namespace this Blueprint creates. Default `restricted`;
   * anything weaker must say why (e.g. a CNI or a node agent that needs host access).
   */
  readonly podSecurity?: { readonly level: 'baseline' | 'privileged'; readonly reason: string };
  /** Network flows beyond the defaults (see src/network.ts) that the Blueprint's pods need. */
  readonly network?: NetworkNeeds;
}

/** A port a flow uses. */
export interface FlowPort {
  readonly port: number;
  readonly protocol?: 'TCP' | 'UDP';
}

/**
 * Extra network flows of a Blueprint's namespace, on top of the default-deny baseline (same
 * namespace, DNS, the API server, and the Blueprint's dependencies and dependants).
 */
export interface NetworkNeeds {
  /** Ingress from outside the cluster (a LoadBalancer or ingress controller), on these ports. */
  readonly ingressFromWorld?: readonly FlowPort[];
  /** Ingress from any namespace in the cluster (e.g. an admission webhook, an OIDC provider). */
  readonly ingressFromCluster?: readonly FlowPort[];
  /** Egress to the internet (e.g. ACME, upstream registries), on these ports. */
  readonly egressToWorld?: readonly FlowPort[];
}

/**
 * Defaults objects blueprintSpec() found valid, with the schema it checked them against: an
 * instance that overrides no value has exactly these values and is not checked again (checking
 * every Blueprint's values twice was a twentieth of a small synth).
 */
const checkedDefaults = new WeakMap<object, { readonly schema: TSchema; readonly json: string }>();

/** Validates a spec at class-definition time; returns it typed. */
export function blueprintSpec<S extends TSchema>(spec: BlueprintSpec<S>): BlueprintSpec<S> {
  const where = `Blueprint ${JSON.stringify(spec.name)}.spec`;
  const issues: Issue[] = [];
  if (!/^[a-z][a-z0-9-]{0,50}[a-z0-9]$/.test(spec.name)) {
    issues.push({ path: `${where}.name`, message: `must be 2-52 lowercase letters, digits or '-' starting with a letter (got ${describeValue(spec.name)})` });
  }
  if (semverValid(spec.version) === null || spec.version.startsWith('v')) {
    issues.push({ path: `${where}.version`, message: `must be a semver version such as 1.1.1 (got ${describeValue(spec.version)})` });
  }
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(spec.namespace) || spec.namespace.length > 63) {
    issues.push({ path: `${where}.namespace`, message: `must be a DNS label (got ${describeValue(spec.namespace)})` });
  }
  issues.push(...validateAgainst(spec.values, spec.defaults, `${where}.defaults`));
  if (issues.length === 0 && typeof spec.defaults === 'object' && spec.defaults !== null) {
    checkedDefaults.set(spec.defaults, { schema: spec.values, json: JSON.stringify(spec.defaults) });
  }
  if (spec.placement && !spec.placement.modes.includes(spec.placement.default)) {
    issues.push({ path: `${where}.placement.default`, message: `must be one of the declared modes ${spec.placement.modes.join(', ')}` });
  }
  if (issues.length) throw new CatalystError(issues);
  return spec;
}

/** Problems in a user's install policy overrides. */
function installIssues(install: unknown, where: string): Issue[] {
  if (install === undefined) return [];
  if (install === null || typeof install !== 'object' || Array.isArray(install)) return [{ path: where, message: `must be an object such as { interval: '15m', retries: 3 } (got ${describeValue(install)})` }];
  const i = install as Record<string, unknown>;
  const out: Issue[] = [];
  for (const k of ['interval', 'timeout'] as const) {
    if (i[k] !== undefined && (typeof i[k] !== 'string' || !/^([0-9]+(ms|s|m|h))+$/.test(i[k] as string))) out.push({ path: `${where}.${k}`, message: `must be a Go duration such as 15m or 1h30m (got ${describeValue(i[k])})` });
  }
  if (i.retries !== undefined && (!Number.isInteger(i.retries) || (i.retries as number) < 0)) out.push({ path: `${where}.retries`, message: `must be an integer >= 0 (got ${describeValue(i.retries)})` });
  for (const k of ['disableWait', 'preserveValues'] as const) {
    if (i[k] !== undefined && typeof i[k] !== 'boolean') out.push({ path: `${where}.${k}`, message: `must be a boolean (got ${describeValue(i[k])})` });
  }
  return out;
}

/** Raw Helm values must be JSON-like data: objects, arrays, strings, finite numbers, booleans, null. */
function jsonIssues(v: unknown, where: string, top = false): Issue[] {
  if (top && (v === null || typeof v !== 'object' || Array.isArray(v))) return [{ path: where, message: `must be an object of Helm values (got ${describeValue(v)})` }];
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return [];
  if (typeof v === 'number') return Number.isFinite(v) ? [] : [{ path: where, message: `must be a finite number, a string, a boolean, null, a list or an object (got ${String(v)})` }];
  if (Array.isArray(v)) return v.flatMap((x, i) => jsonIssues(x, `${where}[${i}]`));
  if (typeof v === 'object') return Object.entries(v as object).flatMap(([k, x]) => (x === undefined ? [] : jsonIssues(x, `${where}.${k}`)));
  return [{ path: where, message: `must be a string, number, boolean, null, list or object (got a ${typeof v})` }];
}

/** A constructor of a Blueprint subclass, carrying its static spec. */
export interface BlueprintClass<B extends Blueprint = Blueprint> {
  readonly spec: BlueprintSpec;
  new (scope: Construct, props: BlueprintProps): B;
}

/** What the Sovereign gives every Blueprint it instantiates. */
export interface BlueprintProps {
  /** User overrides of the typed values (deep-merged over the defaults, then validated). */
  readonly values?: unknown;
  /**
   * Escape hatch: raw Helm values per upstream chart name, merged last. For upstream keys the
   * typed values do not cover; not validated against a schema.
   */
  readonly helmValues?: { readonly [chart: string]: PlainObject };
  readonly install?: Partial<InstallPolicy>;
  /** Field path of this Blueprint's props for error messages, e.g. `sovereign.kit.cilium`. */
  readonly path: string;
  /** The Sovereign's context. */
  readonly context: SovereignContext;
  /** Namespace override, for an Application of this Blueprint in an Environment. @default spec.namespace */
  readonly namespace?: string;
  /** Helm release name override, for an Application. @default spec.releaseName */
  readonly releaseName?: string;
}

/** What a Blueprint may know about the Sovereign it is part of. */
export interface SovereignContext {
  /**
   * The Sovereign FQDN as it must be written into manifests: the Flux substitution token
   * `${SOVEREIGN_FQDN}` by default, or the literal FQDN when the user asks for it.
   */
  readonly fqdn: string;
  /** Organization name and contact e-mail of the Sovereign's owner. */
  readonly org: { readonly name: string; readonly email: string };
  /** The instance of another Blueprint in this Sovereign, if present. */
  find<B extends Blueprint>(cls: BlueprintClass<B>): B | undefined;
  /** The instance of a Blueprint by short name, for references that cannot import the class. */
  findByName(name: string): Blueprint | undefined;
}

/** A dependency after references are resolved. */
export interface ResolvedDependency {
  readonly blueprint: BlueprintClass;
  readonly version: string;
  readonly alias?: string;
}

export function resolveRef(ref: BlueprintRef): BlueprintClass {
  return (typeof ref === 'function' && !('spec' in ref) ? (ref as () => BlueprintClass)() : ref) as BlueprintClass;
}

/**
 * Name of a chart's objects as Helm's standard `fullname` helper computes it: the release name
 * if it already contains the chart name, else `<release>-<chart>`, cut to 63 characters.
 */
export function helmFullname(releaseName: string, chart: string): string {
  const name = releaseName.includes(chart) ? releaseName : `${releaseName}-${chart}`;
  return name.slice(0, 63).replace(/-$/, '');
}

const defaultRanges = new Map<string, string>();

/** Default range for a dependency: same major version as the dependency has now. */
export function defaultRange(version: string): string {
  let range = defaultRanges.get(version);
  if (range === undefined) {
    const v = semverParse(version);
    range = v ? `^${v.major}${v.major === 0 ? `.${v.minor}` : ''}` : '*';
    defaultRanges.set(version, range);
  }
  return range;
}

/**
 * Base class of every Blueprint. A subclass declares `static readonly spec = blueprintSpec({...})`,
 * maps its typed values to upstream chart values in `chartValues`, and adds overlay manifests
 * in `overlays`.
 */
export abstract class Blueprint<S extends TSchema = TSchema> extends Construct {
  /** The static spec of this Blueprint's class. */
  public readonly spec: BlueprintSpec<S>;
  /** Defaults deep-merged with the user's values. Valid against `spec.values` once constructed without issues. */
  public readonly values: Static<S>;
  /** Install policy after defaults and overrides. */
  public readonly install: InstallPolicy;
  /** Problems found in this Blueprint's input; the Sovereign reports them all together. */
  public readonly issues: readonly Issue[];
  /** Field path of this Blueprint's props, for error messages. */
  public readonly path: string;
  protected readonly context: SovereignContext;
  private readonly helmValueOverrides: { readonly [chart: string]: PlainObject };
  private overlayChart?: Chart;
  private readonly namespaceOverride?: string;
  private readonly releaseNameOverride?: string;
  private readonly droppable = new WeakSet<object>();

  constructor(scope: Construct, props: BlueprintProps) {
    const spec = (new.target as unknown as BlueprintClass).spec as BlueprintSpec<S>;
    super(scope, spec.name);
    this.spec = spec;
    this.path = props.path;
    this.context = props.context;
    this.values = deepMerge(spec.defaults, props.values);
    this.install = { ...DEFAULT_INSTALL_POLICY, ...spec.install, ...props.install };
    this.helmValueOverrides = props.helmValues ?? {};
    this.namespaceOverride = props.namespace;
    this.releaseNameOverride = props.releaseName;
    const checked = typeof spec.defaults === 'object' && spec.defaults !== null ? checkedDefaults.get(spec.defaults) : undefined;
    // Unchanged since blueprintSpec() checked them (a JavaScript caller could have edited them).
    const unchanged = (props.values === undefined || (isPlainObject(props.values) && Object.keys(props.values).length === 0))
      && checked?.schema === spec.values && checked.json === JSON.stringify(spec.defaults);
    const issues = unchanged ? [] : validateAgainst(spec.values, this.values, `${props.path}.values`);
    issues.push(...installIssues(props.install, `${props.path}.install`));
    for (const [chart, v] of Object.entries(this.helmValueOverrides)) issues.push(...jsonIssues(v, `${props.path}.helmValues.${chart}`, true));
    for (const chart of Object.keys(this.helmValueOverrides)) {
      if (!spec.upstream.some((u) => u.chart === chart)) {
        issues.push({
          path: `${props.path}.helmValues.${chart}`,
          message: `no upstream chart named ${JSON.stringify(chart)}; this Blueprint installs ${spec.upstream.map((u) => u.chart).join(', ') || 'no chart'}`,
        });
      }
    }
    this.issues = issues;
  }

  /** The Blueprint's short name, e.g. `cilium`. */
  public get name(): string {
    return this.spec.name;
  }

  /** The published name, e.g. `bp-cilium`. */
  public get publishedName(): string {
    return `bp-${this.spec.name}`;
  }

  /** Namespace the workload runs in. */
  public get namespace(): string {
    return this.namespaceOverride ?? this.spec.namespace;
  }

  /** Helm release name of the primary chart. */
  public get releaseName(): string {
    return this.releaseNameOverride ?? this.spec.releaseName ?? this.spec.name;
  }

  /**
   * Dependencies of this instance. Subclasses override to add dependencies that follow from
   * their values (cert-manager's DNS-01 issuer needs the DNS-01 webhook Blueprint).
   */
  public dependencies(): readonly ResolvedDependency[] {
    return (this.spec.depends ?? []).map((d) => {
      const decl: DependencyDecl = typeof d === 'object' && 'blueprint' in d ? d : { blueprint: d as BlueprintRef };
      const cls = resolveRef(decl.blueprint);
      return { blueprint: cls, version: decl.version ?? defaultRange(cls.spec.version), alias: decl.alias };
    });
  }

  /**
   * Helm values for one upstream chart, from the typed values. The default passes the typed
   * values' key named after the chart (the upstream umbrella-chart convention).
   */
  protected chartValues(upstream: UpstreamChart): PlainObject {
    const v = (this.values as PlainObject)[upstream.chart];
    return v !== null && typeof v === 'object' ? (v as PlainObject) : {};
  }

  /** Final Helm values for one upstream chart: typed values, then the raw overrides. */
  public helmValuesFor(upstream: UpstreamChart): PlainObject {
    return deepMerge(this.chartValues(upstream), this.helmValueOverrides[upstream.chart]);
  }

  /** Adds overlay manifests. Called once, after every Blueprint of the Sovereign exists. */
  protected overlays(_scope: Chart): void {
    // Most Blueprints are an upstream chart with values and nothing else.
  }

  /** Typed outputs published in blueprint.yaml (`spec.outputs`). */
  public outputs(): { readonly [name: string]: string } {
    return {};
  }

  /**
   * Marks an overlay object as optional: if no Blueprint the Sovereign installs provides its
   * API, it is dropped with a warning instead of failing the synth.
   */
  protected optional<T extends object>(obj: T): T {
    this.droppable.add(obj);
    return obj;
  }

  /** True if `obj` was marked with `optional()`. */
  public isOptional(obj: object): boolean {
    return this.droppable.has(obj);
  }

  /** The chart holding this Blueprint's overlay objects (built on first use). */
  public get overlayScope(): Chart {
    if (!this.overlayChart) {
      // No chart namespace: cdk8s would stamp it on cluster-scoped kinds too; the writer adds it to namespaced kinds.
      this.overlayChart = new Chart(this, 'overlays', { disableResourceNameHashes: true });
      this.overlays(this.overlayChart);
    }
    return this.overlayChart;
  }

  /** The typed instance of a dependency; throws a path-bearing error if it is not declared or absent. */
  protected dependency<B extends Blueprint>(cls: BlueprintClass<B>): B {
    if (!this.dependencies().some((d) => d.blueprint === cls)) {
      throw CatalystError.at(this.path, `${this.publishedName} uses bp-${cls.spec.name} but does not declare it in depends`);
    }
    const found = this.context.find(cls);
    if (!found) {
      throw CatalystError.at(this.path, `${this.publishedName} needs bp-${cls.spec.name}, which this Sovereign does not install`);
    }
    return found;
  }
}

/** Type of the values of a Blueprint class. */
export type ValuesOf<C> = C extends { readonly spec: BlueprintSpec<infer S> } ? Static<S> : never;

/** What a user may set for one Blueprint in a Sovereign. */
export interface BlueprintOptions<V> {
  /** Overrides of the typed values. */
  readonly values?: DeepPartial<V>;
  /** Raw Helm values per upstream chart (escape hatch, merged last). */
  readonly helmValues?: { readonly [chart: string]: PlainObject };
  readonly install?: Partial<InstallPolicy>;
}
