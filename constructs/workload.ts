/**
 * Small helpers that turn typed values (src/schema.ts) into Kubernetes L1 fields for
 * workloads (images, resources), shared by every Blueprint that builds its own Deployments.
 */
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Image, Resources } from '../src/schema';

/** `repository:tag`, with `@digest` appended when a digest pins the image further. */
export function imageRef(image: Image): string {
  return `${image.repository}:${image.tag}${image.digest ? `@${image.digest}` : ''}`;
}

/** Typed container resources as the L1 `ResourceRequirements` (quantities kept as written). */
export function resourceRequirements(r: Resources): k8s.ResourceRequirements {
  const list = (l: Resources['requests']): { [key: string]: k8s.Quantity } | undefined => {
    if (!l) return undefined;
    const out: { [key: string]: k8s.Quantity } = {};
    if (l.cpu !== undefined) out.cpu = k8s.Quantity.fromString(l.cpu);
    if (l.memory !== undefined) out.memory = k8s.Quantity.fromString(l.memory);
    return out;
  };
  return { ...(r.requests ? { requests: list(r.requests) } : {}), ...(r.limits ? { limits: list(r.limits) } : {}) };
}

/** The container hardening Pod Security `restricted` requires; not a knob. */
export const RESTRICTED_CONTAINER: k8s.SecurityContext = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};
