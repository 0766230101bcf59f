/**
 * OpenAPI v3 schemas as Kubernetes (and so Crossplane XRDs) accept them: generated from TypeBox
 * declarations, checked for the structural-schema rules the API server enforces, and usable as a
 * validator (the same checks the API server runs on a claim, including defaulting), so a test
 * can validate sample claims against the generated schema itself rather than against its source.
 */
import { Kind, OptionalKind, TSchema } from '@sinclair/typebox';
import { CatalystError, describeValue, Issue } from '../../src/errors';
import { clone, isPlainObject } from '../../src/values';

/** A CEL validation rule (`x-kubernetes-validations`). */
export interface CelRule {
  readonly rule: string;
  readonly message: string;
}

/** The OpenAPI v3 subset a CRD/XRD structural schema uses. */
export interface OpenApiSchema {
  readonly 'type'?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly 'description'?: string;
  readonly 'properties'?: { readonly [name: string]: OpenApiSchema };
  readonly 'required'?: readonly string[];
  readonly 'additionalProperties'?: OpenApiSchema;
  readonly 'items'?: OpenApiSchema;
  readonly 'enum'?: readonly (string | number | boolean)[];
  readonly 'pattern'?: string;
  readonly 'format'?: string;
  readonly 'minimum'?: number;
  readonly 'maximum'?: number;
  readonly 'minLength'?: number;
  readonly 'maxLength'?: number;
  readonly 'minItems'?: number;
  readonly 'maxItems'?: number;
  readonly 'default'?: unknown;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-validations'?: readonly CelRule[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const COPIED_KEYWORDS = ['description', 'pattern', 'format', 'minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'default'] as const;

/**
 * Converts a TypeBox schema to an OpenAPI v3 structural schema. Objects become closed
 * `properties` (the API server prunes unknown keys: `additionalProperties: false` is not allowed
 * beside `properties`), records become `additionalProperties` maps, unions of string literals
 * become `enum`s, `Type.Unknown()` becomes `x-kubernetes-preserve-unknown-fields`. Anything
 * a structural schema cannot express is a CatalystError at `where`.
 */
export function toOpenApi(schema: TSchema, where: string): OpenApiSchema {
  const s = schema as TSchema & Record<string, unknown>;
  const kind = s[Kind] as string;
  const out: Mutable<OpenApiSchema> = {};
  for (const k of COPIED_KEYWORDS) {
    if (s[k] !== undefined) (out as Record<string, unknown>)[k] = clone(s[k]);
  }
  const rules = s['x-kubernetes-validations'] as readonly CelRule[] | undefined;
  if (rules) out['x-kubernetes-validations'] = rules.map((r) => ({ rule: r.rule, message: r.message }));
  switch (kind) {
    case 'Object': {
      out.type = 'object';
      const props = (s.properties ?? {}) as Record<string, TSchema>;
      const properties: Record<string, OpenApiSchema> = {};
      const required: string[] = [];
      for (const [name, p] of Object.entries(props)) {
        properties[name] = toOpenApi(p, `${where}.${name}`);
        if (!(p as unknown as Record<symbol, unknown>)[OptionalKind]) required.push(name);
      }
      if (Object.keys(properties).length) out.properties = properties;
      if (required.length) out.required = required;
      if (isPlainObject(s.additionalProperties) && Object.keys(properties).length === 0) {
        out.additionalProperties = toOpenApi(s.additionalProperties as TSchema, `${where}.*`);
      }
      return out;
    }
    case 'Record': {
      const pattern = s.patternProperties as Record<string, TSchema>;
      const [value] = Object.values(pattern);
      out.type = 'object';
      out.additionalProperties = toOpenApi(value, `${where}.*`);
      return out;
    }
    case 'Array':
      out.type = 'array';
      out.items = toOpenApi(s.items as TSchema, `${where}[]`);
      return out;
    case 'String':
      out.type = 'string';
      return out;
    case 'Integer':
      out.type = 'integer';
      return out;
    case 'Number':
      out.type = 'number';
      return out;
    case 'Boolean':
      out.type = 'boolean';
      return out;
    case 'Literal':
      out.type = literalType(s.const, where);
      out.enum = [s.const as string];
      return out;
    case 'Union': {
      const members = s.anyOf as (TSchema & { const?: unknown })[];
      const values = members.map((m) => m.const);
      if (!members.every((m) => (m as unknown as Record<symbol, unknown>)[Kind] === 'Literal') || new Set(values.map((v) => typeof v)).size !== 1) {
        throw CatalystError.at(where, 'a union must be of literals of one type (an enum); a structural schema cannot express other unions');
      }
      out.type = literalType(values[0], where);
      out.enum = values as (string | number | boolean)[];
      return out;
    }
    case 'Unknown':
    case 'Any':
      out['x-kubernetes-preserve-unknown-fields'] = true;
      return out;
    default:
      throw CatalystError.at(where, `TypeBox kind ${kind} has no OpenAPI v3 structural equivalent`);
  }
}

function literalType(v: unknown, where: string): 'string' | 'integer' | 'number' | 'boolean' {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  throw CatalystError.at(where, `literal ${describeValue(v)} is not a string, number or boolean`);
}

