/**
 * bp-spire (kit slot 06): SPIFFE/SPIRE workload identity (short-lived SVIDs for every
 * workload). Two upstream charts from the hardened SPIFFE repository, in order: `spire-crds`
 * (the spire.spiffe.io CRDs) and `spire` (server, agent, controller manager, CSI driver).
 * The Flux writer gives each its own HelmRelease, the second depending on the first, so the
 * CRDs exist before anything uses them (the rule "never CRD + CR in one release").
 */
import { Static, Type } from '@sinclair/typebox';
import { Blueprint, blueprintSpec, helmChart, UpstreamChart } from '../../src/blueprint';
import { DnsLabel, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';

const SPIFFE_CHARTS = 'https://spiffe.github.io/helm-charts-hardened';

/** The CRD chart; installed first, by its own HelmRelease. */
export const SPIRE_CRDS_CHART = helmChart('spire-crds', '0.5.0', SPIFFE_CHARTS);
/** The SPIRE chart proper. */
export const SPIRE_CHART = helmChart('spire', '0.21.0', SPIFFE_CHARTS);

/** A SPIFFE trust domain: lowercase letters, digits, '.', '-' and '_' (SPIFFE-ID spec §2.1). */
export const TrustDomain = Type.String({
  pattern: '^[a-z0-9._-]+$',
  maxLength: 255,
  description: 'SPIFFE trust domain, e.g. catalyst.local',
});

export const SpireValues = strictObject({
  /** Cluster name SPIRE puts into node attestation and SPIFFE IDs. */
  clusterName: DnsLabel,
  /** Trust domain of every SPIFFE ID this Sovereign issues (`spiffe://<trustDomain>/...`). */
  trustDomain: TrustDomain,
  /** Subject of the SPIRE server's signing CA. */
  caSubject: strictObject({
    /** ISO 3166-1 alpha-2 country code. */
    country: Type.String({ pattern: '^[A-Z]{2}$' }),
    organization: Type.String({ minLength: 1 }),
    commonName: Type.String({ minLength: 1 }),
  }),
  /**
   * The chart's default ClusterSPIFFEID objects. Off: upstream rendered them before their CRD
   * was observable and the release failed (fixes #228/#230, 719c3ba/da87fb3).
   */
  clusterSPIFFEIDs: strictObject({
    default: Type.Boolean(),
    oidcDiscoveryProvider: Type.Boolean(),
    testKeys: Type.Boolean(),
  }),
  agentResources: Resources,
  /**
   * The chart's bundle of recommended production settings (`global.spire.recommendations`).
   * Off as upstream curated it: it changes the namespace layout the kit installs into.
   */
  recommendations: strictObject({
    enabled: Type.Boolean(),
    /** Observability toggle (Prometheus exporters); off by default (upstream #182). */
    prometheus: Type.Boolean(),
  }),
});
export type SpireValues = Static<typeof SpireValues>;

export class Spire extends Blueprint<typeof SpireValues> {
  public static readonly spec = blueprintSpec({
    name: 'spire',
    version: '1.1.4',
    slot: 6,
    section: 'pts-2-3-per-sovereign-supporting-services',
    card: {
      title: 'SPIRE',
      summary: 'SPIFFE/SPIRE workload identity: short-lived, automatically rotated SVIDs for every workload.',
      documentation: 'https://spiffe.io/docs/latest/spire-about/',
      license: 'Apache-2.0',
    },
    visibility: 'unlisted',
    upstream: [SPIRE_CRDS_CHART, SPIRE_CHART],
    namespace: 'spire-system',
    releaseName: 'spire',
    depends: [CertManager],
    network: {
      // The API server calls spire-controller-manager's validating webhook.
      ingressFromCluster: [{ port: 9443 }],
      // The agent's k8s workload attestor asks the kubelet on its node's IP (outside the pod network).
      egressToWorld: [{ port: 10250 }],
    },
    podSecurity: {
      level: 'privileged',
      reason: 'the spire-agent DaemonSet mounts the host socket directory /run/spire/agent-sockets and the spiffe-csi-driver DaemonSet runs privileged with the kubelet directory mounted, to hand SVID sockets to every pod on the node',
    },
    values: SpireValues,
    defaults: {
      clusterName: 'catalyst',
      trustDomain: 'catalyst.local',
      caSubject: { country: 'DE', organization: 'OpenOva Catalyst', commonName: 'SPIRE CA' },
      clusterSPIFFEIDs: { default: false, oidcDiscoveryProvider: false, testKeys: false },
      agentResources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      recommendations: { enabled: false, prometheus: false },
    },
    providesApis: ['spire.spiffe.io/v1alpha1'],
  });

  /** The trust domain of this Sovereign's SPIFFE IDs. */
  public get trustDomain(): string {
    return this.values.trustDomain;
  }

  /** Prefix of every SPIFFE ID issued here, e.g. `spiffe://catalyst.local`. */
  public get spiffeIdPrefix(): string {
    return `spiffe://${this.trustDomain}`;
  }

  protected chartValues(u: UpstreamChart): PlainObject {
    // The CRD chart is installed with its defaults.
    if (u.chart === SPIRE_CRDS_CHART.chart) return {};
    const v = this.values;
    const ids = v.clusterSPIFFEIDs;
    return {
      'global': {
        spire: {
          clusterName: v.clusterName,
          trustDomain: v.trustDomain,
          recommendations: { enabled: v.recommendations.enabled, prometheus: v.recommendations.prometheus },
        },
      },
      'spire-server': {
        ca_subject: { country: v.caSubject.country, organization: v.caSubject.organization, common_name: v.caSubject.commonName },
        controllerManager: {
          identities: {
            clusterSPIFFEIDs: {
              'default': { enabled: ids.default },
              'oidc-discovery-provider': { enabled: ids.oidcDiscoveryProvider },
              'test-keys': { enabled: ids.testKeys },
            },
          },
        },
      },
      'spire-agent': { resources: v.agentResources },
    };
  }

  public outputs(): { readonly [name: string]: string } {
    return { trustDomain: this.trustDomain };
  }
}
