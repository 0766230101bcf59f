/**
 * The bootstrap kit: the Blueprints every Sovereign installs by default, keyed by the name a
 * user writes in `new Sovereign({ kit: { certManager: {...} } })`. Order here is the slot order.
 */
import { Alloy } from './alloy';
import { CertManager } from './cert-manager';
import { CatalystPlatform } from './catalyst-platform';
import { Cilium } from './cilium';
import { Cnpg } from './cnpg';
import { Coraza } from './coraza';
import { Crossplane } from './crossplane';
import { CrossplaneClaims } from './crossplane-claims';
import { Falco } from './falco';
import { Kyverno } from './kyverno';
import { Reloader } from './reloader';
import { Sigstore } from './sigstore';
import { SyftGrype } from './syft-grype';
import { Trivy } from './trivy';
import { Velero } from './velero';
import { Vpa } from './vpa';
import { ExternalDns } from './external-dns';
import { ExternalSecrets } from './external-secrets';
import { Flux } from './flux';
import { Gitea } from './gitea';
import { Grafana } from './grafana';
import { Harbor } from './harbor';
import { Keycloak } from './keycloak';
import { Langfuse } from './langfuse';
import { Loki } from './loki';
import { Mimir } from './mimir';
import { NatsJetstream } from './nats-jetstream';
import { OpenBao } from './openbao';
import { OpenTelemetry } from './opentelemetry';
import { PowerDns } from './powerdns';
import { SealedSecrets } from './sealed-secrets';
import { SeaweedFs } from './seaweedfs';
import { Spire } from './spire';
import { Tempo } from './tempo';
import { Valkey } from './valkey';

export const KIT = {
  cilium: Cilium,
  certManager: CertManager,
  flux: Flux,
  crossplane: Crossplane,
  sealedSecrets: SealedSecrets,
  spire: Spire,
  natsJetstream: NatsJetstream,
  openbao: OpenBao,
  keycloak: Keycloak,
  gitea: Gitea,
  powerdns: PowerDns,
  externalDns: ExternalDns,
  catalystPlatform: CatalystPlatform,
  crossplaneClaims: CrossplaneClaims,
  externalSecrets: ExternalSecrets,
  cnpg: Cnpg,
  valkey: Valkey,
  seaweedfs: SeaweedFs,
  harbor: Harbor,
  opentelemetry: OpenTelemetry,
  alloy: Alloy,
  loki: Loki,
  mimir: Mimir,
  tempo: Tempo,
  grafana: Grafana,
  langfuse: Langfuse,
  kyverno: Kyverno,
  reloader: Reloader,
  vpa: Vpa,
  trivy: Trivy,
  falco: Falco,
  sigstore: Sigstore,
  syftGrype: SyftGrype,
  velero: Velero,
  coraza: Coraza,
} as const;

export type KitKey = keyof typeof KIT;
