/**
 * bp-external-secrets (kit slot 15): the External Secrets Operator, and one ClusterSecretStore
 * that reads OpenBao's KV engine with Kubernetes auth. Blueprints that need a secret from
 * OpenBao write an ExternalSecret naming `secretStoreRef`.
 *
 * The store's server is bp-openbao's typed `address`, not a copied URL, and it lands in
 * infrastructure/ because its API is one this Blueprint installs: Flux applies it only after
 * the ESO CRDs exist (the upstream's Helm post-install hook did not wait for them, 9554be4).
 *
 * What the store needs in OpenBao is not automated (OpenBao stays sealed until an operator
 * initialises it): a KV v2 engine at `path`, the Kubernetes auth method at `mountPath`, and a
 * role named `role` bound to the controller's ServiceAccount (`serviceAccount`).
 */
import { Static, Type } from '@sinclair/typebox';
import { ApiObject, Chart } from 'cdk8s';
import { Blueprint, blueprintSpec, helmChart, helmFullname, UpstreamChart } from '../../src/blueprint';
import { CatalystError } from '../../src/errors';
import { DnsLabel, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';
import { appLabels } from '../keycloak';
import { OpenBao } from '../openbao';

export const EXTERNAL_SECRETS_CHART = helmChart('external-secrets', '0.10.7', 'https://charts.external-secrets.io');

/** The API group/version the 0.10 CRDs serve and the store is written in. */
export const EXTERNAL_SECRETS_API_VERSION = 'external-secrets.io/v1beta1';

/** One ESO component's size. */
const Component = strictObject({
  /** Pod replicas; one is enough, the controllers elect a leader. */
  replicas: Type.Integer({ minimum: 1, maximum: 5 }),
  resources: Resources,
});

export const ExternalSecretsValues = strictObject({
  /** Install the CRDs with the chart (this Blueprint is the one provider of external-secrets.io). */
  installCRDs: Type.Boolean(),
  /** The controller that syncs ExternalSecrets. */
  operator: Component,
  /** The conversion/validation webhook. */
  webhook: Component,
  /** The controller that issues the webhook's certificate. */
  certController: Component,
  /** Observability toggles: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({
    /** The metrics Service of each component. */
    metricsService: Type.Boolean(),
    /** The chart's ServiceMonitors (needs monitoring.coreos.com/v1; only with `metricsService`). */
    serviceMonitor: Type.Boolean(),
  }),
  /** The ClusterSecretStore that reads OpenBao. */
  clusterSecretStore: strictObject({
    enabled: Type.Boolean(),
    /** Name ExternalSecrets put in `secretStoreRef.name`. */
    name: DnsLabel,
    /** Mount path of the KV engine in OpenBao. */
    path: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$' }),
    /** KV engine version. */
    version: Type.Union([Type.Literal('v1'), Type.Literal('v2')]),
    kubernetesAuth: strictObject({
      /** Mount path of OpenBao's Kubernetes auth method. */
      mountPath: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$' }),
      /** OpenBao role bound to the controller's ServiceAccount. */
      role: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_.-]+$' }),
    }),
  }),
});
export type ExternalSecretsValues = Static<typeof ExternalSecretsValues>;

/** A reference an ExternalSecret puts in `spec.secretStoreRef`. */
export interface SecretStoreRef {
  readonly name: string;
  readonly kind: 'ClusterSecretStore';
}

const SMALL = { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } };

export class ExternalSecrets extends Blueprint<typeof ExternalSecretsValues> {
  public static readonly spec = blueprintSpec({
    name: 'external-secrets',
    // One version for blueprint.yaml, the chart and the kit pin: upstream had 1.0.0 vs 1.0.1 (§10 #4).
    version: '1.0.1',
    slot: 15,
    section: 'pts-3-3-security-and-policy',
    card: {
      title: 'External Secrets',
      summary: 'External Secrets Operator with a ClusterSecretStore on OpenBao: Blueprints declare ExternalSecrets instead of carrying secrets.',
      documentation: 'https://external-secrets.io/v0.10.7/',
      license: 'Apache-2.0',
    },
    visibility: 'unlisted',
    upstream: [EXTERNAL_SECRETS_CHART],
    namespace: 'external-secrets-system',
    releaseName: 'external-secrets',
    depends: [OpenBao, CertManager],
    values: ExternalSecretsValues,
    defaults: {
      installCRDs: true,
      operator: { replicas: 1, resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } } },
      webhook: { replicas: 1, resources: SMALL },
      certController: { replicas: 1, resources: SMALL },
      monitoring: { metricsService: false, serviceMonitor: false },
      clusterSecretStore: {
        enabled: true,
        name: 'vault-region1',
        path: 'secret',
        version: 'v2',
        kubernetesAuth: { mountPath: 'kubernetes', role: 'external-secrets' },
      },
    },
    providesApis: [EXTERNAL_SECRETS_API_VERSION],
    network: {
      // The API server calls the validation/conversion webhook (`webhook.port`, chart default).
      ingressFromCluster: [{ port: 10250 }],
    },
  });

  /** The controller's ServiceAccount (the chart names it after its fullname); OpenBao's role binds it. */
  public get serviceAccount(): { readonly name: string; readonly namespace: string } {
    return { name: helmFullname(this.releaseName, EXTERNAL_SECRETS_CHART.chart), namespace: this.namespace };
  }

  /** What an ExternalSecret names as its store. Throws (with the values path) if the store is switched off. */
  public get secretStoreRef(): SecretStoreRef {
    const store = this.values.clusterSecretStore;
    if (!store.enabled) {
      throw CatalystError.at(`${this.path}.values.clusterSecretStore.enabled`, 'an ExternalSecret needs the OpenBao ClusterSecretStore; set it to true');
    }
    return { name: store.name, kind: 'ClusterSecretStore' };
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    const m = v.monitoring;
    const component = (c: ExternalSecretsValues['operator']) => ({
      replicaCount: c.replicas,
      resources: c.resources,
      serviceMonitor: { enabled: m.metricsService && m.serviceMonitor },
      metrics: { service: { enabled: m.metricsService } },
    });
    const { replicaCount, resources, serviceMonitor, metrics } = component(v.operator);
    return {
      installCRDs: v.installCRDs,
      replicaCount,
      resources,
      webhook: component(v.webhook),
      certController: component(v.certController),
      serviceMonitor,
      metrics,
    };
  }

  protected overlays(scope: Chart): void {
    const store = this.values.clusterSecretStore;
    if (!store.enabled) return;
    const openbao = this.dependency(OpenBao);
    new ApiObject(scope, 'cluster-secret-store', {
      apiVersion: EXTERNAL_SECRETS_API_VERSION,
      kind: 'ClusterSecretStore',
      metadata: { name: store.name, labels: appLabels('external-secrets', this.releaseName, 'cluster-secret-store', this.spec.version) },
      spec: {
        provider: {
          vault: {
            server: openbao.address,
            path: store.path,
            version: store.version,
            auth: {
              kubernetes: {
                mountPath: store.kubernetesAuth.mountPath,
                role: store.kubernetesAuth.role,
                serviceAccountRef: this.serviceAccount,
              },
            },
          },
        },
      },
    });
  }

  public outputs(): { readonly [name: string]: string } {
    const store = this.values.clusterSecretStore;
    return store.enabled ? { clusterSecretStore: store.name } : {};
  }
}
