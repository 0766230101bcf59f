/**
 * The bootstrap kit: the Blueprints every Sovereign installs by default, keyed by the name a
 * user writes in `new Sovereign({ kit: { certManager: {...} } })`. Order here is the slot order.
 */
import { CertManager } from './cert-manager';
import { CatalystPlatform } from './catalyst-platform';
import { Cilium } from './cilium';
import { Cnpg } from './cnpg';
import { ExternalDns } from './external-dns';
import { Flux } from './flux';
import { Gitea } from './gitea';
import { Keycloak } from './keycloak';
import { NatsJetstream } from './nats-jetstream';
import { OpenBao } from './openbao';
import { PowerDns } from './powerdns';
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
  keycloak: Keycloak,
  gitea: Gitea,
  powerdns: PowerDns,
  externalDns: ExternalDns,
  catalystPlatform: CatalystPlatform,
  cnpg: Cnpg,
} as const;

export type KitKey = keyof typeof KIT;
