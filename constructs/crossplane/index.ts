/**
 * Crossplane as typed constructs: L1 API objects (XRD, Composition, Provider, Function,
 * DeploymentRuntimeConfig, provider-hcloud and provider-kubernetes kinds) and the L2 claim API.
 */
export * from './apiextensions';
export * from './claim';
export * from './fieldpath';
export * as hcloud from './hcloud';
export { HcloudProviderConfig, HCLOUD_PROVIDER_CONFIG_API_VERSION } from './hcloud';
export * from './kubernetes';
export * from './managed';
export * from './openapi';
export * from './patches';
export * from './pkg';
