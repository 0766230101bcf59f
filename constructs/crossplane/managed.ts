/**
 * Managed resources, typed: one declaration per kind (apiVersion, kind, TypeBox schemas of
 * `spec.forProvider` and `status.atProvider`) yields the TypeScript type of its fields, a checked
 * Composition base, a standalone L1 object, and the OpenAPI schema that patch paths are resolved
 * against.
 */
import { Static, TSchema, Type } from '@sinclair/typebox';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ComposedTemplate } from './apiextensions';
import { OpenApiSchema, toOpenApi } from './openapi';
import { CatalystError } from '../../src/errors';
import { strictObject, validateAgainst } from '../../src/values';

/** What Crossplane may do to the external resource. Without `Delete`, deleting the object orphans it. */
export type ManagementPolicy = '*' | 'Observe' | 'Create' | 'Update' | 'Delete' | 'LateInitialize';

/** Metadata fields a patch may read or write on any Kubernetes object. */
export const OBJECT_METADATA = Type.Object({
  name: Type.Optional(Type.String()),
  generateName: Type.Optional(Type.String()),
  namespace: Type.Optional(Type.String()),
  uid: Type.Optional(Type.String()),
  creationTimestamp: Type.Optional(Type.String({ format: 'date-time' })),
  labels: Type.Optional(Type.Record(Type.String(), Type.String())),
  annotations: Type.Optional(Type.Record(Type.String(), Type.String())),
});

/** `status.conditions[]` as every Crossplane resource reports them. */
export const CONDITIONS = Type.Array(
  Type.Object({
    type: Type.String(),
    status: Type.String(),
    reason: Type.Optional(Type.String()),
    message: Type.Optional(Type.String()),
    lastTransitionTime: Type.Optional(Type.String({ format: 'date-time' })),
  }),
);

/** A string enum with its literal type kept (`Static` is the union of the values). */
export function enumOf<T extends string>(...values: readonly T[]) {
  return Type.Union(values.map((v) => Type.Literal(v)));
}

/** A string enum with a default (what the API server fills in when the field is absent). */
export function enumWithDefault<T extends string>(values: readonly T[], defaultValue: T, description?: string) {
  return Type.Union(values.map((v) => Type.Literal(v)), { default: defaultValue, ...(description ? { description } : {}) });
}

/** A reference to another managed resource by name (`*Ref`). */
export const Reference = Type.Object({ name: Type.String() });

/** A selector of another managed resource (`*Selector`); `matchControllerRef` picks one of the same XR. */
export const Selector = Type.Object({
  matchControllerRef: Type.Optional(Type.Boolean()),
  matchLabels: Type.Optional(Type.Record(Type.String(), Type.String())),
});

/** A Composition base with the schema its patches are checked against. */
export interface ComposedBase {
  readonly object: ComposedTemplate['base'];
  /** Schema of the whole composed object (metadata, spec, status). */
  readonly schema: OpenApiSchema;
  /** `Kind` of the composed object, for messages. */
  readonly kind: string;
}

export interface ManagedResourceProps<F> {
  readonly forProvider: F;
  /** ProviderConfig name; Compositions then patch it from the XR's `spec.providerConfigRef.name`. */
  readonly providerConfigName: string;
  /** @default 'Delete' */
  readonly deletionPolicy?: 'Delete' | 'Orphan';
  readonly managementPolicies?: readonly ManagementPolicy[];
  readonly labels?: { readonly [key: string]: string };
  readonly annotations?: { readonly [key: string]: string };
}

/** One managed-resource kind of a provider. */
export class ManagedResourceType<F extends TSchema, A extends TSchema> {
  /** OpenAPI schema of the whole object, for resolving patch paths. */
  public readonly schema: OpenApiSchema;

  constructor(
    public readonly apiVersion: string,
    public readonly kind: string,
    public readonly forProvider: F,
    public readonly atProvider: A,
    /** Extra `spec` fields of this kind besides forProvider (e.g. provider-kubernetes `readiness`). */
    private readonly extraSpec: Record<string, TSchema> = {},
  ) {
    this.schema = toOpenApi(this.objectSchema(forProvider), `${kind}`);
  }

  /** TypeBox schema of the whole object with the given forProvider schema. */
  protected objectSchema(forProvider: TSchema): TSchema {
    return Type.Object({
      apiVersion: Type.String(),
      kind: Type.String(),
      metadata: OBJECT_METADATA,
      spec: Type.Object({
        forProvider,
        initProvider: Type.Optional(forProvider),
        providerConfigRef: Type.Optional(Type.Object({ name: Type.String() })),
        deletionPolicy: Type.Optional(Type.Union([Type.Literal('Delete'), Type.Literal('Orphan')])),
        managementPolicies: Type.Optional(Type.Array(Type.String())),
        writeConnectionSecretToRef: Type.Optional(Type.Object({ name: Type.String(), namespace: Type.String() })),
        ...this.extraSpec,
      }),
      status: Type.Optional(Type.Object({ atProvider: Type.Optional(this.atProvider), conditions: Type.Optional(CONDITIONS) })),
    });
  }

  /** The object as JSON, after checking `forProvider` against the kind's schema. */
  protected render(props: ManagedResourceProps<Static<F>>, where: string, name?: string, extraSpec: Record<string, unknown> = {}): ComposedTemplate['base'] {
    const issues = validateAgainst(this.forProvider, props.forProvider, `${where}.forProvider`);
    if (issues.length) throw new CatalystError(issues);
    const metadata: Record<string, unknown> = {};
    if (name) metadata.name = name;
    if (props.labels && Object.keys(props.labels).length) metadata.labels = { ...props.labels };
    if (props.annotations && Object.keys(props.annotations).length) metadata.annotations = { ...props.annotations };
    return {
      apiVersion: this.apiVersion,
      kind: this.kind,
      ...(Object.keys(metadata).length ? { metadata } : {}),
      spec: {
        ...extraSpec,
        forProvider: props.forProvider as unknown,
        providerConfigRef: { name: props.providerConfigName },
        deletionPolicy: props.deletionPolicy ?? 'Delete',
        ...(props.managementPolicies ? { managementPolicies: [...props.managementPolicies] } : {}),
      },
    };
  }

  /** A Composition base of this kind. */
  public base(props: ManagedResourceProps<Static<F>>): ComposedBase {
    return { object: this.render(props, `${this.kind} base`), schema: this.schema, kind: this.kind };
  }

  /** A standalone managed resource (outside any Composition). */
  public create(scope: Construct, id: string, props: ManagedResourceProps<Static<F>> & { readonly name: string }): ApiObject {
    const json = this.render(props, `${this.kind} ${props.name}`, props.name);
    const { apiVersion, kind, metadata, spec } = json as { apiVersion: string; kind: string; metadata: { name: string }; spec: unknown };
    return new ApiObject(scope, id, { apiVersion, kind, metadata, spec } as never);
  }
}

/** Declares a managed-resource kind; `forProvider` fields are strict (a typo in a base is an error). */
export function managedResource<F extends Parameters<typeof strictObject>[0], A extends Parameters<typeof Type.Object>[0]>(
  apiVersion: string,
  kind: string,
  forProvider: F,
  atProvider: A,
) {
  return new ManagedResourceType(apiVersion, kind, strictObject(forProvider), Type.Object(atProvider));
}
