/**
 * Writes `charts/bp-<name>/`: a real Helm chart per Blueprint, from the same class as the
 * HelmRelease and the blueprint.yaml (the upstream's "umbrella chart" convention, §2.4):
 *
 *   Chart.yaml          apiVersion v2, version = the Blueprint's, upstream charts as dependencies
 *   values.yaml         each upstream chart's values under its name + catalystBlueprint.upstream provenance
 *   values.schema.json  the shape of values.yaml; the Blueprint's typed config schema under $defs
 *   templates/          the overlays of built-in kinds, one file per object
 *   README.md           from the card
 *
 * Overlays whose CRDs a HelmRelease installs stay in the Flux tree's infrastructure/ folder in
 * both distribution modes: a chart must never carry a CRD and its CRs in one release (§2.5.5).
 */
import { Blueprint } from '../blueprint';
import { FileRecipe, renderFile } from '../render';
import { publishedSchema } from '../values';
import { JsonValue } from '../yaml';
import { SlotOutput, umbrellaValues } from './flux';

const MAINTAINER = { name: 'OpenOva Catalyst', email: 'catalyst@openova.io' };

export { escapeHelmTemplate } from '../render';

function provenance(bp: Blueprint): JsonValue {
  const primary = bp.spec.upstream[bp.spec.upstream.length - 1];
  return {
    upstream: primary ? { chart: primary.chart, version: primary.version, repo: primary.repository } : null,
    ...(bp.spec.upstream.length > 1 ? { upstreams: bp.spec.upstream.map((u) => ({ chart: u.chart, version: u.version, repo: u.repository })) } : {}),
  };
}

function templateName(json: { kind: string; metadata: { name: string; namespace?: string } }): string {
  const ns = json.metadata.namespace ? `${json.metadata.namespace}-` : '';
  return `${json.kind.toLowerCase()}-${ns}${json.metadata.name}.yaml`.replace(/[^a-z0-9.-]/gi, '-');
}

/** Files of one Blueprint's chart, keyed by path relative to the output directory. */
export function chartFiles(slot: SlotOutput): Map<string, string> {
  return new Map([...chartRecipes(slot)].map(([p, r]) => [p, renderFile(r)]));
}

/** What each file of one Blueprint's chart is made of (see src/render.ts). */
export function chartRecipes(slot: SlotOutput): Map<string, FileRecipe> {
  const bp = slot.blueprint;
  const dir = `charts/${bp.publishedName}`;
  const files = new Map<string, FileRecipe>();
  const spec = bp.spec;
  const chartYaml: Record<string, JsonValue> = {
    apiVersion: 'v2',
    name: bp.publishedName,
    description: spec.card.summary,
    type: 'application',
    version: spec.version,
    ...(spec.upstream.length ? { appVersion: spec.upstream[spec.upstream.length - 1].version } : {}),
    keywords: ['catalyst', 'blueprint', spec.name],
    maintainers: [MAINTAINER],
    // Helm wants an icon URL; a bare file name (the card convention) is not one.
    ...(spec.card.icon && /^https:\/\//.test(spec.card.icon) ? { icon: spec.card.icon } : {}),
    ...(spec.upstream.length
      ? { dependencies: spec.upstream.map((u) => ({ name: u.chart, version: u.version, repository: u.repository })) }
      : {}),
    annotations: {
      'catalyst.openova.io/section': spec.section,
      ...(spec.upstream.length ? {} : { 'catalyst.openova.io/no-upstream': 'true' }),
    },
  };
  files.set(`${dir}/Chart.yaml`, { yaml: chartYaml });

  const values = { ...umbrellaValues(bp), catalystBlueprint: provenance(bp) } as JsonValue;
  files.set(`${dir}/values.yaml`, { yaml: values });

  const properties: Record<string, JsonValue> = {
    catalystBlueprint: {
      type: 'object',
      properties: {
        upstream: { type: ['object', 'null'], properties: { chart: { type: 'string' }, version: { type: 'string' }, repo: { type: 'string' } } },
        upstreams: { type: 'array' },
      },
      additionalProperties: false,
    },
  };
  for (const u of spec.upstream) properties[u.chart] = { type: 'object', description: `values of the upstream chart ${u.chart}@${u.version}` };
  files.set(`${dir}/values.schema.json`, {
    json: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: `${bp.publishedName} values`,
      type: 'object',
      properties,
      $defs: { config: publishedSchema(spec.values, spec.defaults) as JsonValue },
    },
    // Built here from JSON.parse output and literals.
    plain: true,
  });

  const seen = new Set<string>();
  for (const o of slot.overlays) {
    let name = templateName(o.json);
    for (let i = 2; seen.has(name); i++) name = name.replace(/(-\d+)?\.yaml$/, `-${i}.yaml`);
    seen.add(name);
    files.set(`${dir}/templates/${name}`, { yaml: o.json as unknown as JsonValue, helm: true });
  }

  const lines = [
    `# ${bp.publishedName} ${spec.version}`,
    '',
    spec.card.summary,
    '',
    `- Title: ${spec.card.title}`,
    `- Namespace: ${bp.namespace}`,
    `- Upstream: ${spec.upstream.map((u) => `${u.chart}@${u.version} (${u.repository})`).join(', ') || 'none (manifests only)'}`,
    ...(spec.card.documentation ? [`- Documentation: ${spec.card.documentation}`] : []),
    ...(spec.card.license ? [`- License: ${spec.card.license}`] : []),
    '',
    'Generated by catalyst-cdk from the Blueprint class; values.yaml holds the Sovereign\'s values.',
    ...(slot.infrastructure.length ? ['', `Objects installed after the kit (infrastructure/): ${slot.infrastructure.map((o) => `${o.json.kind}/${o.json.metadata.name}`).join(', ')}.`] : []),
    '',
  ];
  files.set(`${dir}/README.md`, { text: lines.join('\n') });
  return files;
}
