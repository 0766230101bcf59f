/**
 * The bootstrap kit: the Blueprints every Sovereign installs by default, keyed by the name a
 * user writes in `new Sovereign({ kit: { certManager: {...} } })`. Order here is the slot order.
 */
import { CertManager } from './cert-manager';
import { Cilium } from './cilium';
import { Flux } from './flux';
import { NatsJetstream } from './nats-jetstream';
import { OpenBao } from './openbao';
import { SealedSecrets } from './sealed-secrets';
import { Spire } from './spire';

export const KIT = {
  cilium: Cilium,
  certManager: CertManager,
  flux: Flux,
  sealedSecrets: SealedSecrets,
  spire: Spire,
  natsJetstream: NatsJetstream,
  openbao: OpenBao,
} as const;

export type KitKey = keyof typeof KIT;
