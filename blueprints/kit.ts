/**
 * The bootstrap kit: the Blueprints every Sovereign installs by default, keyed by the name a
 * user writes in `new Sovereign({ kit: { certManager: {...} } })`. Order here is the slot order.
 */
import { Alloy } from './alloy';
import { CatalystPlatform } from './catalyst-platform';
import { CertManager } from './cert-manager';
import { Cilium } from './cilium';
import { Cnpg } from './cnpg';
import { Coraza } from './coraza';
import { Crossplane } from './crossplane';
import { CrossplaneClaims } from './crossplane-claims';
import { ExternalDns } from './external-dns';
import { ExternalSecrets } from './external-secrets';
import { Falco } from './falco';
import { Flux } from './flux';
import { Gitea } from './gitea';
import { Grafana } from './grafana';
import { Harbor } from './harbor';
import { Keycloak } from './keycloak';
import { Kyverno } from './kyverno';
import { Langfuse } from './langfuse';
import { Loki } from './loki';
import { Mimir } from './mimir';
import { NatsJetstream } from './nats-jetstream';
import { OpenBao } from './openbao';
import { OpenTelemetry } from './opentelemetry';
import { PowerDns } from './powerdns';
import { Reloader } from './reloader';
import { SealedSecrets } from './sealed-secrets';
import { SeaweedFs } from './seaweedfs';
import { Sigstore } from './sigstore';
import { Spire } from './spire';
import { SyftGrype } from './syft-grype';
import { Tempo } from './tempo';
import { Trivy } from './trivy';
import { Valkey } from './valkey';
import { Velero } from './velero';
import { Vpa } from './vpa';

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
