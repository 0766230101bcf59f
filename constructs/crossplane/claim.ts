/**
 * L2: a Crossplane claim API described once. The parameters and status of an XR are one TypeBox
 * declaration each; from them come the XRD's openAPIV3Schema (types, enums, patterns, ranges,
 * defaults, required, CEL rules), the TypeScript type of claim objects, the synth-time check of
 * claims, and the schema every Composition patch path is resolved against. A patch that reads or
 * writes a field the XR does not have is a CatalystError naming the Composition, the composed
 * resource and the path, not a patch that silently does nothing in the cluster.
 */
import { Static, TObject, Type } from '@sinclair/typebox';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Composition, ComposedTemplate, Patch, patchAndTransformInput, PrinterColumn, ReadinessCheck, CompositeResourceDefinition } from './apiextensions';
import { jsonPathToFieldPath, resolveFieldPath } from './fieldpath';
import { CONDITIONS, ComposedBase, OBJECT_METADATA } from './managed';
import { OpenApiSchema, structuralIssues, toOpenApi } from './openapi';
import { CrossplanePackage, FUNCTION_PATCH_AND_TRANSFORM, packageObjectName } from './pkg';
import { CatalystError, describeValue, Issue } from '../../src/errors';
import { validateAgainst } from '../../src/values';

/** A rule across several parameters: CEL for the API server, the same rule as a predicate for synth. */
export interface ClaimRule<P> {
  readonly cel: string;
  readonly message: string;
  readonly check: (parameters: P) => boolean;
}

export interface ClaimDefinitionProps<P extends TObject, S extends TObject> {
  /** API group of the XR and its claim, e.g. `compose.openova.io`. */
  readonly group: string;
  readonly version: string;
  /** Cluster-scoped XR kind and plural, e.g. `XRegionClaim`, `xregionclaims`. */
  readonly kind: string;
  readonly plural: string;
  /** Namespaced claim kind and plural, e.g. `RegionClaim`, `regionclaims`. */
  readonly claimKind: string;
  readonly claimPlural: string;
  readonly description: string;
  /** `spec.parameters`: fields with a `default` must be `Type.Optional`, the rest are required. */
  readonly parameters: P;
  /** `status` fields the Compositions write (besides Crossplane's own conditions). */
  readonly status: S;
  readonly rules?: readonly ClaimRule<Static<P>>[];
  /** Extra kubectl columns; Crossplane adds SYNCED, READY and AGE itself. Paths are checked. */
  readonly printerColumns?: readonly PrinterColumn[];
  /** Name of the Composition claims get unless they choose one. */
  readonly defaultComposition: string;
  /** Default `spec.providerConfigRef.name`. */
  readonly providerConfig: string;
  readonly labels?: { readonly [key: string]: string };
}

/** What a claim object carries. */
export interface ClaimProps<P> {
  readonly name: string;
  readonly namespace: string;
  readonly parameters: P;
  readonly providerConfigName?: string;
  readonly compositionName?: string;
  readonly labels?: { readonly [key: string]: string };
  readonly annotations?: { readonly [key: string]: string };
}

/** A claim as plain JSON. */
export interface ClaimManifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly spec: Record<string, unknown>;
}

/** One composed resource of a Composition. */
export interface ComposedResource {
  readonly name: string;
  readonly base: ComposedBase;
  readonly patches?: readonly Patch[];
  readonly readinessChecks?: readonly ReadinessCheck[];
  /**
   * Patch `spec.providerConfigRef.name` from the XR's, so a claim may pick another
   * ProviderConfig. @default true
   */
  readonly patchProviderConfig?: boolean;
}

export interface ClaimCompositionProps {
  /** metadata.name, e.g. `hetzner-region.compose.openova.io`. */
  readonly name: string;
  /**
   * `Resources` (classic patch-and-transform) or `Pipeline` (the patch-and-transform function;
   * a template whose Required patch fails is left out of the desired state, so Crossplane deletes
   * or never creates it, which is what gates count-like resources).
   */
  readonly mode: 'Resources' | 'Pipeline';
  /** The patch-and-transform function package for `Pipeline`. @default FUNCTION_PATCH_AND_TRANSFORM */
  readonly function?: CrossplanePackage;
  readonly labels?: { readonly [key: string]: string };
  readonly writeConnectionSecretsToNamespace?: string;
  readonly resources: readonly ComposedResource[];
}

