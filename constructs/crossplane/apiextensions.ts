/**
 * L1: Crossplane `apiextensions.crossplane.io/v1` CompositeResourceDefinition and Composition,
 * fields as in Crossplane 1.18's CRDs. A Composition is either classic (`mode: Resources`,
 * patch-and-transform templates under `spec.resources`) or a function pipeline
 * (`mode: Pipeline`); the patch-and-transform function takes the same templates as its input.
 */
import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { OpenApiSchema } from './openapi';

export const APIEXTENSIONS_API_VERSION = 'apiextensions.crossplane.io/v1';

/** Kind and plural (and optional singular/categories) of an XR or claim. */
export interface CrossplaneNames {
  readonly kind: string;
  readonly plural: string;
  readonly singular?: string;
  readonly categories?: readonly string[];
}

/** A kubectl column (`additionalPrinterColumns`). */
export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly description?: string;
  readonly priority?: number;
}

export interface XrdVersion {
  readonly name: string;
  readonly served: boolean;
  readonly referenceable: boolean;
  readonly deprecated?: boolean;
  readonly schema: { readonly openAPIV3Schema: OpenApiSchema };
  readonly additionalPrinterColumns?: readonly PrinterColumn[];
}

export interface CompositeResourceDefinitionSpec {
  readonly group: string;
  readonly names: CrossplaneNames;
  /** Namespaced claim kind offered for the cluster-scoped XR. */
  readonly claimNames?: CrossplaneNames;
  readonly defaultCompositionRef?: { readonly name: string };
  readonly enforcedCompositionRef?: { readonly name: string };
  readonly defaultCompositionUpdatePolicy?: 'Automatic' | 'Manual';
  readonly defaultCompositeDeletePolicy?: 'Background' | 'Foreground';
  readonly connectionSecretKeys?: readonly string[];
  readonly versions: readonly XrdVersion[];
}

/** `apiextensions.crossplane.io/v1` CompositeResourceDefinition (cluster-scoped). */
export class CompositeResourceDefinition extends ApiObject {
  public static readonly GVK = { apiVersion: APIEXTENSIONS_API_VERSION, kind: 'CompositeResourceDefinition' } as const;

  constructor(scope: Construct, id: string, props: { readonly metadata: ApiObjectMetadata; readonly spec: CompositeResourceDefinitionSpec }) {
    super(scope, id, { ...CompositeResourceDefinition.GVK, ...props });
  }
}

/** String transforms (`transforms[].string`). */
export type StringTransform =
  | { readonly type: 'Format'; readonly fmt: string }
  | { readonly type: 'Convert'; readonly convert: 'ToUpper' | 'ToLower' | 'ToBase64' | 'FromBase64' | 'ToJson' | 'ToSha1' | 'ToSha256' | 'ToSha512' | 'ToAdler32' }
  | { readonly type: 'TrimPrefix' | 'TrimSuffix'; readonly trim: string }
  | { readonly type: 'Regexp'; readonly regexp: { readonly match: string; readonly group?: number } }
  | { readonly type: 'Replace'; readonly replace: { readonly search: string; readonly replace: string } }
  | { readonly type: 'Join'; readonly join: { readonly separator: string } };

export type ConvertType = 'string' | 'int' | 'int64' | 'bool' | 'float64' | 'object' | 'array';

export interface MatchPattern {
  readonly type: 'literal' | 'regexp';
  readonly literal?: string;
  readonly regexp?: string;
  readonly result: unknown;
}

/** A patch transform. */
export type Transform =
  | { readonly type: 'map'; readonly map: { readonly [key: string]: unknown } }
  | { readonly type: 'match'; readonly match: { readonly patterns: readonly MatchPattern[]; readonly fallbackTo?: 'Value' | 'Input'; readonly fallbackValue?: unknown } }
  | { readonly type: 'math'; readonly math: { readonly type: 'Multiply' | 'ClampMin' | 'ClampMax'; readonly multiply?: number; readonly clampMin?: number; readonly clampMax?: number } }
  | { readonly type: 'string'; readonly string: StringTransform }
  | { readonly type: 'convert'; readonly convert: { readonly toType: ConvertType; readonly format?: 'none' | 'quantity' | 'json' } };

