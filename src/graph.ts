/**
 * The Blueprint dependency graph: the one source of truth for install order. Flux `dependsOn`,
 * blueprint.yaml `depends`, the kit file order and platform.json edges are all read from it.
 */
// Single functions, not the package index (47 modules) that a library import would load.
import { default as semverSatisfies } from 'semver/functions/satisfies';
import { Blueprint, ResolvedDependency } from './blueprint';
import { IssueCollector } from './errors';

/** One edge: `from` needs `to` installed first. */
export interface Edge {
  readonly from: string;
  readonly to: string;
  readonly range: string;
  readonly alias?: string;
}

export interface GraphOptions {
  /** Names of Blueprints the user switched off, to tell "disabled" from "missing". */
  readonly disabled?: ReadonlySet<string>;
  /** Field path used when a problem is about the set of Blueprints as a whole. */
  readonly path?: string;
}

export class BlueprintGraph {
  /** Blueprints in install order (topological, ties broken by kit slot, then name). */
  public readonly ordered: readonly Blueprint[];
  public readonly edges: readonly Edge[];
  private readonly byName: ReadonlyMap<string, Blueprint>;
  private readonly deps: ReadonlyMap<string, readonly string[]>;

  /** Builds and checks the graph; throws a CatalystError listing every problem. */
  constructor(blueprints: readonly Blueprint[], options: GraphOptions = {}) {
    const issues = new IssueCollector();
    const byName = new Map<string, Blueprint>();
    for (const bp of blueprints) {
      const prior = byName.get(bp.name);
      if (prior) {
        issues.add(bp.path, `duplicate Blueprint name bp-${bp.name}: also declared at ${prior.path}; each Blueprint may be installed once per Sovereign`);
        continue;
      }
      byName.set(bp.name, bp);
    }

    const edges: Edge[] = [];
    const deps = new Map<string, string[]>();
    for (const bp of byName.values()) {
      const list: string[] = [];
      const declared: readonly ResolvedDependency[] = bp.dependencies();
      for (const d of declared) {
        const depName = d.blueprint.spec.name;
        const target = byName.get(depName);
        if (!target) {
          if (options.disabled?.has(depName)) {
            issues.add(`${bp.path}.depends`, `bp-${bp.name} depends on bp-${depName}, which is disabled; enable bp-${depName} or disable bp-${bp.name} too`);
          } else {
            issues.add(`${bp.path}.depends`, `bp-${bp.name} depends on bp-${depName}, which this Sovereign does not install; add bp-${depName} to the Sovereign's blueprints`);
          }
          continue;
        }
        if (!semverSatisfies(target.spec.version, d.version)) {
          issues.add(`${bp.path}.depends`, `bp-${bp.name} needs bp-${depName} ${d.version}, but the Sovereign installs bp-${depName} ${target.spec.version}; use a version that satisfies ${d.version}`);
        }
        if (!list.includes(depName)) {
          list.push(depName);
          edges.push({ from: bp.name, to: depName, range: d.version, alias: d.alias });
        }
      }
      deps.set(bp.name, list);
    }

    const cycle = findCycle(deps);
    if (cycle) {
      const start = byName.get(cycle[0]);
      issues.add(`${start?.path ?? options.path ?? 'sovereign'}.depends`, `dependency cycle: ${cycle.map((n) => `bp-${n}`).join(' → ')}; remove one of these dependencies`);
    }
    issues.throwIfAny();

    this.byName = byName;
    this.deps = deps;
    this.edges = edges;
    this.ordered = topoSort(byName, deps);
  }

  public get(name: string): Blueprint | undefined {
    return this.byName.get(name);
  }

  /** Direct dependencies of a Blueprint, in install order. */
  public dependenciesOf(name: string): readonly Blueprint[] {
    const direct = new Set(this.deps.get(name) ?? []);
    return this.ordered.filter((b) => direct.has(b.name));
  }