/** A Composition for one ClaimDefinition, after its patch paths were checked. */
export class ClaimComposition extends Construct {
  public readonly composition: Composition;
  public readonly name: string;
  /** Function packages the pipeline calls. */
  public readonly functions: readonly CrossplanePackage[];
  /** apiVersions of the composed resources (which provider packages must be installed). */
  public readonly composedApiVersions: ReadonlySet<string>;
  /** XR fields written by ToComposite patches. */
  public readonly writtenXrFields: ReadonlySet<string>;

  constructor(scope: Construct, id: string, definition: ClaimDefinition<TObject, TObject>, props: ClaimCompositionProps) {
    super(scope, id);
    this.name = props.name;
    const where = `composition ${props.name}`;
    const issues: Issue[] = [];
    const names = new Set<string>();
    const written = new Set<string>();
    const templates: ComposedTemplate[] = props.resources.map((r) => {
      const at = `${where}.resources[${r.name}]`;
      if (names.has(r.name)) issues.push({ path: at, message: 'duplicate composed resource name' });
      names.add(r.name);
      const patches: Patch[] = [...(r.patches ?? [])];
      if (r.patchProviderConfig ?? true) {
        patches.push({ type: 'FromCompositeFieldPath', fromFieldPath: 'spec.providerConfigRef.name', toFieldPath: 'spec.providerConfigRef.name' });
      }
      patches.forEach((p, i) => issues.push(...definition.checkPatch(p, r.base, `${at}.patches[${i}]`)));
      for (const p of patches) if (p.type === 'ToCompositeFieldPath') written.add(p.toFieldPath);
      return {
        name: r.name,
        base: r.base.object,
        ...(patches.length ? { patches } : {}),
        ...(r.readinessChecks ? { readinessChecks: [...r.readinessChecks] } : {}),
      };
    });
    if (issues.length) throw new CatalystError(issues);
    const fn = props.function ?? FUNCTION_PATCH_AND_TRANSFORM;
    this.functions = props.mode === 'Pipeline' ? [fn] : [];
    this.composedApiVersions = new Set(props.resources.map((r) => r.base.object.apiVersion));
    this.writtenXrFields = written;
    const common = {
      compositeTypeRef: { apiVersion: definition.apiVersion, kind: definition.kind },
      writeConnectionSecretsToNamespace: props.writeConnectionSecretsToNamespace,
    };
    this.composition = new Composition(this, 'composition', {
      metadata: { name: props.name, labels: { ...props.labels } },
      spec:
        props.mode === 'Pipeline'
          ? { ...common, mode: 'Pipeline', pipeline: [{ step: 'patch-and-transform', functionRef: { name: packageObjectName(fn) }, input: patchAndTransformInput(templates) }] }
          : { ...common, mode: 'Resources', resources: templates },
    });
  }
}

/** An XR kind with its claim, described once. */
export class ClaimDefinition<P extends TObject, S extends TObject> {
  /** `<plural>.<group>`, the XRD's name. */
  public readonly xrdName: string;
  public readonly apiVersion: string;
  public readonly kind: string;
  public readonly claimKind: string;
  /** The openAPIV3Schema the XRD publishes. */
  public readonly openApiSchema: OpenApiSchema;
  /** openApiSchema plus the fields Crossplane adds to every XR: what patch paths resolve against. */
  public readonly xrSchema: OpenApiSchema;
  /** The XRD's `spec.parameters` schema. */
  public readonly parametersSchema: OpenApiSchema;

