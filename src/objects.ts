/**
 * Plain Kubernetes objects: what the library's own writers (namespaces, NetworkPolicies, Flux
 * sources and releases, tenants) emit. They are built as data, never as cdk8s constructs: a
 * construct costs a tree node plus cdk8s's resolve pass per value, which at 150,000 objects was
 * most of the synthesis time, and these objects carry no tokens to resolve.
 *
 * Blueprint overlays stay cdk8s constructs (authors extend them); `canonical` gives plain
 * objects the same form `ApiObject.toJson()` gives constructs, so both write the same bytes.
 */
import { ApiObject, App, ImplicitTokenResolver, JsonPatch, Lazy, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';

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

/**
 * The value with every map's keys sorted and null/undefined entries dropped (cdk8s's
 * sanitizeValue with sortKeys); with `dropEmpty`, empty maps and lists are dropped too (what
 * cdk8s does for metadata). A part that is already in that form is returned as is rather than
 * copied: most of what the writers build is, and copying it was a large share of the
 * allocation at scale. So the result may share structure with the input; it is read, never mutated.
 */
function sortedValue(value: unknown, dropEmpty: boolean): unknown {
  if (value === null || value === undefined) return dropEmpty ? undefined : value;
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    if (dropEmpty && value.length === 0) return undefined;
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const s = sortedValue(value[i], dropEmpty);
      if (copy) copy.push(s);
      else if (s !== value[i]) (copy = value.slice(0, i)).push(s);
    }
    return copy ?? value;
  }
  const src = value as Record<string, unknown>;
  const keys = Object.keys(src);
  let inOrder = true;
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1] > keys[i]) {
      inOrder = false;
      break;
    }
  }
  if (!inOrder) keys.sort();
  // While every entry so far is kept unchanged and in order, no copy is needed.
  let copy: Record<string, unknown> | undefined = inOrder ? undefined : {};
  let kept = 0;
  for (let i = 0; i < keys.length; i++) {
    const v = src[keys[i]];
    const s = v === undefined || v === null ? undefined : sortedValue(v, dropEmpty);
    // A dropped entry (s undefined) needs a copy too, even where v was undefined already.
    if (!copy && (s !== v || s === undefined)) {
      copy = {};
      for (let j = 0; j < i; j++) copy[keys[j]] = src[keys[j]];
    }
    if (s !== undefined) {
      kept++;
      if (copy) copy[keys[i]] = s;
    }
  }
  return dropEmpty && kept === 0 ? undefined : copy ?? src;
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
  const extra = sortedValue(metaRest, true) as Record<string, unknown> | undefined;
  if (extra) Object.assign(meta, extra);
  const out: CanonicalObject = { apiVersion, kind, metadata: meta };
  const body = sortedValue(rest, false) as Record<string, unknown>;
  for (const k of Object.keys(body)) out[k] = body[k];
  // A copy of the parent: `sortedValue` may have returned the caller's own object.
  if (verbatim) out[verbatim.parent] = { ...(out[verbatim.parent] as object | undefined), [verbatim.key]: verbatim.value };
  return out;
}

/** A construct's object in canonical form, with `defaultNamespace` when it names none. */
export function fromApiObject(obj: ApiObject, defaultNamespace?: string): CanonicalObject {
  const json = (fastToJson(obj) ?? obj.toJson()) as CanonicalObject;
  const { name, namespace, ...rest } = json.metadata;
  const ns = namespace ?? defaultNamespace;
  json.metadata = { name, ...(ns ? { namespace: ns } : {}), ...rest };
  return json;
}

/*
 * `ApiObject.toJson()` resolves every value through the App's resolvers, looking the App up
 * again for each value, then sanitizes in a second pass: most of the cost of a Blueprint's
 * overlays at scale. `fastToJson` does the same in one pass for the cases it can prove equal —
 * the App has only the built-in resolvers, the object is a plain ApiObject or a k8s L1 whose
 * `toJson` is the generated one — and returns undefined otherwise, so the caller uses toJson().
 * test/core/objects.test.ts compares the two on every overlay of the catalog.
 */

/** Thrown inside the fast pass for a value it does not handle (toJson() then reports it). */
class NotPlain extends Error {}

const defaultResolvers = new WeakMap<App, boolean>();