/**
 * Checks the rules the API server applies to a CRD's structural schema (and Crossplane to an
 * XRD's): every node typed unless it preserves unknown fields, `properties` and
 * `additionalProperties` not together, patterns RE2 can compile, every `default` valid against
 * its own node.
 */
export function structuralIssues(schema: OpenApiSchema, where: string): Issue[] {
  const issues: Issue[] = [];
  const walk = (s: OpenApiSchema, path: string) => {
    if (!s.type && !s['x-kubernetes-preserve-unknown-fields']) issues.push({ path, message: 'has no type: a structural schema types every node' });
    if (s.properties && s.additionalProperties) issues.push({ path, message: 'has both properties and additionalProperties' });
    if (s.items && s.type !== 'array') issues.push({ path, message: 'has items but is not an array' });
    if (s.pattern !== undefined && /\(\?[=!<]|\\[1-9]/.test(s.pattern)) {
      issues.push({ path, message: `pattern ${JSON.stringify(s.pattern)} uses a look-around or back-reference, which the API server's RE2 engine rejects` });
    }
    if (s.default !== undefined) {
      for (const i of validateOpenApi(s, s.default, `${path}.default`)) issues.push(i);
    }
    for (const r of s.required ?? []) {
      if (!s.properties?.[r]) issues.push({ path, message: `requires ${r}, which is not among its properties` });
    }
    for (const [k, p] of Object.entries(s.properties ?? {})) walk(p, `${path}.${k}`);
    if (s.additionalProperties) walk(s.additionalProperties, `${path}.*`);
    if (s.items) walk(s.items, `${path}[]`);
  };
  walk(schema, where);
  return issues;
}

/**
 * Validates a value against an OpenAPI schema the way the API server does (types, enums,
 * patterns, ranges, lengths, required; unknown fields are pruned, not rejected). Call
 * `applyDefaults` first to validate what the server would store. CEL rules are not evaluated here.
 */
export function validateOpenApi(schema: OpenApiSchema, value: unknown, path: string): Issue[] {
  const issues: Issue[] = [];
  const bad = (message: string) => issues.push({ path, message: `${message} (got ${describeValue(value)})` });
  if (schema['x-kubernetes-preserve-unknown-fields'] && !schema.type) return issues;
  switch (schema.type) {
    case 'object':
      if (!isPlainObject(value)) return bad('must be an object'), issues;
      for (const r of schema.required ?? []) {
        if (value[r] === undefined) issues.push({ path: `${path}.${r}`, message: 'is required' });
      }
      for (const [k, v] of Object.entries(value)) {
        const sub = schema.properties?.[k] ?? schema.additionalProperties;
        if (sub && v !== undefined) issues.push(...validateOpenApi(sub, v, `${path}.${k}`));
      }
      return issues;
    case 'array':
      if (!Array.isArray(value)) return bad('must be an array'), issues;
      if (schema.minItems !== undefined && value.length < schema.minItems) bad(`must have at least ${schema.minItems} items`);
      if (schema.maxItems !== undefined && value.length > schema.maxItems) bad(`must have at most ${schema.maxItems} items`);
      value.forEach((v, i) => schema.items && issues.push(...validateOpenApi(schema.items, v, `${path}[${i}]`)));
      return issues;
    case 'string':
      if (typeof value !== 'string') return bad('must be a string'), issues;
      if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) bad(`must match ${schema.pattern}`);
      if (schema.minLength !== undefined && value.length < schema.minLength) bad(`must be at least ${schema.minLength} characters`);
      if (schema.maxLength !== undefined && value.length > schema.maxLength) bad(`must be at most ${schema.maxLength} characters`);
      if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) bad('must be an RFC 3339 date-time');
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return bad('must be an integer'), issues;
      break;
    case 'number':
      if (typeof value !== 'number') return bad('must be a number'), issues;
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return bad('must be a boolean'), issues;
      break;
    default:
      break;
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) bad(`must be >= ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) bad(`must be <= ${schema.maximum}`);
  }
  if (schema.enum && !schema.enum.includes(value as string)) bad(`must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`);
  return issues;
}

/** Applies `default`s like the API server: for every absent property of a present object. Returns a copy. */
export function applyDefaults<T>(schema: OpenApiSchema, value: T): T {
  if (schema.type === 'object' && isPlainObject(value)) {
    const out: Record<string, unknown> = { ...value };
    for (const [k, p] of Object.entries(schema.properties ?? {})) {
      if (out[k] === undefined && p.default !== undefined) out[k] = clone(p.default);
      if (out[k] !== undefined) out[k] = applyDefaults(p, out[k]);
    }
    if (schema.additionalProperties) {
      for (const k of Object.keys(out)) if (!schema.properties?.[k]) out[k] = applyDefaults(schema.additionalProperties, out[k]);
    }
    return out as T;
  }
  if (schema.type === 'array' && Array.isArray(value) && schema.items) {
    return value.map((v) => applyDefaults(schema.items!, v)) as T;
  }
  return value;
}

/** Number of properties (fields) in a schema, counted over the whole tree. */
export function countFields(schema: OpenApiSchema): number {
  let n = 0;
  for (const p of Object.values(schema.properties ?? {})) n += 1 + countFields(p);
  if (schema.additionalProperties) n += countFields(schema.additionalProperties);
  if (schema.items) n += countFields(schema.items);
  return n;
}
