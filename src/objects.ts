/**
 * Plain Kubernetes objects: what the library's own writers (namespaces, NetworkPolicies, Flux
 * sources and releases, tenants) emit. They are built as data, never as cdk8s constructs: a
 * construct costs a tree node plus cdk8s's resolve pass per value, which at 150,000 objects was
 * most of the synthesis time, and these objects carry no tokens to resolve.
 *
 * Blueprint overlays stay cdk8s constructs (authors extend them); `canonical` gives plain
 * objects the same form `ApiObject.toJson()` gives constructs, so both write the same bytes.
 */
import type { ApiObject } from 'cdk8s';

/** Metadata the writers set. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A Kubernetes object as plain JSON data. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly [field: string]: unknown;
}

/** A Kubernetes object in canonical form (see `canonical`), ready to serialise. */
export interface CanonicalObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

/** Sorted deep copy without null/undefined entries (cdk8s's sanitizeValue with sortKeys). */
function sorted(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(sorted);
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(src).sort()) {
    const v = src[k];
    if (v !== undefined && v !== null) out[k] = sorted(v);
  }
  return out;
}

/** Like `sorted`, and empty maps and lists are dropped (what cdk8s does for metadata). */
function sortedNonEmpty(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.length ? value.map(sortedNonEmpty) : undefined;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let any = false;
  for (const k of Object.keys(src).sort()) {
    const v = sortedNonEmpty(src[k]);
    if (v !== undefined) {
      out[k] = v;
      any = true;
    }
  }
  return any ? out : undefined;
}

/**
 * The canonical form every synthesized object has: `apiVersion`, `kind`, `metadata` first,
 * then the other fields; `name` and `namespace` first in metadata (a reader looks for them
 * first); every other map sorted by key; null and undefined dropped; empty metadata maps
 * dropped. `verbatim` fields (a dotted path such as `spec.values`) are kept as given — Helm
 * values keep their order and their nulls — and appended after the sorted fields of their parent.
 */
export function canonical(obj: KubeObject, verbatim?: { readonly parent: string; readonly key: string; readonly value: unknown }): CanonicalObject {
  const { apiVersion, kind, metadata, ...rest } = obj;
  const { name, namespace, ...metaRest } = metadata;
  const meta: CanonicalObject['metadata'] = { name };
  if (namespace) meta.namespace = namespace;
  const extra = sortedNonEmpty(metaRest) as Record<string, unknown> | undefined;
  if (extra) Object.assign(meta, extra);
  const out: CanonicalObject = { apiVersion, kind, metadata: meta };
  const body = sorted(rest) as Record<string, unknown>;
  if (verbatim) {
    const parent = (body[verbatim.parent] ?? (body[verbatim.parent] = {})) as Record<string, unknown>;
    parent[verbatim.key] = verbatim.value;
  }
  for (const k of Object.keys(body)) out[k] = body[k];
  return out;
}

/** A construct's object in canonical form, with `defaultNamespace` when it names none. */
export function fromApiObject(obj: ApiObject, defaultNamespace?: string): CanonicalObject {
  const json = obj.toJson() as CanonicalObject;
  const { name, namespace, ...rest } = json.metadata;
  const ns = namespace ?? defaultNamespace;
  json.metadata = { name, ...(ns ? { namespace: ns } : {}), ...rest };
  return json;
}

/** A synthesized Kubernetes object with where it came from. */
export interface EmittedObject {
  readonly json: CanonicalObject;
  /** Blueprint that emitted it (or `sovereign`, or `organizations.<org>[.<env>]`). */
  readonly owner: string;
  /** Output file, relative to the cluster folder. */
  readonly file: string;
}
