/**
 * Typed values: one TypeBox declaration yields the TypeScript type (`Static<S>`), the JSON Schema
 * (the schema object itself, emitted as a Blueprint's configSchema and values.schema.json) and
 * the runtime check (the compiled validator below). No hand-synced copies.
 */
import { TSchema, Type, TObject, TProperties, ObjectOptions } from '@sinclair/typebox';
import { TypeCompiler, TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import { describeValue, Issue } from './errors';

/** Recursively optional: what a user may pass to override a Blueprint's defaults. */
export type DeepPartial<T> = T extends readonly (infer _U)[]
  ? T
  : T extends object
    ? { readonly [K in keyof T]?: DeepPartial<T[K]> }
    : T;

export type PlainObject = { readonly [key: string]: unknown };

export function isPlainObject(v: unknown): v is PlainObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/**
 * Deep-merges `override` onto `base`. Objects merge key by key; arrays and scalars replace;
 * `null` in the override is kept (it means "unset" to Helm); `undefined` is ignored.
 * Neither input is mutated.
 */
export function deepMerge<T>(base: T, override: unknown): T {
  if (override === undefined) return clone(base);
  if (!isPlainObject(base) || !isPlainObject(override)) return clone(override) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(base)) out[key] = clone((base as PlainObject)[key]);
  for (const key of Object.keys(override)) {
    const o = override[key];
    if (o === undefined) continue;
    out[key] = key in out ? deepMerge(out[key], o) : clone(o);
  }
  return out as T;
}

/** A deep copy of JSON-like data. */
export function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as unknown as T;
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) out[key] = clone(v[key]);
    return out as T;
  }
  return v;
}

/** An object schema that rejects unknown keys: a typo in a values override is an error, not a no-op. */
export function strictObject<P extends TProperties>(properties: P, options: ObjectOptions = {}): TObject<P> {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/** A schema's checks: interpreted for the first few uses, compiled once it is used often. */
interface Checker {
  Check(value: unknown): boolean;
  Errors(value: unknown): Iterable<import('@sinclair/typebox/errors').ValueError>;
}

const uses = new WeakMap<TSchema, number>();
const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

/**
 * Compiling a schema costs about as much as a few dozen interpreted checks; most Blueprint
 * schemas are checked once per synth, Application schemas once per Environment that uses them.
 */
function checker(schema: TSchema): Checker {
  const c = compiled.get(schema);
  if (c) return c;
  const n = (uses.get(schema) ?? 0) + 1;
  uses.set(schema, n);
  if (n > 8) {
    const fresh = TypeCompiler.Compile(schema);
    compiled.set(schema, fresh);
    return fresh;
  }
  return { Check: (v) => Value.Check(schema, v), Errors: (v) => Value.Errors(schema, v) };
}

/** `/a/b/0` → `.a.b[0]` appended to `prefix`. */
export function pointerToPath(prefix: string, pointer: string): string {
  if (pointer === '' || pointer === '/') return prefix;
  let out = prefix;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^[0-9]+$/.test(seg) ? `[${seg}]` : /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** The JSON Schema keywords an error message can quote as "what is allowed". */
interface SchemaFacets {
  anyOf?: TSchema[];
  const?: unknown;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  type?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}

function allowedOf(schema: TSchema): string | undefined {
  const s = schema as TSchema & SchemaFacets;
  if (Array.isArray(s.anyOf) && s.anyOf.every((x) => 'const' in x)) {
    return `one of ${s.anyOf.map((x) => JSON.stringify((x as unknown as { const: unknown }).const)).join(', ')}`;
  }
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((x) => JSON.stringify(x)).join(', ')}`;
  if (s.pattern) return `a string matching ${s.pattern}`;
  if (s.format) return article(s.format);
  const range: string[] = [];
  if (s.minimum !== undefined) range.push(`>= ${s.minimum}`);
  if (s.maximum !== undefined) range.push(`<= ${s.maximum}`);
  if (range.length) return `${article(s.type ?? 'number')} ${range.join(' and ')}`;
  if (s.minLength !== undefined || s.maxLength !== undefined) return `a string of ${s.minLength ?? 0} to ${s.maxLength ?? '∞'} characters`;
  if (s.minItems !== undefined || s.maxItems !== undefined) return `a list of ${s.minItems ?? 0} to ${s.maxItems ?? '∞'} items`;
  if (s.type) return article(s.type);
  return undefined;
}

function article(word: string): string {
  return `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
}

/**
 * Checks `value` against `schema`; returns one issue per problem, each naming the field path
 * under `prefix`, what was wrong and what is allowed.
 */
export function validateAgainst(schema: TSchema, value: unknown, prefix: string): Issue[] {
  const check = checker(schema);
  if (check.Check(value)) return [];
  const issues: Issue[] = [];
  const seen = new Set<string>();
  for (const err of check.Errors(value)) {
    const path = pointerToPath(prefix, err.path);
    let message: string;
    if (err.type === ValueErrorType.ObjectAdditionalProperties) {
      // TypeBox reports the unknown key in the path of the offending property.
      const parentSchema = err.schema as TObject;
      const allowed = Object.keys(parentSchema.properties ?? {});
      message = `unknown key; allowed keys here: ${allowed.join(', ') || '(none)'}`;
    } else if (err.type === ValueErrorType.ObjectRequiredProperty) {
      const allowed = allowedOf(err.schema);
      message = `is required${allowed ? `: give ${allowed}` : ''}`;
    } else {
      const allowed = allowedOf(err.schema);
      message = `${err.message.replace(/^Expected /, 'expected ')} (got ${describeValue(err.value)})${allowed ? `; allowed: ${allowed}` : ''}`;
    }
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ path, message });
  }
  return issues;
}

/**
 * The JSON Schema document of a TypeBox schema: plain data without TypeBox's symbol keys
 * (JSON.stringify leaves symbol keys out; TypeBox schemas are plain objects).
 */
export function toJsonSchema(schema: TSchema): PlainObject {
  return JSON.parse(JSON.stringify(schema)) as PlainObject;
}

/**
 * The JSON Schema with each property's `default` taken from a defaults object, so the published
 * configSchema shows the same defaults the Blueprint applies (declared once, in the spec).
 */
export function schemaWithDefaults(schema: TSchema, defaults: unknown): PlainObject {
  const out = toJsonSchema(schema) as Record<string, unknown>;
  annotate(out, defaults);
  return out;
}

const published = new WeakMap<TSchema, WeakMap<object, PlainObject>>();

/**
 * schemaWithDefaults for the writers, made once per schema and defaults object: blueprint.yaml
 * and the chart's values.schema.json both publish it. The result is shared: read it, never change it.
 */
export function publishedSchema(schema: TSchema, defaults: unknown): PlainObject {
  if (typeof defaults !== 'object' || defaults === null) return schemaWithDefaults(schema, defaults);
  let byDefaults = published.get(schema);
  if (!byDefaults) published.set(schema, (byDefaults = new WeakMap()));
  let out = byDefaults.get(defaults);
  if (!out) byDefaults.set(defaults, (out = schemaWithDefaults(schema, defaults)));
  return out;
}

function annotate(schema: Record<string, unknown>, value: unknown): void {
  if (value === undefined) return;
  const props = schema.properties as Record<string, Record<string, unknown>> | undefined;
  if (props && isPlainObject(value)) {
    for (const key of Object.keys(props)) annotate(props[key], value[key]);
    return;
  }
  schema.default = clone(value);
}
