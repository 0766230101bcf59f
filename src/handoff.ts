/**
 * Names Phase 0 (OpenTofu cloud-init) and Phase 1 (Flux, Crossplane) must agree on. One home,
 * imported by both sides (upstream defect: the ProviderConfig read a Secret no one wrote, and
 * its name `default` differed from the XRDs' default `default-hcloud`).
 */

/** The Secret cloud-init writes with the Hetzner API token; never part of the Flux repo. */
export const HCLOUD_CREDENTIALS = { namespace: 'crossplane-system', name: 'hcloud-credentials', key: 'token' } as const;

/** The one provider-hcloud ProviderConfig name, used by every XRD default and Composition. */
export const HCLOUD_PROVIDER_CONFIG = 'default-hcloud';

/** The provider-kubernetes ProviderConfig name, used by Compositions that compose `Object`s. */
export const KUBERNETES_PROVIDER_CONFIG = 'default-kubernetes';
