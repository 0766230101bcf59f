/**
 * Real schema validation of synthesized Kubernetes objects (issue 3).
 *
 * Every object is checked against a published schema of its exact apiVersion and kind:
 *  - built-in kinds: the `kubernetes-models` classes (Kubernetes OpenAPI, compiled with ajv);
 *  - Flux, cert-manager, External Secrets (and Gateway API): the `@kubernetes-models/*` CRD
 *    packages;
 *  - CloudNativePG, Crossplane and the catalyst Blueprint: schemas vendored under
 *    test/fixtures/crd-schemas/ (no npm package ships them; sources in that folder's README),
 *    compiled with the ajv 8 that @kubernetes-models/validate bundles;
 *  - kinds whose CRD or Crossplane XRD is itself part of the checked set: that definition's schema.
 * A kind with no schema is an error ("no schema for <apiVersion> <kind>"): nothing passes silently.
 *
 * Strict mode (the default) also rejects fields the schema does not declare, which the
 * Kubernetes validators never do (the API server prunes them silently, so a misspelt field is
 * lost without a word). The npm packages ship only compiled validators, not JSON schemas, so the
 * declared fields are observed instead of read: the object is validated through proxies that
 * record which properties the compiled schema looks at. A property of an object whose schema
 * declares properties, that the schema never looked at, is unknown. An object the schema never
 * looked into (x-kubernetes-preserve-unknown-fields, e.g. HelmRelease spec.values, or a bare
 * `type: object`) is free-form, and one whose keys it enumerated (additionalProperties, maps
 * such as labels) accepts any key.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const NODE_MODULES = path.join(ROOT, 'node_modules');
/** Folder of the vendored schemas (one JSON file per API family). */
export const CRD_SCHEMA_DIR = path.join(ROOT, 'test', 'fixtures', 'crd-schemas');

/** npm packages holding `kubernetes-models` classes, tried in this order. */
const MODEL_PACKAGES = [
  'kubernetes-models',
  '@kubernetes-models/flux-cd',
  '@kubernetes-models/cert-manager',
  '@kubernetes-models/external-secrets',
  '@kubernetes-models/gateway-api',
] as const;

export interface ValidateOptions {
  /** Also reject fields the schema does not declare (default true). */
  readonly strict?: boolean;
}

/** An ajv error object, as both ajv and the compiled kubernetes-models validators produce it. */
interface AjvError {
  instancePath: string;
  schemaPath?: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

interface ValidateContext {
  readonly instancePath?: string;
  readonly parentData?: unknown;
  readonly parentDataProperty?: string | number;
  readonly rootData?: unknown;
}

type ValidateFn = ((data: unknown, ctx?: ValidateContext) => boolean) & { errors?: AjvError[] | null };

interface KeywordDefinition {
  readonly keyword: string;
  readonly schemaType?: string;
  readonly errors?: boolean;
  readonly validate?: ((schema: unknown, data: unknown, parentSchema?: unknown, dataCxt?: ValidateContext) => boolean) & { errors?: AjvError[] };
}

/** The part of the ajv 8 API used here. */
interface Ajv {
  errors?: AjvError[] | null;
  compile(schema: object): ValidateFn;
  addKeyword(def: KeywordDefinition | string): void;
  addFormat(name: string, format: unknown): void;
  validateSchema(schema: unknown): boolean;
}

/** A kubernetes-models class: its prototype's validate() runs the compiled schema on `this`. */
interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  readonly prototype: { validate(this: unknown): void };
}

/** A schema for one apiVersion/kind, and where it comes from (for reports). */
export interface KindSchema {
  readonly source: string;
  /** Validates the (tracked) object; returns ajv errors, localized. */
  readonly run: (data: unknown) => AjvError[];
}

export interface K8sLike {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly [k: string]: unknown;
}

// -------------------------------------------------------------------------------------------
// Loading the validators

function packageDir(pkg: string): string {
  return path.join(NODE_MODULES, ...pkg.split('/'));
}

