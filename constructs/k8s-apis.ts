/**
 * Facts about Kubernetes API groups the library needs to place and order objects:
 * which apiVersions every cluster serves (so no Blueprint must install their CRDs) and which
 * kinds are cluster-scoped (so they get no namespace).
 */
import { FLUX_API_VERSIONS } from './flux';

/** API group/versions served by Kubernetes 1.28+ itself. */
export const BUILT_IN_API_VERSIONS: ReadonlySet<string> = new Set([
  'v1',
  'apps/v1',
  'batch/v1',
  'autoscaling/v1',
  'autoscaling/v2',
  'policy/v1',
  'networking.k8s.io/v1',
  'rbac.authorization.k8s.io/v1',
  'storage.k8s.io/v1',
  'scheduling.k8s.io/v1',
  'coordination.k8s.io/v1',
  'discovery.k8s.io/v1',
  'node.k8s.io/v1',
  'certificates.k8s.io/v1',
  'admissionregistration.k8s.io/v1',
  'apiextensions.k8s.io/v1',
  'apiregistration.k8s.io/v1',
  'flowcontrol.apiserver.k8s.io/v1beta3',
]);

/**
 * API group/versions present before the first HelmRelease reconciles: the built-in ones plus
 * Flux's, which Phase 0 installs (Flux cannot reconcile its own CRDs into existence).
 */
export const PRE_INSTALLED_API_VERSIONS: ReadonlySet<string> = new Set([...BUILT_IN_API_VERSIONS, ...FLUX_API_VERSIONS]);

/** Namespaces every cluster has; a Blueprint targeting one never declares it. */
export const BUILT_IN_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/**
 * Namespaces that exist before Flux reconciles anything: the built-in ones and flux-system,
 * which Phase 0 creates with Flux. Declaring flux-system in a pruned Kustomization would let
 * switching bp-flux off delete Flux itself.
 */
export const PRE_EXISTING_NAMESPACES: ReadonlySet<string> = new Set([...BUILT_IN_NAMESPACES, 'flux-system']);

/** Kinds that are cluster-scoped (no metadata.namespace). */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'APIService',
  'StorageClass',
  'CSIDriver',
  'PriorityClass',
  'RuntimeClass',
  'IngressClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  // CRD-provided kinds that are cluster-scoped
  'ClusterIssuer',
  'ClusterSecretStore',
  'ClusterExternalSecret',
  'GatewayClass',
  'CompositeResourceDefinition',
  'Composition',
  'Provider',
  'Function',
  'ProviderConfig',
  'ClusterPolicy',
  'CiliumClusterwideNetworkPolicy',
  'CiliumLoadBalancerIPPool',
  'ClusterImagePolicy',
  'DeploymentRuntimeConfig',
  'Object',
]);

/** The API group of an apiVersion (`''` for the core group). */
export function apiGroup(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}
