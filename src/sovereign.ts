/**
 * The Sovereign: one self-contained Catalyst control plane. It instantiates its Blueprints
 * (the bootstrap kit by default, plus any the user adds), checks the whole model once, and
 * synthesizes every output from it.
 */
import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { BlueprintClass, BlueprintOptions, Blueprint, SovereignContext, ValuesOf } from './blueprint';
import { CloudProps, CLOUD_PROVIDERS, HETZNER_LOCATIONS } from './cloud';
import { CatalystError, describeValue, IssueCollector } from './errors';
import { BlueprintGraph } from './graph';
import { FQDN_VARIABLE } from './render';
import { buildTenantModel, OrganizationModel, OrganizationProps } from './tenants';
import { KIT, KitKey } from '../blueprints/kit';

/** The one Flux substitution variable a Sovereign's manifests use (defined beside the check of it). */
export { FQDN_VARIABLE } from './render';

/** How the FQDN token is written into manifests. */
export const FQDN_TOKEN = '${' + FQDN_VARIABLE + '}';

export const FQDN_PATTERN = /^(?=.{4,253}$)[a-z]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
export const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Per-kit-entry options: `false` switches the entry off. */
export type KitEntry<V> = false | (BlueprintOptions<V> & { readonly enabled?: boolean });

/** Overrides for the bootstrap kit, keyed by kit entry. */
export type KitOptions = { readonly [K in KitKey]?: KitEntry<ValuesOf<(typeof KIT)[K]>> };

/** A Blueprint the user adds to the Sovereign, with its options. */
export interface BlueprintUse<C extends BlueprintClass = BlueprintClass> extends BlueprintOptions<ValuesOf<C>> {
  readonly blueprint: C;
}

/** Typed helper: `use(MyBlueprint, { values: {...} })`. */
export function use<C extends BlueprintClass>(blueprint: C, options: BlueprintOptions<ValuesOf<C>> = {}): BlueprintUse<C> {
  return { blueprint, ...options };
}

/** Where Flux reads the synthesized repository from. */
export interface GitOpsProps {
  /** Git URL of the repository holding the synthesized `flux/` tree. */
  readonly url: string;
  /** @default 'main' */
  readonly branch?: string;
  /**
   * Path of the cluster folder inside that repository.
   * @default `clusters/<fqdn>` (the layout `catalyst synth` writes under `DIR/flux/`)
   */
  readonly path?: string;
}

/**
 * How the kit reaches the cluster. `upstream` (default): each HelmRelease installs the upstream
 * chart directly and overlays are plain manifests — no registry of ours needed. `oci`: each
 * Blueprint is a bp-<name> chart (as `catalyst synth` writes under charts/) pushed to `registry`.
 */
export type DistributionProps =
  | { readonly mode: 'upstream' }
  | {
    readonly mode: 'oci';
    /** Registry path holding the bp-<name> charts, e.g. `oci://ghcr.io/openova-io`. */
    readonly registry: string;
    /** Pull Secret in flux-system, if the registry is private. */
    readonly secretRef?: string;
  };

export interface SovereignProps {
  /** The Sovereign's FQDN, e.g. `omantel.omani.works`. */
  readonly fqdn: string;
  /** The organization that owns the Sovereign. */
  readonly org: { readonly name: string; readonly email: string };
  /** Cloud and regions of the first cluster (Phase 0). */
  readonly cloud?: CloudProps;
  /** Install the bootstrap kit. @default true */
  readonly includeKit?: boolean;
  /** Overrides for kit entries; `false` switches one off. */
  readonly kit?: KitOptions;
  /** Further Blueprints to install. */
  readonly blueprints?: readonly BlueprintUse[];
  /**
   * `substitute` writes the FQDN as `${SOVEREIGN_FQDN}`, filled by Flux `postBuild.substitute`
   * (one tree serves any FQDN); `literal` writes the FQDN itself. @default 'substitute'
   */
  readonly fqdnMode?: 'substitute' | 'literal';
  readonly gitops?: GitOpsProps;
  /** Organizations with their Environments and Applications. */
  readonly organizations?: readonly OrganizationProps[];
  /** @default { mode: 'upstream' } */
  readonly distribution?: DistributionProps;
}

function isBlueprintClass(v: unknown): v is BlueprintClass {
  return typeof v === 'function' && typeof (v as { spec?: unknown }).spec === 'object';
}

const SOVEREIGN_BRAND = Symbol.for('catalyst-cdk.Sovereign');

/**
 * True for a Sovereign, also one built by another copy of this library (a user program
 * compiled against its own install), where `instanceof` would say no.
 */
export function isSovereign(x: unknown): x is Sovereign {
  return typeof x === 'object' && x !== null && (x as { [SOVEREIGN_BRAND]?: boolean })[SOVEREIGN_BRAND] === true;
}