function packageVersion(pkg: string): string {
  return (JSON.parse(fs.readFileSync(path.join(packageDir(pkg), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Requires `id` as resolved from `dir` (ajv 8 and ajv-i18n are nested under @kubernetes-models/validate). */
function requireFrom<T>(dir: string, id: string): T {
  return require(require.resolve(id, { paths: [dir] })) as T;
}

const VALIDATE_DIR = packageDir('@kubernetes-models/validate');
const localizeEn = requireFrom<(errors: AjvError[] | null | undefined) => void>(VALIDATE_DIR, 'ajv-i18n/localize/en');

/** Compiled kubernetes-models validator of a definition, e.g. IoK8sApiCoreV1ResourceRequirements. */
function definitionValidator(name: string): ValidateFn {
  const pkg = name.startsWith('IoK8sApimachinery') ? '@kubernetes-models/apimachinery' : 'kubernetes-models';
  const file = path.join(packageDir(pkg), '_schemas', `${name}.js`);
  if (!fs.existsSync(file)) throw new Error(`x-catalyst-k8s-type: ${pkg} has no definition ${name}`);
  return (require(`${pkg}/_schemas/${name}`) as { validate: ValidateFn }).validate;
}

const objectMetaValidator = (): ValidateFn => definitionValidator('IoK8sApimachineryPkgApisMetaV1ObjectMeta');

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The object behind a tracking proxy (what a keyword must see without marking reads). */
const RAW = new WeakMap<object, unknown>();

function newAjv(): Ajv {
  const AjvClass = requireFrom<{ default: new (opts: object) => Ajv }>(VALIDATE_DIR, 'ajv').default;
  const ajv = new AjvClass({
    allErrors: true,
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    // The API server applies a CRD's defaults before it validates: a required field with a default may be omitted.
    useDefaults: true,
    validateFormats: true,
  });
  const { formats } = require('@kubernetes-models/validate') as { formats: Record<string, unknown> };
  for (const [name, format] of Object.entries(formats)) ajv.addFormat(name, format);

  // Structural-schema extensions: annotations ajv must accept but that constrain nothing here.
  // (x-kubernetes-validations holds CEL rules, which only the API server can evaluate.)
  for (const keyword of ['x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-validations']) {
    ajv.addKeyword(keyword);
  }
  // Free-form: validate() always passes, but it makes ajv look at the property (so strict mode sees it declared).
  ajv.addKeyword({ keyword: 'x-kubernetes-preserve-unknown-fields', schemaType: 'boolean', validate: () => true });
  ajv.addKeyword(keywordCheck('x-kubernetes-int-or-string', (on, data) => !on || typeof data === 'string' || Number.isInteger(data), () => 'must be an integer or a string'));
  ajv.addKeyword(keywordCheck(
    'x-kubernetes-embedded-resource',
    (on, data) => !on || (isPlainObject(data) && typeof data.apiVersion === 'string' && typeof data.kind === 'string'),
    () => 'must be an embedded Kubernetes object with apiVersion and kind',
  ));
  // A Kubernetes type embedded in a CRD (the real CRD inlines it): validated by kubernetes-models, on the
  // tracking proxy, so strict mode sees the fields that type declares.
  const typeCache = new Map<string, ValidateFn>();
  const k8sType = Object.assign(
    (name: unknown, data: unknown, _parent?: unknown, cxt?: ValidateContext): boolean => {
      const n = String(name);
      let fn = typeCache.get(n);
      if (!fn) typeCache.set(n, (fn = definitionValidator(n)));
      const ok = fn(data, { instancePath: cxt?.instancePath ?? '', parentData: cxt?.parentData, parentDataProperty: cxt?.parentDataProperty, rootData: cxt?.rootData });
      k8sType.errors = ok ? [] : [...(fn.errors ?? [])];
      return ok;
    },
    { errors: [] as AjvError[] },
  );
  ajv.addKeyword({ keyword: 'x-catalyst-k8s-type', schemaType: 'string', errors: true, validate: k8sType });
  // A JSON Schema document (Blueprint spec.configSchema): its top level describes an object, and it
  // passes the JSON Schema meta-schema. Free-form for strict mode: it is read without the proxy.
  ajv.addKeyword(keywordCheck('x-catalyst-json-schema', (on, data) => {
    if (!on || !isPlainObject(data)) return true;
    return data.type === 'object' && ajv.validateSchema(data);
  }, (data) => {
    if (isPlainObject(data) && data.type !== 'object') return 'must have type "object" (a configSchema describes an object)';
    const first = (ajv.errors ?? []).slice(0, 3).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
    return `is not a valid JSON Schema: ${first.join('; ')}`;
  }));
  return ajv;
}

/**
 * An ajv keyword that checks the raw value (never the tracking proxy, so it marks no field as
 * declared) and reports one message.
 */
function keywordCheck(keyword: string, test: (schemaValue: unknown, raw: unknown) => boolean, message: (raw: unknown) => string): KeywordDefinition {
  const validate = Object.assign(
    (schemaValue: unknown, data: unknown, _parent?: unknown, cxt?: ValidateContext): boolean => {
      const raw = isPlainObject(data) ? RAW.get(data) ?? data : data;
      const ok = test(schemaValue, raw);
      validate.errors = ok ? [] : [{ instancePath: cxt?.instancePath ?? '', keyword, params: {}, message: message(raw) }];
      return ok;
    },
    { errors: [] as AjvError[] },
  );
  return { keyword, errors: true, validate };
}

let sharedAjv: Ajv | undefined;
function theAjv(): Ajv {
  return (sharedAjv ??= newAjv());
}

/** Formats a CRD schema uses that ajv does not know are accepted as annotations (the API server ignores unknown formats too). */
function allowUnknownFormats(ajv: Ajv, schema: unknown, known: Set<string>): void {
  const visit = (s: unknown): void => {
    if (Array.isArray(s)) return s.forEach(visit);
    if (!isPlainObject(s)) return;
    if (typeof s.format === 'string' && !known.has(s.format)) {
      ajv.addFormat(s.format, true);
      known.add(s.format);
    }
    Object.values(s).forEach(visit);
  };
  visit(schema);
}
const knownFormats = new Set<string>();

/** A schema compiled with ajv, plus ObjectMeta validation of `metadata` (CRD schemas only say `type: object`). */
function ajvKind(source: string, schema: object): KindSchema {
  const ajv = theAjv();
  if (knownFormats.size === 0) {
    const { formats } = require('@kubernetes-models/validate') as { formats: Record<string, unknown> };
    Object.keys(formats).forEach((f) => knownFormats.add(f));
  }
  allowUnknownFormats(ajv, schema, knownFormats);
  const fn = ajv.compile(schema);
  const meta = objectMetaValidator();
  return {
    source,
    run: (data) => {
      const errors: AjvError[] = [];
      if (!fn(data)) errors.push(...(fn.errors ?? []));
      if (isPlainObject(data) && data.metadata !== undefined && !meta(data.metadata, { instancePath: '/metadata', parentData: data, parentDataProperty: 'metadata', rootData: data })) {
        errors.push(...(meta.errors ?? []));
      }
      return errors;
    },
  };
}

function modelKind(apiVersion: string, kind: string): KindSchema | undefined {
  for (const pkg of MODEL_PACKAGES) {
    if (!fs.existsSync(path.join(packageDir(pkg), ...apiVersion.split('/'), `${kind}.js`))) continue;
    const mod = require(`${pkg}/${apiVersion}/${kind}`) as Record<string, ModelClass | undefined>;
    const cls = mod[kind];
    if (!cls || cls.apiVersion !== apiVersion || cls.kind !== kind) continue;
    return {
      source: `${pkg}@${packageVersion(pkg)}`,
      run: (data) => {
        try {
          cls.prototype.validate.call(data);
          return [];
        } catch (e) {
          const errors = (e as { errors?: AjvError[] }).errors;
          if (!Array.isArray(errors)) throw e;
          return errors;
        }
      },
    };
  }
  return undefined;
}

interface VendoredFile {
  readonly source: string;
  readonly definitions?: Record<string, unknown>;
  readonly kinds: ReadonlyArray<{ readonly apiVersion: string; readonly kind: string; readonly schema: Record<string, unknown> }>;
}

let vendored: Map<string, () => KindSchema> | undefined;
/** apiVersion/kind → lazily compiled schema, for every kind in test/fixtures/crd-schemas/*.json. */
function vendoredKinds(): Map<string, () => KindSchema> {
  if (vendored) return vendored;
  vendored = new Map();
  for (const file of fs.readdirSync(CRD_SCHEMA_DIR).filter((f) => f.endsWith('.json')).sort()) {
    const doc = JSON.parse(fs.readFileSync(path.join(CRD_SCHEMA_DIR, file), 'utf8')) as VendoredFile;
    for (const k of doc.kinds) {
      let compiled: KindSchema | undefined;
      vendored.set(`${k.apiVersion}/${k.kind}`, () =>
        (compiled ??= ajvKind(`test/fixtures/crd-schemas/${file}`, { $id: `catalyst:${file}/${k.apiVersion}/${k.kind}`, definitions: doc.definitions ?? {}, ...k.schema })),
      );
    }
  }
  return vendored;
}

// -------------------------------------------------------------------------------------------
// Schemas from definitions in the checked set (CRDs and Crossplane XRDs)

const CLAIM_SPEC_FIELDS = {
  compositionRef: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
  compositionSelector: { type: 'object', required: ['matchLabels'], properties: { matchLabels: { type: 'object', additionalProperties: { type: 'string' } } } },
  compositionRevisionRef: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
  compositionRevisionSelector: { type: 'object', required: ['matchLabels'], properties: { matchLabels: { type: 'object', additionalProperties: { type: 'string' } } } },
  compositionUpdatePolicy: { type: 'string', enum: ['Automatic', 'Manual'] },
  publishConnectionDetailsTo: {
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string' },
      configRef: { type: 'object', properties: { name: { type: 'string' } } },
      metadata: { type: 'object', properties: { labels: { type: 'object', additionalProperties: { type: 'string' } }, annotations: { type: 'object', additionalProperties: { type: 'string' } }, type: { type: 'string' } } },
    },
  },
};
const OBJECT_REF = { type: 'object', required: ['apiVersion', 'kind', 'name'], properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, name: { type: 'string' } } };

/**
 * The schema Crossplane builds for an XR or a claim: the XRD's openAPIV3Schema plus the fields
 * Crossplane injects (docs.crossplane.io, "Composite resource definitions" / "Claims").
 */
function crossplaneSchema(user: Record<string, unknown>, claim: boolean): object {
  const props = isPlainObject(user.properties) ? user.properties : {};
  const spec = isPlainObject(props.spec) ? props.spec : { type: 'object' };
  const specProps = isPlainObject(spec.properties) ? spec.properties : {};
  const injected = claim
    ? {
      ...CLAIM_SPEC_FIELDS,
      compositeDeletePolicy: { type: 'string', enum: ['Background', 'Foreground'] },
      resourceRef: OBJECT_REF,
      writeConnectionSecretToRef: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
    }
    : {
      ...CLAIM_SPEC_FIELDS,
      claimRef: { type: 'object', required: ['apiVersion', 'kind', 'name', 'namespace'], properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, name: { type: 'string' }, namespace: { type: 'string' } } },
      environmentConfigRefs: { type: 'array', items: OBJECT_REF },
      resourceRefs: { type: 'array', items: OBJECT_REF },
      writeConnectionSecretToRef: { type: 'object', required: ['name', 'namespace'], properties: { name: { type: 'string' }, namespace: { type: 'string' } } },
    };
  return {
    ...user,
    type: 'object',
    properties: {
      ...props,
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: { ...spec, type: 'object', properties: { ...specProps, ...injected } },
      status: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
  };
}

// -------------------------------------------------------------------------------------------
// Tracking proxies and strict mode

interface Tracked {
  readonly reads: Set<string>;
  enumerated: boolean;
}

/** A deep copy of `value` whose objects are proxies recording which keys a validator looks at. */
function track(value: unknown, nodes: Map<object, Tracked>): unknown {
  if (Array.isArray(value)) return value.map((v) => track(v, nodes));
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) copy[k] = track(v, nodes);
  const node: Tracked = { reads: new Set(), enumerated: false };
  const proxy = new Proxy(copy, {
    get(target, key, receiver) {
      if (typeof key === 'string') node.reads.add(key);
      return Reflect.get(target, key, receiver);
    },
    has(target, key) {
      if (typeof key === 'string') node.reads.add(key);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      node.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
  nodes.set(proxy, node);
  RAW.set(proxy, value);
  return proxy;
}

function pointer(p: string, key: string | number): string {
  return `${p}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** Fields of `value` that its schema did not declare (see the file comment). */
function unknownFields(value: unknown, at: string, nodes: Map<object, Tracked>, out: string[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => unknownFields(v, pointer(at, i), nodes, out));
    return;
  }
  if (!isPlainObject(value)) return;
  const node = nodes.get(value);
  if (!node) return;
  if (!node.enumerated && node.reads.size === 0) return; // free-form
  for (const key of Object.keys(RAW.get(value) as object)) {
    if (!node.enumerated && !node.reads.has(key)) {
      out.push(pointer(at, key));
      continue;
    }
    unknownFields(Reflect.get(value as object, key), pointer(at, key), nodes, out);
  }
}

function describe(e: AjvError): string {
  const where = e.instancePath || '/';
  let msg = e.message ?? `fails ${e.keyword}`;
  if (e.keyword === 'enum' && Array.isArray(e.params.allowedValues)) msg += `: ${e.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if (e.keyword === 'const') msg += `: ${JSON.stringify(e.params.allowedValue)}`;
  if (e.keyword === 'additionalProperties') msg += `: ${String(e.params.additionalProperty)}`;
  return `${where} ${msg}`;
}

// -------------------------------------------------------------------------------------------
// Public API

/** Which schema validates which kind; CRDs and XRDs found in a checked set add their kinds. */
export class SchemaRegistry {
  private readonly dynamic = new Map<string, KindSchema>();
  private readonly cache = new Map<string, KindSchema | null>();

  /**
   * Registers the kinds defined by CustomResourceDefinitions and Crossplane
   * CompositeResourceDefinitions among `objects`, so their instances in the same set are checked
   * against the schema the cluster will enforce.
   */
  public registerDefinitions(objects: readonly unknown[]): void {
    for (const o of objects) {
      if (!isPlainObject(o) || !isPlainObject(o.spec) || !isPlainObject(o.metadata)) continue;
      const spec = o.spec;
      const name = String(o.metadata.name);
      const versions = Array.isArray(spec.versions) ? spec.versions.filter(isPlainObject) : [];
      const names = isPlainObject(spec.names) ? spec.names : {};
      if (o.apiVersion === 'apiextensions.k8s.io/v1' && o.kind === 'CustomResourceDefinition') {
        for (const v of versions) {
          const schema = isPlainObject(v.schema) && isPlainObject(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : undefined;
          if (!schema) continue;
          const gv = `${String(spec.group)}/${String(v.name)}`;
          this.dynamic.set(`${gv}/${String(names.kind)}`, ajvKind(`CustomResourceDefinition ${name} (in the checked set)`, schema));
        }
      }
      if (o.apiVersion === 'apiextensions.crossplane.io/v1' && o.kind === 'CompositeResourceDefinition') {
        const claimNames = isPlainObject(spec.claimNames) ? spec.claimNames : undefined;
        for (const v of versions) {
          const schema = isPlainObject(v.schema) && isPlainObject(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : { type: 'object' };
          const gv = `${String(spec.group)}/${String(v.name)}`;
          this.dynamic.set(`${gv}/${String(names.kind)}`, ajvKind(`CompositeResourceDefinition ${name} (in the checked set)`, crossplaneSchema(schema, false)));
          if (claimNames) this.dynamic.set(`${gv}/${String(claimNames.kind)}`, ajvKind(`CompositeResourceDefinition ${name} claim (in the checked set)`, crossplaneSchema(schema, true)));
        }
      }
    }
  }

  /** The schema of an apiVersion/kind, or undefined if there is none. */
  public schemaFor(apiVersion: string, kind: string): KindSchema | undefined {
    const key = `${apiVersion}/${kind}`;
    const dyn = this.dynamic.get(key);
    if (dyn) return dyn;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached ?? undefined;
    const found = modelKind(apiVersion, kind) ?? vendoredKinds().get(key)?.();
    this.cache.set(key, found ?? null);
    return found;
  }

  /** Errors of one object (empty if valid): schema errors, then unknown fields in strict mode. */
  public validate(obj: unknown, options: ValidateOptions = {}): string[] {
    if (!isPlainObject(obj) || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
      return ['/ must be a Kubernetes object with string apiVersion and kind'];
    }
    const schema = this.schemaFor(obj.apiVersion, obj.kind);
    if (!schema) return [`no schema for ${obj.apiVersion} ${obj.kind}`];
    const nodes = new Map<object, Tracked>();
    const tracked = track(obj, nodes);
    const errors = schema.run(tracked);
    // One wording for every source (ajv-i18n English, as kubernetes-models uses); x-* keywords carry their own.
    localizeEn(errors.filter((e) => !e.keyword.startsWith('x-')));
    const out = errors.map(describe);
    if (options.strict ?? true) {
      const unknown: string[] = [];
      unknownFields(tracked, '', nodes, unknown);
      out.push(...unknown.map((p) => `${p} is not a field of ${obj.apiVersion} ${obj.kind} (strict: not in the schema)`));
    }
    return [...new Set(out)];
  }
}

let defaultRegistry: SchemaRegistry | undefined;

/**
 * Validates one object against the schema of its apiVersion/kind. Returns the errors (empty if
 * valid); an unknown kind gives `no schema for <apiVersion> <kind>`. Strict by default.
 */
export function validateObject(obj: unknown, options: ValidateOptions = {}): string[] {
  return (defaultRegistry ??= new SchemaRegistry()).validate(obj, options);
}

/** The source of the schema that validates an apiVersion/kind (for reports), if any. */
export function schemaSource(apiVersion: string, kind: string): string | undefined {
  return (defaultRegistry ??= new SchemaRegistry()).schemaFor(apiVersion, kind)?.source;
}
