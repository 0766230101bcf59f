/**
 * bp-external-dns (kit slot 12): publishes Service and Ingress host names into the Sovereign's
 * PowerDNS zone through the PowerDNS API.
 *
 * Fixes of upstream defects (§3.3 observation, §10 "Additional inconsistencies"):
 *  - `--pdns-server` pointed at `powerdns.openova-system`, but the kit runs PowerDNS in
 *    `powerdns`: here it is bp-powerdns's typed `apiEndpoint`;
 *  - `txtOwnerId` (`openova`) and `domainFilters` (`[]`) were only fixed by the kit overlay;
 *    here both default to the Sovereign FQDN token;
 *  - the API key was read from `powerdns-api-credentials` in the external-dns namespace, where
 *    nothing created it (a Pod cannot read another namespace's Secret): here a create-only Job
 *    mirrors the key from bp-powerdns's Secret into this namespace (read access to that one
 *    Secret is granted in the powerdns namespace). With `externalSecret.enabled`, an
 *    ExternalSecret fills it from the secret store instead (needs external-secrets.io).
 */
import { Static, TLiteral, TUnion, Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import { IntOrString, KubeNetworkPolicy } from 'cdk8s-plus-28/lib/imports/k8s';
import { Blueprint, blueprintSpec, helmChart, UpstreamChart } from '../../src/blueprint';
import { DnsLabel, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';
import { appLabels, GeneratedSecret, SecretKeyRef } from '../keycloak';
import { PowerDns } from '../powerdns';
import { ExternalSecret, ServiceMonitor } from './crds';

function literal<T extends string>(...values: T[]): TUnion<TLiteral<T>[]> {
  return Type.Union(values.map((v) => Type.Literal(v)));
}

export const ExternalDnsValues = strictObject({
  /** Kubernetes objects whose host names are published. */
  sources: Type.Array(literal('service', 'ingress', 'gateway-httproute', 'gateway-grpcroute', 'gateway-tlsroute'), { minItems: 1, uniqueItems: true }),
  /** `sync` also deletes records whose objects are gone. */
  policy: literal('sync', 'upsert-only', 'create-only'),
  /** Prefix of the TXT ownership records. */
  txtPrefix: Type.String(),
  /** Owner id in the TXT records. @default the Sovereign FQDN */
  txtOwnerId: Type.Optional(Type.String({ minLength: 1 })),
  /** Zones external-dns may write. @default [the Sovereign FQDN] */
  domainFilters: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  /** PowerDNS API version path segment. */
  pdnsApiVersion: Type.String({ pattern: '^v[0-9]+$' }),
  resources: Resources,
  serviceAccountName: DnsLabel,
  /** NetworkPolicy: egress only to DNS, the API server and the PowerDNS API. */
  networkPolicy: strictObject({ enabled: Type.Boolean() }),
  /** Observability toggle: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({
    /** A ServiceMonitor for the metrics port (needs monitoring.coreos.com/v1; dropped with a warning otherwise). */
    serviceMonitor: Type.Boolean(),
    interval: Type.String({ pattern: '^[0-9]+(s|m)$' }),
  }),
  /**
   * Fill the API key Secret from the secret store (ESO) instead of mirroring bp-powerdns's.
   * Needs external-secrets.io/v1beta1, which no kit Blueprint provides yet: dropped with a warning.
   */
  externalSecret: strictObject({
    enabled: Type.Boolean(),
    refreshInterval: Type.String({ pattern: '^[0-9]+(s|m|h)$' }),
    secretStoreRef: strictObject({ name: Type.String({ minLength: 1 }), kind: literal('ClusterSecretStore', 'SecretStore') }),
    remoteKey: Type.String({ minLength: 1 }),
    property: Type.String({ minLength: 1 }),
  }),
});
export type ExternalDnsValues = Static<typeof ExternalDnsValues>;

/** Port of external-dns's metrics and health endpoint. */
const METRICS_PORT = 7979;

export class ExternalDns extends Blueprint<typeof ExternalDnsValues> {
  public static readonly spec = blueprintSpec({
    name: 'external-dns',
    version: '1.1.2',
    slot: 12,
    section: 'pts-3-1-networking-and-service-mesh',
    category: 'per-host-cluster-infrastructure',
    card: {
      title: 'ExternalDNS',
      summary: 'Publishes Service and Ingress host names into the Sovereign zone on PowerDNS.',
      documentation: 'https://kubernetes-sigs.github.io/external-dns/',
      license: 'Apache-2.0',
    },
    visibility: 'unlisted',
    upstream: [helmChart('external-dns', '1.15.2', 'https://kubernetes-sigs.github.io/external-dns')],
    namespace: 'external-dns',
    releaseName: 'external-dns',
    depends: [CertManager, PowerDns],
    values: ExternalDnsValues,
    defaults: {
      sources: ['service', 'ingress'],
      policy: 'sync',
      txtPrefix: '_externaldns.',
      pdnsApiVersion: 'v1',
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
      serviceAccountName: 'external-dns',
      networkPolicy: { enabled: true },
      monitoring: { serviceMonitor: false, interval: '30s' },
      externalSecret: {
        enabled: false,
        refreshInterval: '1h',
        secretStoreRef: { name: 'openbao', kind: 'ClusterSecretStore' },
        remoteKey: 'secret/data/sovereign/powerdns',
        property: 'api-key',
      },
    },
  });

