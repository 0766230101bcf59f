/**
 * Crossplane field paths (`spec.parameters.listeners[0].port`,
 * `metadata.annotations[crossplane.io/external-name]`) parsed and resolved against a schema,
 * so a patch that reads or writes a field the schema does not have fails at synth time instead
 * of silently doing nothing in the cluster.
 */
import { OpenApiSchema } from './openapi';

/** One step of a field path: a field name or an array index. */
export type PathSegment = { readonly field: string } | { readonly index: number };

/** Parses a Crossplane field path; returns an error message for malformed ones. */
export function parseFieldPath(path: string): PathSegment[] | string {
  const out: PathSegment[] = [];
  let i = 0;
  let expectField = true;
  while (i < path.length) {
    const c = path[i];
    if (c === '[') {
      const end = path.indexOf(']', i);
      if (end < 0) return `unclosed '[' at ${i}`;
      const inner = path.slice(i + 1, end);
      if (inner === '') return `empty [] at ${i}`;
      if (/^["']/.test(inner)) return `quoted key ${inner}: Crossplane field paths take keys without quotes`;
      out.push(/^[0-9]+$/.test(inner) ? { index: Number(inner) } : { field: inner });
      i = end + 1;
      expectField = false;
    } else if (c === '.') {
      if (expectField) return `empty segment at ${i}`;
      i += 1;
      expectField = true;
    } else {
      if (!expectField) return `expected '.' or '[' at ${i}`;
      let j = i;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j += 1;
      out.push({ field: path.slice(i, j) });
      i = j;
      expectField = false;
    }
  }
  if (expectField) return out.length === 0 ? 'empty path' : 'path ends with "."';
  return out;
}

/** Converts a kubectl printer-column JSONPath (`.spec.parameters.region`) to a field path. */
export function jsonPathToFieldPath(jsonPath: string): string {
  return jsonPath.replace(/^\./, '');
}

/**
 * Marks a schema node built from an example value (a provider-kubernetes manifest): a field
 * path may add one new last field below it, but every intermediate step must exist.
 */
export const SHAPE_KEY = 'x-catalyst-shape';

/**
 * Results by schema and path. A Sovereign checks thousands of patch paths, mostly the same few
 * hundred against the same few schemas (schemas are built once and never changed).
 */
const resolvedPaths = new WeakMap<OpenApiSchema, Map<string, OpenApiSchema | string>>();

/** The schema node at `path`, or an error message naming the first step that does not exist. */
export function resolveFieldPath(schema: OpenApiSchema, path: string): OpenApiSchema | string {
  let byPath = resolvedPaths.get(schema);
  if (!byPath) resolvedPaths.set(schema, (byPath = new Map()));
  let r = byPath.get(path);
  if (r === undefined) byPath.set(path, (r = resolve(schema, path)));
  return r;
}

function resolve(schema: OpenApiSchema, path: string): OpenApiSchema | string {
  const segments = parseFieldPath(path);
  if (typeof segments === 'string') return `malformed field path ${JSON.stringify(path)}: ${segments}`;
  let node: OpenApiSchema = schema;
  let walked = '';
  for (let n = 0; n < segments.length; n++) {
    const seg = segments[n];
    const last = n === segments.length - 1;
    if (node['x-kubernetes-preserve-unknown-fields'] && !(node as Record<string, unknown>)[SHAPE_KEY]) return {};
    const shape = Boolean((node as Record<string, unknown>)[SHAPE_KEY]);
    if ('index' in seg) {
      if (node.type !== 'array' || !node.items) return `${walked || '(root)'} is not a list, so [${seg.index}] does not exist`;
      if (node.maxItems !== undefined && seg.index >= node.maxItems) return `${walked}[${seg.index}] is beyond maxItems ${node.maxItems}`;
      node = node.items;
      walked += `[${seg.index}]`;
      continue;
    }
    const next = node.properties?.[seg.field] ?? node.additionalProperties;
    walked += walked ? `.${seg.field}` : seg.field;
    if (!next) {
      if (shape && last) return {};
      const known = Object.keys(node.properties ?? {});
      return `${walked} does not exist${known.length ? `; fields here: ${known.join(', ')}` : ''}`;
    }
    node = next;
  }
  return node;
}