  constructor(public readonly props: ClaimDefinitionProps<P, S>) {
    const where = `claim definition ${props.kind}`;
    this.xrdName = `${props.plural}.${props.group}`;
    this.apiVersion = `${props.group}/${props.version}`;
    this.kind = props.kind;
    this.claimKind = props.claimKind;
    const parameters = toOpenApi(props.parameters, `${where}.spec.parameters`);
    this.parametersSchema = props.rules?.length
      ? { ...parameters, 'x-kubernetes-validations': props.rules.map((r) => ({ rule: r.cel, message: r.message })) }
      : parameters;
    const status = toOpenApi(props.status, `${where}.status`);
    this.openApiSchema = {
      type: 'object',
      required: ['spec'],
      properties: {
        spec: {
          type: 'object',
          required: ['parameters'],
          properties: {
            parameters: this.parametersSchema,
            providerConfigRef: {
              type: 'object',
              description: 'ProviderConfig the composed resources use.',
              default: { name: props.providerConfig },
              properties: { name: { type: 'string' } },
            },
          },
        },
        status: {
          type: 'object',
          properties: { ...status.properties, conditions: toOpenApi(CONDITIONS, `${where}.status.conditions`) },
        },
      },
    };
    const issues = structuralIssues(this.openApiSchema, `${where}.openAPIV3Schema`);
    for (const c of props.printerColumns ?? []) {
      const r = resolveFieldPath(this.openApiSchema, jsonPathToFieldPath(c.jsonPath));
      if (typeof r === 'string') issues.push({ path: `${where}.printerColumns[${c.name}]`, message: `jsonPath ${c.jsonPath}: ${r}` });
    }
    if (issues.length) throw new CatalystError(issues);
    this.xrSchema = withCrossplaneFields(this.openApiSchema);
  }

  /** The CompositeResourceDefinition. */
  public xrd(scope: Construct, id: string): CompositeResourceDefinition {
    const p = this.props;
    return new CompositeResourceDefinition(scope, id, {
      metadata: { name: this.xrdName, labels: { ...p.labels } },
      spec: {
        group: p.group,
        names: { kind: p.kind, plural: p.plural },
        claimNames: { kind: p.claimKind, plural: p.claimPlural },
        defaultCompositionRef: { name: p.defaultComposition },
        versions: [{
          name: p.version,
          served: true,
          referenceable: true,
          schema: { openAPIV3Schema: { description: p.description, ...this.openApiSchema } },
          ...(p.printerColumns?.length ? { additionalPrinterColumns: [...p.printerColumns] } : {}),
        }],
      },
    });
  }

  /** Problems of a claim's parameters: schema (TypeBox) and cross-field rules. */
  public validateParameters(parameters: unknown, prefix: string): Issue[] {
    const issues = validateAgainst(this.props.parameters, parameters, prefix);
    if (issues.length === 0) {
      for (const r of this.props.rules ?? []) {
        if (!r.check(parameters as Static<P>)) issues.push({ path: prefix, message: r.message });
      }
    }
    return issues;
  }

  /** A claim object; its parameters are checked now, not when the API server rejects them. */
  public claim(scope: Construct, id: string, props: ClaimProps<Static<P>>): ApiObject {
    const issues = this.validateParameters(props.parameters, `claim ${this.claimKind} ${props.namespace}/${props.name}.spec.parameters`);
    if (issues.length) throw new CatalystError(issues);
    return new ApiObject(scope, id, this.claimManifest(props) as never);
  }

  /** The claim as plain JSON (for wrapping it in another object). */
  public claimManifest(props: ClaimProps<Static<P>>): ClaimManifest {
    const issues = this.validateParameters(props.parameters, `claim ${this.claimKind} ${props.namespace}/${props.name}.spec.parameters`);
    if (issues.length) throw new CatalystError(issues);
    return {
      apiVersion: this.apiVersion,
      kind: this.claimKind,
      metadata: {
        name: props.name,
        namespace: props.namespace,
        ...(props.labels ? { labels: { ...props.labels } } : {}),
        ...(props.annotations ? { annotations: { ...props.annotations } } : {}),
      },
      spec: {
        parameters: props.parameters as unknown as Record<string, unknown>,
        ...(props.providerConfigName ? { providerConfigRef: { name: props.providerConfigName } } : {}),
        ...(props.compositionName ? { compositionRef: { name: props.compositionName } } : {}),
      },
    };
  }

