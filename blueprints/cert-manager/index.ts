/**
 * bp-cert-manager (kit slot 02): X.509 certificates for every Sovereign endpoint, with two
 * Let's Encrypt ClusterIssuers: HTTP-01 through the Cilium ingress class, and DNS-01 through a
 * webhook solver (for wildcards), bp-cert-manager-dynadot-webhook.
 */
import { Static, Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import { ClusterIssuer, IssuerRef } from '../../constructs/cert-manager';
import { Blueprint, blueprintSpec, helmChart, UpstreamChart } from '../../src/blueprint';
import { CatalystError } from '../../src/errors';
import { Email, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import type { CertManagerDynadotWebhook } from '../cert-manager-dynadot-webhook';
import { Cilium } from '../cilium';

type DynadotWebhookModule = typeof import('../cert-manager-dynadot-webhook');

/**
 * The DNS-01 webhook Blueprint class, loaded on first use. The webhook module imports this one
 * (it depends on CertManager and reads its namespace and service account), so a top-level
 * import here would close a module cycle: whichever module loaded second would see the other's
 * class as undefined while building its static spec. The graph edge is webhook → cert-manager;
 * this reverse reference is only a lookup at synth time, so it is the one made lazy.
 */
function dns01WebhookClass(): DynadotWebhookModule['CertManagerDynadotWebhook'] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../cert-manager-dynadot-webhook') as DynadotWebhookModule).CertManagerDynadotWebhook;
}

export const CertManagerValues = strictObject({
  /** Install the CRDs with the chart, and keep them when the release is removed. */
  crds: strictObject({ enabled: Type.Boolean(), keep: Type.Boolean() }),
  resources: Resources,
  webhookResources: Resources,
  monitoring: strictObject({ prometheus: Type.Boolean(), serviceMonitor: Type.Boolean() }),
  issuers: strictObject({
    /** ACME account e-mail. @default the Sovereign owner's e-mail */
    email: Type.Optional(Email),
    acmeServer: Type.String({ pattern: '^https://' }),
    /**
     * DNS-01 through a webhook solver. Off by default: it needs bp-cert-manager-dynadot-webhook
     * and its API credentials (upstream enabled it without installing either). The solver's
     * group, name and credentials Secret come from that Blueprint, not from copies here.
     */
    dns01: strictObject({ enabled: Type.Boolean() }),
    http01: strictObject({ enabled: Type.Boolean(), ingressClassName: Type.String() }),
  }),
});
export type CertManagerValues = Static<typeof CertManagerValues>;

/** A Kubernetes ServiceAccount by name and namespace. */
export interface ServiceAccountRef {
  readonly name: string;
  readonly namespace: string;
}

export class CertManager extends Blueprint<typeof CertManagerValues> {
  public static readonly spec = blueprintSpec({
    name: 'cert-manager',
    version: '1.1.1',
    slot: 2,
    section: 'pts-3-3-security-and-policy',
    card: {
      title: 'cert-manager',
      summary: "X.509 certificate management with Let's Encrypt ClusterIssuers (HTTP-01 and DNS-01).",
      icon: 'cert-manager.svg',
      documentation: 'https://cert-manager.io/docs/',
      license: 'Apache-2.0',
    },
    upstream: [helmChart('cert-manager', 'v1.16.2', 'https://charts.jetstack.io')],
    namespace: 'cert-manager',
    releaseName: 'cert-manager',
    depends: [Cilium],
    network: {
      // The API server calls the webhook (the chart's webhook.securePort). Host-network callers
      // are matched by the CNI's host identity, not by this namespace selector.
      ingressFromCluster: [{ port: 10250 }],
      // ACME API (443), the HTTP-01 self-check against the challenge URL (80), and the DNS-01
      // propagation check, which queries the zone's authoritative nameservers directly (53).
      egressToWorld: [{ port: 443 }, { port: 80 }, { port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
    },
    values: CertManagerValues,
    defaults: {
      crds: { enabled: true, keep: true },
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      webhookResources: { requests: { cpu: '50m', memory: '64Mi' } },
      monitoring: { prometheus: false, serviceMonitor: false },
      issuers: {
        acmeServer: 'https://acme-v02.api.letsencrypt.org/directory',
        dns01: { enabled: false },
        http01: { enabled: true, ingressClassName: 'cilium' },
      },
    },
    providesApis: ['cert-manager.io/v1', 'acme.cert-manager.io/v1'],
    upgradesFrom: ['0.x'],
  });

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    return {
      crds: { enabled: v.crds.enabled, keep: v.crds.keep },
      prometheus: { enabled: v.monitoring.prometheus, servicemonitor: { enabled: v.monitoring.prometheus && v.monitoring.serviceMonitor } },
      resources: v.resources,
      webhook: { resources: v.webhookResources },
    };
  }

  /**
   * The controller's ServiceAccount (the jetstack chart names it after the release). DNS-01
   * webhooks grant it `create` on their API group.
   */
  public get controllerServiceAccount(): ServiceAccountRef {
    return { name: this.releaseName, namespace: this.namespace };
  }

  /** The issuer other Blueprints put on their Certificates and Ingresses. */
  public get issuer(): IssuerRef {
    const dns = this.values.issuers.dns01.enabled;
    return { name: dns ? 'letsencrypt-dns01-prod' : 'letsencrypt-http01-prod', kind: 'ClusterIssuer', group: 'cert-manager.io' };
  }

  /** The issuer that can sign wildcard names (DNS-01 only), if enabled. */
  public get wildcardIssuer(): IssuerRef | undefined {
    return this.values.issuers.dns01.enabled ? { name: 'letsencrypt-dns01-prod', kind: 'ClusterIssuer', group: 'cert-manager.io' } : undefined;
  }

  public outputs(): { readonly [name: string]: string } {
    const wildcard = this.wildcardIssuer;
    return { issuerName: this.issuer.name, issuerKind: this.issuer.kind, ...(wildcard ? { wildcardIssuerName: wildcard.name } : {}) };
  }

  /**
   * The DNS-01 solver Blueprint installed in this Sovereign. Not a declared dependency (it
   * depends on cert-manager, not the other way round); the ClusterIssuer only names it.
   */
  private dns01Webhook(): CertManagerDynadotWebhook {
    const cls = dns01WebhookClass();
    const webhook = this.context.find(cls);
    if (!webhook) {
      // The webhook runs in this namespace by construction (its spec reads CertManager.spec.namespace),
      // where a ClusterIssuer's secret references resolve; only its absence can go wrong.
      throw CatalystError.at(
        `${this.path}.values.issuers.dns01.enabled`,
        `the DNS-01 ClusterIssuer needs the webhook solver bp-${cls.spec.name}, which this Sovereign does not install; add it, or set dns01.enabled to false`,
      );
    }
    return webhook;
  }

  protected overlays(scope: Chart): void {
    const issuers = this.values.issuers;
    const email = issuers.email ?? this.context.org.email;
    const base = { 'app.kubernetes.io/managed-by': 'catalyst-cdk', 'catalyst.openova.io/component': 'cert-manager' };
    if (issuers.dns01.enabled) {
      const webhook = this.dns01Webhook();
      const secret = webhook.credentialsSecret;
      new ClusterIssuer(scope, 'dns01', {
        metadata: { name: 'letsencrypt-dns01-prod', labels: { ...base, 'catalyst.openova.io/issuer-class': 'dns01' } },
        spec: {
          acme: {
            server: issuers.acmeServer,
            email,
            privateKeySecretRef: { name: 'letsencrypt-dns01-prod-account-key' },
            solvers: [{
              dns01: {
                webhook: {
                  groupName: webhook.groupName,
                  solverName: webhook.solverName,
                  // For a ClusterIssuer cert-manager resolves these in its own namespace: no cross-namespace reference.
                  config: {
                    apiKeySecretRef: { name: secret.name, key: secret.keys.apiKey },
                    apiSecretSecretRef: { name: secret.name, key: secret.keys.apiSecret },
                    managedDomainsSecretRef: { name: secret.name, key: secret.keys.managedDomains },
                  },
                },
              },
            }],
          },
        },
      });
    }
    if (issuers.http01.enabled) {
      new ClusterIssuer(scope, 'http01', {
        metadata: { name: 'letsencrypt-http01-prod', labels: { ...base, 'catalyst.openova.io/issuer-class': 'http01' } },
        spec: {
          acme: {
            server: issuers.acmeServer,
            email,
            privateKeySecretRef: { name: 'letsencrypt-http01-prod-account-key' },
            solvers: [{ http01: { ingress: { ingressClassName: issuers.http01.ingressClassName } } }],
          },
        },
      });
    }
  }
}