export class Sovereign extends Construct {
  public readonly props: SovereignProps;
  /** The FQDN as written into manifests (token or literal). */
  public readonly fqdnRef: string;
  /** The Blueprints, in install order. */
  public readonly blueprints: readonly Blueprint[];
  public readonly graph: BlueprintGraph;
  public readonly gitops: Required<GitOpsProps>;
  public readonly distribution: DistributionProps;
  /** Organizations, Environments and Applications after checking. */
  public readonly organizations: readonly OrganizationModel[];

  constructor(props: SovereignProps);
  constructor(scope: Construct, id: string, props: SovereignProps);
  constructor(scopeOrProps: Construct | SovereignProps, id?: string, maybeProps?: SovereignProps) {
    const isScope = scopeOrProps instanceof Construct;
    const props = (isScope ? maybeProps : scopeOrProps) as SovereignProps;
    super(isScope ? (scopeOrProps as Construct) : new App({ outdir: '.' }), isScope ? id! : 'sovereign');
    if (props === null || typeof props !== 'object') {
      throw CatalystError.at('sovereign', `props must be an object with at least fqdn and org (got ${describeValue(props)})`);
    }
    this.props = props;
    Object.defineProperty(this, SOVEREIGN_BRAND, { value: true });
    const issues = new IssueCollector();
    validateProps(props, issues);
    issues.throwIfAny();

    this.fqdnRef = (props.fqdnMode ?? 'substitute') === 'literal' ? props.fqdn : FQDN_TOKEN;
    this.distribution = props.distribution ?? { mode: 'upstream' };
    this.gitops = {
      url: props.gitops?.url ?? 'https://gitea.example.invalid/catalyst/sovereign.git',
      branch: props.gitops?.branch ?? 'main',
      path: props.gitops?.path ?? `clusters/${props.fqdn}`,
    };

    const instances = new Map<string, Blueprint>();
    const context: SovereignContext = {
      fqdn: this.fqdnRef,
      org: props.org,
      find: <B extends Blueprint>(cls: BlueprintClass<B>) => instances.get(cls.spec.name) as B | undefined,
      findByName: (name: string) => instances.get(name),
    };

    const disabled = new Set<string>();
    const created: Blueprint[] = [];
    if (props.includeKit ?? true) {
      for (const key of Object.keys(KIT) as KitKey[]) {
        const entry = props.kit?.[key] as KitEntry<unknown> | undefined;
        const cls = KIT[key] as BlueprintClass;
        if (entry === false || (entry && entry.enabled === false)) {
          disabled.add(cls.spec.name);
          continue;
        }
        created.push(this.instantiate(cls, `sovereign.kit.${key}`, entry || {}, context, instances));
      }
    }
    (props.blueprints ?? []).forEach((u, i) => {
      const path = `sovereign.blueprints[${i}]`;
      if (!u || !isBlueprintClass(u.blueprint)) {
        issues.add(`${path}.blueprint`, `must be a Blueprint class with a static spec (got ${describeValue(u?.blueprint)})`);
        return;
      }
      created.push(this.instantiate(u.blueprint, path, u, context, instances));
    });
    for (const bp of created) issues.addAll(bp.issues);
    issues.throwIfAny();

    this.graph = new BlueprintGraph(created, { disabled, path: 'sovereign' });
    this.blueprints = this.graph.ordered;

    if (props.organizations !== undefined && !Array.isArray(props.organizations)) {
      throw CatalystError.at('sovereign.organizations', `must be a list of organizations (got ${describeValue(props.organizations)})`);
    }
    const tenants = buildTenantModel(new Construct(this, 'tenants'), props.organizations ?? [], context);
    issues.addAll(tenants.issues);
    issues.throwIfAny();
    this.organizations = tenants.orgs;
  }

  private instantiate(
    cls: BlueprintClass,
    path: string,
    options: BlueprintOptions<unknown>,
    context: SovereignContext,
    instances: Map<string, Blueprint>,
  ): Blueprint {
    const scope = new Construct(this, path.replace(/[^A-Za-z0-9]+/g, '-'));
    const bp = new cls(scope, { values: options.values, helmValues: options.helmValues, install: options.install, path, context });
    if (!instances.has(bp.name)) instances.set(bp.name, bp);
    return bp;
  }

  /** The Blueprint instance of a class, if installed. */
  public find<B extends Blueprint>(cls: BlueprintClass<B>): B | undefined {
    return this.blueprints.find((b) => b.name === cls.spec.name) as B | undefined;
  }
}

