/**
 * Writes `blueprints/bp-<name>/blueprint.yaml`: the `catalyst.openova.io/v1alpha1` Blueprint
 * resource, generated from the same class as the HelmRelease, so versions and dependencies
 * cannot drift apart (upstream bugs 1f5c76d and "blueprint depends ≠ HelmRelease dependsOn").
 */
import { Blueprint } from '../blueprint';
import { BlueprintGraph } from '../graph';
import { publishedSchema } from '../values';
import { JsonValue } from '../yaml';

export const BLUEPRINT_API_VERSION = 'catalyst.openova.io/v1alpha1';

export function blueprintResource(bp: Blueprint, graph: BlueprintGraph): JsonValue {
  const spec = bp.spec;
  const labels: Record<string, string> = { 'catalyst.openova.io/section': spec.section };
  if (spec.category) labels['catalyst.openova.io/category'] = spec.category;
  const card: Record<string, JsonValue> = { title: spec.card.title, summary: spec.card.summary };
  if (spec.card.icon) card.icon = spec.card.icon;
  if (spec.card.category) card.category = spec.card.category;
  if (spec.card.tags) card.tags = [...spec.card.tags];
  if (spec.card.documentation) card.documentation = spec.card.documentation;
  if (spec.card.license) card.license = spec.card.license;
  const depends = graph.edges
    .filter((e) => e.from === bp.name)
    .map((e) => ({ blueprint: `bp-${e.to}`, version: e.range, ...(e.alias ? { alias: e.alias } : {}) }));
  const outputs = bp.outputs();
  const body: Record<string, JsonValue> = {
    version: spec.version,
    card,
    visibility: spec.visibility ?? 'unlisted',
    manifests: spec.upstream.length
      ? { chart: './chart', upstream: spec.upstream.map((u) => ({ chart: u.chart, version: u.version, repository: u.repository })) }
      : { chart: './chart' },
    depends,
    configSchema: publishedSchema(spec.values, spec.defaults) as JsonValue,
  };
  if (spec.placement) {
    body.placementSchema = {
      modes: [...spec.placement.modes],
      default: spec.placement.default,
      ...(spec.placement.minRegions !== undefined ? { minRegions: spec.placement.minRegions } : {}),
      ...(spec.placement.maxRegions !== undefined ? { maxRegions: spec.placement.maxRegions } : {}),
    };
  }
  if (spec.owner) body.owner = { team: spec.owner.team, contact: spec.owner.contact };
  if (spec.upgradesFrom) body.upgrades = { from: [...spec.upgradesFrom] };
  if (Object.keys(outputs).length) body.outputs = { ...outputs };
  return {
    apiVersion: BLUEPRINT_API_VERSION,
    kind: 'Blueprint',
    metadata: { name: bp.publishedName, labels },
    spec: body,
  };
}
