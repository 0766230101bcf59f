/**
 * L1: crossplane-contrib/provider-kubernetes. `Object` (v1alpha2) wraps any Kubernetes manifest
 * as a managed resource; its ProviderConfig (v1alpha1) says which credentials to use. The CRD
 * types the wrapped manifest as "any fields", so a Composition's patches into it are checked
 * against the base manifest itself: every step but the last must exist in it.
 */
import { Type } from '@sinclair/typebox';
import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { SHAPE_KEY } from './fieldpath';
import { ComposedBase, enumOf, ManagedResourceProps, ManagedResourceType } from './managed';
import { OpenApiSchema } from './openapi';
import { isPlainObject } from '../../src/values';

export const KUBERNETES_PROVIDER_CONFIG_API_VERSION = 'kubernetes.crossplane.io/v1alpha1';
export const KUBERNETES_OBJECT_API_VERSION = 'kubernetes.crossplane.io/v1alpha2';

export type KubernetesProviderConfigSpec = {
  readonly credentials:
    | { readonly source: 'InjectedIdentity' }
    | { readonly source: 'Secret'; readonly secretRef: { readonly namespace: string; readonly name: string; readonly key: string } };
};

/** `kubernetes.crossplane.io/v1alpha1` ProviderConfig (cluster-scoped). */
export class KubernetesProviderConfig extends ApiObject {
  public static readonly GVK = { apiVersion: KUBERNETES_PROVIDER_CONFIG_API_VERSION, kind: 'ProviderConfig' } as const;

  constructor(scope: Construct, id: string, props: { readonly metadata: ApiObjectMetadata; readonly spec: KubernetesProviderConfigSpec }) {
    super(scope, id, { ...KubernetesProviderConfig.GVK, ...props });
  }
}

/** A Kubernetes manifest to wrap. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly [key: string]: unknown;
}

export interface KubernetesObjectProps extends Omit<ManagedResourceProps<{ manifest: Manifest }>, 'forProvider'> {
  readonly manifest: Manifest;
  /** When the Object counts as ready. @default 'SuccessfulCreate' */
  readonly readiness?: 'SuccessfulCreate' | 'DeriveFromObject' | 'AllTrue';
}

/** Schema built from an example value: its keys are the fields a path may walk through. */
export function shapeOf(value: unknown): OpenApiSchema {
  if (Array.isArray(value)) {
    const items = value.reduce<OpenApiSchema | undefined>((acc, v) => mergeShapes(acc, shapeOf(v)), undefined);
    return { type: 'array', items: items ?? { 'x-kubernetes-preserve-unknown-fields': true } };
  }
  if (isPlainObject(value)) {
    const properties: Record<string, OpenApiSchema> = {};
    for (const [k, v] of Object.entries(value)) properties[k] = shapeOf(v);
    return { type: 'object', properties, [SHAPE_KEY]: true } as OpenApiSchema;
  }
  return { type: typeof value === 'number' ? 'number' : typeof value === 'boolean' ? 'boolean' : 'string' };
}

function mergeShapes(a: OpenApiSchema | undefined, b: OpenApiSchema): OpenApiSchema {
  if (!a) return b;
  if (a.type === 'object' && b.type === 'object') {
    const properties: Record<string, OpenApiSchema> = { ...a.properties };
    for (const [k, v] of Object.entries(b.properties ?? {})) properties[k] = mergeShapes(properties[k], v);
    return { ...a, properties };
  }
  return a;
}

class KubernetesObjectType extends ManagedResourceType<ReturnType<typeof objectForProvider>, ReturnType<typeof objectAtProvider>> {
  constructor() {
    super(KUBERNETES_OBJECT_API_VERSION, 'Object', objectForProvider(), objectAtProvider(), {
      readiness: Type.Optional(Type.Object({ policy: enumOf('SuccessfulCreate', 'DeriveFromObject', 'AllTrue') })),
    });
  }

  /** A Composition base wrapping `manifest`; patches into the manifest are checked against its shape. */
  public objectBase(props: KubernetesObjectProps): ComposedBase {
    const { manifest, readiness, ...rest } = props;
    const object = this.render({ ...rest, forProvider: { manifest } }, `Object base ${manifest.kind}`, undefined, readiness ? { readiness: { policy: readiness } } : {});
    return { object, schema: withManifestShape(this.schema, manifest), kind: `Object(${manifest.kind})` };
  }

  /** A standalone Object wrapping `manifest`. */
  public createObject(scope: Construct, id: string, props: KubernetesObjectProps & { readonly name: string }): ApiObject {
    const { manifest, readiness, name, ...rest } = props;
    const json = this.render({ ...rest, forProvider: { manifest } }, `Object ${name}`, name, readiness ? { readiness: { policy: readiness } } : {});
    const { apiVersion, kind, metadata, spec } = json as { apiVersion: string; kind: string; metadata: { name: string }; spec: unknown };
    return new ApiObject(scope, id, { apiVersion, kind, metadata, spec } as never);
  }
}

function objectForProvider() {
  return Type.Object({ manifest: Type.Unknown() }, { additionalProperties: false });
}

function objectAtProvider() {
  return Type.Object({ manifest: Type.Optional(Type.Unknown()) });
}

function withManifestShape(schema: OpenApiSchema, manifest: Manifest): OpenApiSchema {
  const spec = schema.properties!.spec;
  const forProvider = spec.properties!.forProvider;
  return {
    ...schema,
    properties: {
      ...schema.properties,
      spec: {
        ...spec,
        properties: { ...spec.properties, forProvider: { ...forProvider, properties: { ...forProvider.properties, manifest: shapeOf(manifest) } } },
      },
    },
  };
}

/** `kubernetes.crossplane.io/v1alpha2` Object. */
export const KubernetesObject = new KubernetesObjectType();