/** `Required` makes a patch whose source is missing fail, which keeps its resource from being applied. */
export interface PatchPolicy {
  readonly fromFieldPath?: 'Optional' | 'Required';
  readonly toFieldPath?: 'Replace' | 'MergeObjects' | 'ForceMergeObjects' | 'AppendArray' | 'ForceAppendArray';
}

export interface FieldPathPatch {
  readonly type: 'FromCompositeFieldPath' | 'ToCompositeFieldPath';
  readonly fromFieldPath: string;
  readonly toFieldPath: string;
  readonly transforms?: readonly Transform[];
  readonly policy?: PatchPolicy;
}

export interface CombinePatch {
  readonly type: 'CombineFromComposite' | 'CombineToComposite';
  readonly combine: {
    readonly variables: readonly { readonly fromFieldPath: string }[];
    readonly strategy: 'string';
    readonly string: { readonly fmt: string };
  };
  readonly toFieldPath: string;
  readonly transforms?: readonly Transform[];
  readonly policy?: PatchPolicy;
}

export interface PatchSetPatch {
  readonly type: 'PatchSet';
  readonly patchSetName: string;
}

export type Patch = FieldPathPatch | CombinePatch | PatchSetPatch;

export type ReadinessCheck =
  | { readonly type: 'None' | 'NonEmpty'; readonly fieldPath?: string }
  | { readonly type: 'MatchString'; readonly fieldPath: string; readonly matchString: string }
  | { readonly type: 'MatchInteger'; readonly fieldPath: string; readonly matchInteger: number }
  | { readonly type: 'MatchCondition'; readonly matchCondition: { readonly type: string; readonly status: string } };

export interface ConnectionDetail {
  readonly name: string;
  readonly type: 'FromConnectionSecretKey' | 'FromFieldPath' | 'FromValue';
  readonly fromConnectionSecretKey?: string;
  readonly fromFieldPath?: string;
  readonly value?: string;
}

/** A composed-resource template: the same shape in classic mode and in function-patch-and-transform input. */
export interface ComposedTemplate {
  readonly name: string;
  readonly base: { readonly apiVersion: string; readonly kind: string; readonly [key: string]: unknown };
  readonly patches?: readonly Patch[];
  readonly readinessChecks?: readonly ReadinessCheck[];
  readonly connectionDetails?: readonly ConnectionDetail[];
}

export interface PipelineStep {
  readonly step: string;
  readonly functionRef: { readonly name: string };
  readonly input?: { readonly apiVersion: string; readonly kind: string; readonly [key: string]: unknown };
}

interface CompositionSpecBase {
  readonly compositeTypeRef: { readonly apiVersion: string; readonly kind: string };
  readonly writeConnectionSecretsToNamespace?: string;
}

/** Classic patch-and-transform Composition. */
export interface ResourcesCompositionSpec extends CompositionSpecBase {
  readonly mode?: 'Resources';
  readonly resources: readonly ComposedTemplate[];
  readonly patchSets?: readonly { readonly name: string; readonly patches: readonly Patch[] }[];
}

/** Function pipeline Composition. */
export interface PipelineCompositionSpec extends CompositionSpecBase {
  readonly mode: 'Pipeline';
  readonly pipeline: readonly PipelineStep[];
}

export type CompositionSpec = ResourcesCompositionSpec | PipelineCompositionSpec;

/** `apiextensions.crossplane.io/v1` Composition (cluster-scoped). */
export class Composition extends ApiObject {
  public static readonly GVK = { apiVersion: APIEXTENSIONS_API_VERSION, kind: 'Composition' } as const;

  constructor(scope: Construct, id: string, props: { readonly metadata: ApiObjectMetadata; readonly spec: CompositionSpec }) {
    super(scope, id, { ...Composition.GVK, ...props });
  }
}

/** Input of function-patch-and-transform (`pt.fn.crossplane.io/v1beta1` Resources). */
export function patchAndTransformInput(resources: readonly ComposedTemplate[]): PipelineStep['input'] {
  return { apiVersion: 'pt.fn.crossplane.io/v1beta1', kind: 'Resources', resources };
}