function isObject(v: unknown): v is object {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function validateProps(props: SovereignProps, issues: IssueCollector): void {
  if (typeof props.fqdn !== 'string' || !FQDN_PATTERN.test(props.fqdn)) {
    issues.add('sovereign.fqdn', `must be a lowercase fully-qualified domain name with at least two labels, each starting with a letter, e.g. omantel.omani.works (got ${describeValue(props.fqdn)})`);
  }
  if (!props.org || typeof props.org !== 'object') {
    issues.add('sovereign.org', 'is required: give { name, email } of the owning organization');
  } else {
    if (typeof props.org.name !== 'string' || props.org.name.trim() === '') {
      issues.add('sovereign.org.name', `must be a non-empty string (got ${describeValue(props.org.name)})`);
    }
    if (typeof props.org.email !== 'string' || !EMAIL_PATTERN.test(props.org.email)) {
      issues.add('sovereign.org.email', `must be an e-mail address such as ops@example.com (got ${describeValue(props.org.email)})`);
    }
  }
  if (props.fqdnMode !== undefined && props.fqdnMode !== 'substitute' && props.fqdnMode !== 'literal') {
    issues.add('sovereign.fqdnMode', `must be 'substitute' or 'literal' (got ${describeValue(props.fqdnMode)})`);
  }
  if (isObject(props.cloud)) {
    const cloud = props.cloud as { provider?: unknown; regions?: unknown };
    if (!CLOUD_PROVIDERS.includes(cloud.provider as never)) {
      issues.add('sovereign.cloud.provider', `must be one of ${CLOUD_PROVIDERS.join(', ')} (got ${describeValue(cloud.provider)})`);
    }
    if (!Array.isArray(cloud.regions) || cloud.regions.length === 0) {
      issues.add('sovereign.cloud.regions', 'must list at least one region');
    } else if (cloud.provider === 'hetzner') {
      cloud.regions.forEach((r, i) => {
        if (!HETZNER_LOCATIONS.includes(r)) {
          issues.add(`sovereign.cloud.regions[${i}]`, `unknown Hetzner location ${describeValue(r)}; allowed: ${HETZNER_LOCATIONS.join(', ')}`);
        }
      });
    }
  }
  if (props.kit !== undefined) {
    if (props.kit === null || typeof props.kit !== 'object') {
      issues.add('sovereign.kit', `must be an object keyed by kit entry (got ${describeValue(props.kit)})`);
    } else {
      for (const key of Object.keys(props.kit)) {
        if (!(key in KIT)) {
          issues.add(`sovereign.kit.${key}`, `unknown kit entry; allowed: ${Object.keys(KIT).join(', ')}`);
        }
      }
    }
  }
  for (const key of ['cloud', 'distribution', 'gitops'] as const) {
    const v: unknown = props[key];
    if (v !== undefined && (v === null || typeof v !== 'object' || Array.isArray(v))) {
      issues.add(`sovereign.${key}`, `must be an object (got ${describeValue(v)}); leave it out for the default`);
    }
  }
  if (props.blueprints !== undefined && !Array.isArray(props.blueprints)) {
    issues.add('sovereign.blueprints', `must be a list of use(Blueprint, {...}) entries (got ${describeValue(props.blueprints)})`);
  }
  if (isObject(props.distribution)) {
    const d = props.distribution as { mode?: unknown; registry?: unknown };
    if (d.mode !== 'upstream' && d.mode !== 'oci') {
      issues.add('sovereign.distribution.mode', `must be 'upstream' or 'oci' (got ${describeValue(d.mode)})`);
    } else if (d.mode === 'oci' && (typeof d.registry !== 'string' || !/^oci:\/\/[^\s]+[^/\s]$/.test(d.registry))) {
      issues.add('sovereign.distribution.registry', `must be an oci:// registry path without a trailing '/', e.g. oci://ghcr.io/openova-io (got ${describeValue(d.registry)})`);
    }
  }
  if (isObject(props.gitops)) {
    if (typeof props.gitops.url !== 'string' || !/^(https:\/\/|ssh:\/\/|git@)/.test(props.gitops.url)) {
      issues.add('sovereign.gitops.url', `must be an https://, ssh:// or git@ Git URL (got ${describeValue(props.gitops.url)})`);
    }
    if (props.gitops.branch !== undefined && (typeof props.gitops.branch !== 'string' || !/^[A-Za-z0-9._/-]+$/.test(props.gitops.branch))) {
      issues.add('sovereign.gitops.branch', `must be a Git branch name such as main (got ${describeValue(props.gitops.branch)})`);
    }
    if (props.gitops.path !== undefined && (typeof props.gitops.path !== 'string' || props.gitops.path.startsWith('/') || props.gitops.path.includes('..'))) {
      issues.add('sovereign.gitops.path', `must be a relative path inside the repository (got ${describeValue(props.gitops.path)})`);
    }
  }
}
