/**
 * The catalog: every Blueprint class this library ships (and any a third party registers),
 * as data for `catalyst catalog` and for marketplace UIs.
 */
import { BlueprintClass, defaultRange, resolveRef, UpstreamChart, Visibility } from './blueprint';
import { APPLICATIONS } from '../blueprints/apps';
import { KIT } from '../blueprints/kit';

export interface CatalogEntry {
  readonly name: string;
  readonly version: string;
  readonly visibility: Visibility;
  readonly title: string;
  readonly summary: string;
  readonly section: string;
  readonly slot?: number;
  readonly namespace: string;
  readonly upstream: readonly UpstreamChart[];
  readonly depends: readonly string[];
  readonly inKit: boolean;
}

const registered: BlueprintClass[] = [];

/** Adds a Blueprint class (e.g. from a third-party npm package) to the catalog. */
export function registerBlueprint(cls: BlueprintClass): void {
  if (!registered.includes(cls)) registered.push(cls);
}

function entry(cls: BlueprintClass, inKit: boolean): CatalogEntry {
  const s = cls.spec;
  return {
    name: `bp-${s.name}`,
    version: s.version,
    visibility: s.visibility ?? 'unlisted',
    title: s.card.title,
    summary: s.card.summary,
    section: s.section,
    slot: s.slot,
    namespace: s.namespace,
    upstream: s.upstream,
    depends: (s.depends ?? []).map((d) => {
      const ref = typeof d === 'object' && 'blueprint' in d ? d : { blueprint: d, version: undefined };
      const dep = resolveRef(ref.blueprint);
      return `bp-${dep.spec.name} ${ref.version ?? defaultRange(dep.spec.version)}`;
    }),
    inKit,
  };
}

/** Every known Blueprint: the kit in slot order, the application Blueprints in slot order, then registered ones by name. */
export function catalog(): readonly CatalogEntry[] {
  const kit = Object.values(KIT) as BlueprintClass[];
  const apps = (Object.values(APPLICATIONS) as BlueprintClass[]).filter((c) => !kit.includes(c));
  const extra = registered.filter((c) => !kit.includes(c) && !apps.includes(c)).sort((a, b) => a.spec.name.localeCompare(b.spec.name));
  return [...kit.map((c) => entry(c, true)), ...[...apps, ...extra].map((c) => entry(c, false))];
}
