/**
 * Shared value schemas every Blueprint reuses: container resources, pinned images, toggles.
 * Declared once with TypeBox so the TypeScript type, the JSON Schema and the check agree.
 */
import { Static, TSchema, Type } from '@sinclair/typebox';
import { strictObject } from './values';

/** A Kubernetes quantity such as `100m`, `0.5`, `256Mi`, `1Gi`. */
export const Quantity = Type.String({ pattern: '^[0-9]+(\\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$', description: 'Kubernetes quantity, e.g. 100m or 256Mi' });

export const ResourceList = strictObject({
  cpu: Type.Optional(Quantity),
  memory: Type.Optional(Quantity),
});

/** Container requests and limits. */
export const Resources = strictObject({
  requests: Type.Optional(ResourceList),
  limits: Type.Optional(ResourceList),
});
export type Resources = Static<typeof Resources>;

/** An image tag that pins a release: never `latest`, never empty. */
export const ImageTag = Type.String({
  pattern: '^(?!latest$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$',
  description: 'pinned image tag (not "latest")',
});

/** A container image pinned by tag (and optionally digest). */
export const Image = strictObject({
  repository: Type.String({ pattern: '^[a-z0-9]+([._/:-][a-z0-9]+)*$', description: 'image repository, e.g. docker.io/bitnamilegacy/keycloak' }),
  tag: ImageTag,
  digest: Type.Optional(Type.String({ pattern: '^sha256:[a-f0-9]{64}$' })),
});
export type Image = Static<typeof Image>;

/** A Kubernetes DNS label (namespace or object name). */
export const DnsLabel = Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 });

/** An e-mail address. */
export const Email = Type.String({ pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$', description: 'e-mail address' });

/** A literal union from a list of strings: `oneOf('a', 'b')`. */
export function oneOf<T extends string>(...values: readonly T[]): TSchema {
  return Type.Union(values.map((v) => Type.Literal(v)));
}
