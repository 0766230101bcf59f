export * from './kit';
export * from './cilium';
export * from './cert-manager';