  /** A Composition of this XR; every patch path is resolved against this XR and the composed kind. */
  public composition(scope: Construct, id: string, props: ClaimCompositionProps): ClaimComposition {
    return new ClaimComposition(scope, id, this as unknown as ClaimDefinition<TObject, TObject>, props);
  }

  /** Issues of one patch: each path must exist on its side (XR or composed resource). */
  public checkPatch(p: Patch, base: ComposedBase, at: string): Issue[] {
    const issues: Issue[] = [];
    const onXr = (path: string, field: string) => {
      const r = resolveFieldPath(this.xrSchema, path);
      if (typeof r === 'string') issues.push({ path: `${at}.${field}`, message: `${describeValue(path)} is not a field of ${this.kind}: ${r}` });
    };
    const onComposed = (path: string, field: string) => {
      const r = resolveFieldPath(base.schema, path);
      if (typeof r === 'string') issues.push({ path: `${at}.${field}`, message: `${describeValue(path)} is not a field of the composed ${base.kind}: ${r}` });
    };
    switch (p.type) {
      case 'FromCompositeFieldPath':
        onXr(p.fromFieldPath, 'fromFieldPath');
        onComposed(p.toFieldPath, 'toFieldPath');
        break;
      case 'ToCompositeFieldPath':
        onComposed(p.fromFieldPath, 'fromFieldPath');
        onXr(p.toFieldPath, 'toFieldPath');
        break;
      case 'CombineFromComposite':
        p.combine.variables.forEach((v, i) => onXr(v.fromFieldPath, `combine.variables[${i}].fromFieldPath`));
        onComposed(p.toFieldPath, 'toFieldPath');
        checkFormatArity(p.combine.string.fmt, p.combine.variables.length, `${at}.combine.string.fmt`, issues);
        break;
      case 'CombineToComposite':
        p.combine.variables.forEach((v, i) => onComposed(v.fromFieldPath, `combine.variables[${i}].fromFieldPath`));
        onXr(p.toFieldPath, 'toFieldPath');
        checkFormatArity(p.combine.string.fmt, p.combine.variables.length, `${at}.combine.string.fmt`, issues);
        break;
      case 'PatchSet':
        issues.push({ path: at, message: 'patch sets are not supported by the typed builder: give the patches inline' });
        break;
    }
    return issues;
  }
}

/** Declares a claim API. */
export function defineClaim<P extends TObject, S extends TObject>(props: ClaimDefinitionProps<P, S>): ClaimDefinition<P, S> {
  return new ClaimDefinition(props);
}

function checkFormatArity(fmt: string, variables: number, at: string, issues: Issue[]): void {
  const verbs = [...fmt.replace(/%%/g, '').matchAll(/%(?:\[(\d+)\])?[a-zA-Z]/g)];
  const used = verbs.map((m, i) => (m[1] ? Number(m[1]) : i + 1));
  const max = used.length ? Math.max(...used) : 0;
  if (max !== variables) issues.push({ path: at, message: `uses ${max} variable(s) but the patch gives ${variables}` });
}

/** Fields Crossplane adds to every XR, which patches may read. */
function withCrossplaneFields(schema: OpenApiSchema): OpenApiSchema {
  const ref = Type.Object({ name: Type.String() });
  const crossplaneSpec = toOpenApi(Type.Object({
    claimRef: Type.Optional(Type.Object({ apiVersion: Type.String(), kind: Type.String(), name: Type.String(), namespace: Type.String() })),
    compositionRef: Type.Optional(ref),
    compositionRevisionRef: Type.Optional(ref),
    compositionUpdatePolicy: Type.Optional(Type.String()),
    resourceRefs: Type.Optional(Type.Array(Type.Object({ apiVersion: Type.String(), kind: Type.String(), name: Type.String() }))),
    writeConnectionSecretToRef: Type.Optional(Type.Object({ name: Type.String(), namespace: Type.String() })),
  }), 'xr.spec');
  const spec = schema.properties!.spec;
  return {
    ...schema,
    properties: {
      ...schema.properties,
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: toOpenApi(OBJECT_METADATA, 'xr.metadata'),
      spec: { ...spec, properties: { ...spec.properties, ...crossplaneSpec.properties } },
    },
  };
}