  /** The PowerDNS API key as external-dns reads it: a Secret in this namespace. */
  public get apiKey(): SecretKeyRef {
    // Same name and key as bp-powerdns's Secret, one namespace over.
    return this.dependency(PowerDns).apiCredentials;
  }

  /** The pods' labels (the chart's selector labels). */
  public get podLabels(): Record<string, string> {
    return { 'app.kubernetes.io/name': 'external-dns', 'app.kubernetes.io/instance': this.releaseName };
  }

  public outputs(): { readonly [name: string]: string } {
    const pdns = this.dependency(PowerDns);
    return { pdnsServer: pdns.apiEndpoint, txtOwnerId: this.values.txtOwnerId ?? this.context.fqdn };
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    const pdns = this.dependency(PowerDns);
    const key = this.apiKey;
    return {
      provider: { name: 'pdns' },
      extraArgs: [`--pdns-server=${pdns.apiEndpoint}`, `--pdns-api-version=${v.pdnsApiVersion}`],
      env: [{ name: 'EXTERNAL_DNS_PDNS_API_KEY', valueFrom: { secretKeyRef: { name: key.secretName, key: key.key } } }],
      sources: [...v.sources],
      policy: v.policy,
      registry: 'txt',
      txtOwnerId: v.txtOwnerId ?? this.context.fqdn,
      txtPrefix: v.txtPrefix,
      domainFilters: [...(v.domainFilters ?? [this.context.fqdn])],
      resources: v.resources,
      // The chart's own ServiceMonitor stays off; the overlay below is the toggle.
      serviceMonitor: { enabled: false },
      replicas: 1,
      rbac: { create: true },
      serviceAccount: { create: true, name: v.serviceAccountName },
    };
  }

  protected overlays(scope: Chart): void {
    const v = this.values;
    const pdns = this.dependency(PowerDns);
    const key = this.apiKey;
    const version = this.spec.version;

    if (v.externalSecret.enabled) {
      const es = v.externalSecret;
      this.optional(new ExternalSecret(scope, 'api-key-external-secret', {
        metadata: { name: key.secretName, namespace: this.namespace, labels: appLabels('external-dns', this.releaseName, 'credentials', version) },
        spec: {
          refreshInterval: es.refreshInterval,
          secretStoreRef: { name: es.secretStoreRef.name, kind: es.secretStoreRef.kind },
          target: { name: key.secretName, creationPolicy: 'Owner' },
          data: [{ secretKey: key.key, remoteRef: { key: es.remoteKey, property: es.property } }],
        },
      }));
    } else {
      const source = pdns.apiCredentials;
      new GeneratedSecret(scope, 'api-key-mirror', {
        namespace: this.namespace,
        secretName: key.secretName,
        mirrorOf: { namespace: pdns.namespace, secretName: source.secretName, keys: [source.key] },
        labels: appLabels('external-dns', this.releaseName, 'credentials', version),
      });
    }

    if (v.networkPolicy.enabled) {
      const tcp = (port: number) => ({ protocol: 'TCP', port: IntOrString.fromNumber(port) });
      new KubeNetworkPolicy(scope, 'network-policy', {
        metadata: { name: 'external-dns', namespace: this.namespace, labels: appLabels('external-dns', this.releaseName, 'network-policy', version) },
        spec: {
          podSelector: { matchLabels: this.podLabels },
          policyTypes: ['Ingress', 'Egress'],
          // Metrics/health port, only when something scrapes it.
          ingress: v.monitoring.serviceMonitor ? [{ ports: [tcp(METRICS_PORT)] }] : [],
          egress: [
            {
              to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
              ports: [{ protocol: 'UDP', port: IntOrString.fromNumber(53) }, tcp(53)],
            },
            // The API server (Service port 443, endpoint port 6443 on k3s): its address is not selectable by label.
            { ports: [tcp(443), tcp(6443)] },
            {
              to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': pdns.namespace } } }],
              ports: [tcp(pdns.apiPort)],
            },
          ],
        },
      });
    }

    if (v.monitoring.serviceMonitor) {
      this.optional(new ServiceMonitor(scope, 'service-monitor', {
        metadata: { name: 'external-dns', namespace: this.namespace, labels: appLabels('external-dns', this.releaseName, 'monitoring', version) },
        spec: {
          selector: { matchLabels: this.podLabels },
          namespaceSelector: { matchNames: [this.namespace] },
          endpoints: [{ port: 'http', path: '/metrics', interval: v.monitoring.interval }],
        },
      }));
    }
  }
}
