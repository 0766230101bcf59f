/**
 * catalyst-cdk: a whole Catalyst Sovereign as one typed program.
 */
// Before anything else: the rest of the library loads through the load cache.
import './boot';
export * from './errors';
export * from './values';
export * from './schema';
export * from './blueprint';
export * from './cloud';
export * from './graph';
export * from './sovereign';
export * from './synth';
export * from './output';
export * from './catalog';
export * from './yaml';
export { buildFluxTree, syncObjects, slotFileName, helmReleaseName, FLUX_NAMESPACE } from './writers/flux';
export { blueprintResource, BLUEPRINT_API_VERSION } from './writers/blueprint-cr';
export * as flux from '../constructs/flux';
export * as certmanager from '../constructs/cert-manager';
export * as k8sApis from '../constructs/k8s-apis';
export * as crossplane from '../constructs/crossplane';
export * from './naming';
export * from './tenants';
export * from './handoff';
export * from './audit';
export * from './network';
export * from './hetzner';
export { chartFiles } from './writers/chart';
export * from '../blueprints';