function hasOnlyBuiltInResolvers(app: App): boolean {
  let ok = defaultResolvers.get(app);
  if (ok === undefined) {
    const r = app.resolvers;
    ok = r.length === 3 && r[0] instanceof LazyResolver && r[1] instanceof ImplicitTokenResolver && r[2] instanceof NumberStringUnionResolver;
    defaultResolvers.set(app, ok);
  }
  return ok;
}

/** Resolves (Lazy, implicit tokens, number/string unions) and sanitizes (sorted keys, no null) one value. */
function resolved(v: unknown, filterEmpty: boolean): unknown {
  if (v === null || v === undefined) return undefined;
  const t = typeof v;
  if (t === 'function') throw new NotPlain();
  if (t !== 'object') return v;
  const o = v as { resolve?: unknown; value?: unknown; constructor?: unknown };
  if (o instanceof Lazy) return resolved(o.produce(), filterEmpty);
  if (typeof o.resolve === 'function') return resolved((o as { resolve(): unknown }).resolve(), filterEmpty);
  if (Array.isArray(v)) {
    if (filterEmpty && v.length === 0) return undefined;
    return v.map((x) => resolved(x, filterEmpty));
  }
  if (o.constructor !== Object) {
    if (typeof o.value === 'number' || typeof o.value === 'string') return { value: o.value };
    throw new NotPlain();
  }
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let any = false;
  for (const k of Object.keys(src).sort()) {
    const r = resolved(src[k], filterEmpty);
    if (r !== undefined && r !== null) {
      out[k] = r;
      any = true;
    }
  }
  return filterEmpty && !any ? undefined : out;
}

interface ApiObjectInternals {
  readonly props: Record<string, unknown>;
  readonly patches: JsonPatch[];
}

interface MetadataInternals {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly finalizers: string[];
  readonly ownerReferences: unknown[];
  readonly _additionalAttributes: Record<string, unknown>;
}

/** The k8s L1 classes whose `toJson` is the generated `{ ...GVK, ...toJson_<Kind>Props(resolved) }`, which `manifest` also is. */
let k8sClasses: Set<unknown> | undefined;

function isGeneratedK8sClass(ctor: unknown): ctor is { manifest(props: unknown): Record<string, unknown> } {
  k8sClasses ??= new Set(Object.values(k8s).filter((c) => typeof c === 'function' && typeof (c as { manifest?: unknown }).manifest === 'function'));
  return k8sClasses.has(ctor);
}

/** What `obj.toJson()` returns, computed in one pass; undefined when that cannot be shown equal. */
export function fastToJson(obj: ApiObject): Record<string, unknown> | undefined {
  if (process.env.CDK8S_DISABLE_SORT) return undefined;
  const ctor = obj.constructor;
  const generated = isGeneratedK8sClass(ctor);
  if (!generated && obj.toJson !== ApiObject.prototype.toJson) return undefined;
  if (!hasOnlyBuiltInResolvers(App.of(obj))) return undefined;
  const internals = obj as unknown as ApiObjectInternals;
  const meta = obj.metadata as unknown as MetadataInternals;
  let json: Record<string, unknown>;
  try {
    const metadata = resolved({
      ...meta._additionalAttributes,
      name: meta.name,
      namespace: meta.namespace,
      annotations: meta.annotations,
      finalizers: meta.finalizers,
      ownerReferences: meta.ownerReferences,
      labels: meta.labels,
    }, true);
    json = resolved({ ...internals.props, metadata }, false) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof NotPlain) return undefined;
    throw e;
  }
  const patched = internals.patches.length ? JsonPatch.apply(json, ...internals.patches) as Record<string, unknown> : json;
  const result: Record<string, unknown> = {};
  for (const k of ['apiVersion', 'kind', 'metadata', ...Object.keys(patched)]) {
    if (k in patched && !(k in result)) result[k] = patched[k];
  }
  return generated ? ctor.manifest(result) : result;
}

/** A synthesized Kubernetes object with where it came from. */
export interface EmittedObject {
  readonly json: CanonicalObject;
  /** Blueprint that emitted it (or `sovereign`, or `organizations.<org>[.<env>]`). */
  readonly owner: string;
  /** Output file, relative to the cluster folder. */
  readonly file: string;
}