  /** All transitive dependencies of a Blueprint, in install order. */
  public closureOf(name: string): readonly Blueprint[] {
    const seen = new Set<string>();
    const visit = (n: string) => {
      for (const d of this.deps.get(n) ?? []) {
        if (!seen.has(d)) {
          seen.add(d);
          visit(d);
        }
      }
    };
    visit(name);
    return this.ordered.filter((b) => seen.has(b.name));
  }

  /** Blueprints that depend on `name` directly. */
  public dependantsOf(name: string): readonly Blueprint[] {
    return this.ordered.filter((b) => (this.deps.get(b.name) ?? []).includes(name));
  }

  /** Mermaid flowchart of the graph (edges point from dependency to dependant: install order). */
  public toMermaid(): string {
    const lines = ['flowchart LR'];
    for (const bp of this.ordered) lines.push(`  ${mermaidId(bp.name)}["bp-${bp.name}@${bp.spec.version}"]`);
    for (const e of this.sortedEdges()) lines.push(`  ${mermaidId(e.to)} --> ${mermaidId(e.from)}`);
    return lines.join('\n') + '\n';
  }

  /** Graphviz DOT of the graph. */
  public toDot(): string {
    const lines = ['digraph blueprints {', '  rankdir=LR;', '  node [shape=box, fontname="Helvetica"];'];
    for (const bp of this.ordered) lines.push(`  "bp-${bp.name}" [label="bp-${bp.name}\\n${bp.spec.version}"];`);
    for (const e of this.sortedEdges()) lines.push(`  "bp-${e.to}" -> "bp-${e.from}";`);
    lines.push('}');
    return lines.join('\n') + '\n';
  }

  private sortedEdges(): Edge[] {
    const rank = new Map(this.ordered.map((b, i) => [b.name, i]));
    return [...this.edges].sort((a, b) => rank.get(a.from)! - rank.get(b.from)! || rank.get(a.to)! - rank.get(b.to)!);
  }
}

function mermaidId(name: string): string {
  return name.replace(/-/g, '_');
}

/** The first cycle found, as a closed path `[a, b, …, a]`, or undefined. Deterministic. */
function findCycle(deps: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    state.set(n, 'visiting');
    stack.push(n);
    for (const d of deps.get(n) ?? []) {
      if (!deps.has(d)) continue;
      const s = state.get(d);
      if (s === 'visiting') return [...stack.slice(stack.indexOf(d)), d];
      if (s === undefined) {
        const found = visit(d);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of [...deps.keys()].sort()) {
    if (state.get(n) === undefined) {
      const found = visit(n);
      if (found) return found;
    }
  }
  return undefined;
}

/** Kahn's algorithm; among ready nodes the lowest kit slot goes first, then the name. */
function topoSort(byName: ReadonlyMap<string, Blueprint>, deps: ReadonlyMap<string, readonly string[]>): Blueprint[] {
  const remaining = new Map<string, number>();
  const dependants = new Map<string, string[]>();
  for (const [n, ds] of deps) {
    remaining.set(n, ds.length);
    for (const d of ds) dependants.set(d, [...(dependants.get(d) ?? []), n]);
  }
  const key = (n: string): [number, string] => [byName.get(n)!.spec.slot ?? Number.MAX_SAFE_INTEGER, n];
  const less = (a: string, b: string) => {
    const [sa, na] = key(a);
    const [sb, nb] = key(b);
    return sa !== sb ? sa < sb : na < nb;
  };
  const ready = [...remaining].filter(([, c]) => c === 0).map(([n]) => n);
  const out: Blueprint[] = [];
  while (ready.length) {
    let best = 0;
    for (let i = 1; i < ready.length; i++) if (less(ready[i], ready[best])) best = i;
    const [n] = ready.splice(best, 1);
    out.push(byName.get(n)!);
    for (const m of dependants.get(n) ?? []) {
      const c = remaining.get(m)! - 1;
      remaining.set(m, c);
      if (c === 0) ready.push(m);
    }
  }
  return out;
}
