/**
 * The bootstrap kit: the Blueprints every Sovereign installs by default, keyed by the name a
 * user writes in `new Sovereign({ kit: { certManager: {...} } })`. Order here is the slot order.
 */
import { CertManager } from './cert-manager';
import { Cilium } from './cilium';

export const KIT = {
  cilium: Cilium,
  certManager: CertManager,
} as const;

export type KitKey = keyof typeof KIT;
