/**
 * bp-kserve (slot 38): KServe model serving (InferenceService, ServingRuntime, InferenceGraph)
 * in RawDeployment mode by default: KServe writes plain Deployments, Services and HPAs, and
 * Knative (bp-knative) stays available for InferenceServices that opt in to Serverless.
 *
 * Two upstream charts from KServe's OCI registry, installed in order: `kserve-crd` (the
 * serving.kserve.io CRDs) and `kserve` (controller and webhooks). Before v0.17 the `kserve`
 * chart carries no CRDs (KServe's install guide installs `kserve-crd` first); the upstream
 * Blueprint pinned only `kserve`, so its controller had no CRDs to watch. Deliberate addition.
 */
import { Static, Type } from '@sinclair/typebox';
import { Blueprint, blueprintSpec, helmChart, UpstreamChart } from '../../src/blueprint';
import { Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';
import { Cilium } from '../cilium';
import { Knative } from '../knative';

export const KSERVE_VERSION = 'v0.16.0';
export const KSERVE_REGISTRY = 'oci://ghcr.io/kserve/charts';
export const KSERVE_CRD_CHART = helmChart('kserve-crd', KSERVE_VERSION, KSERVE_REGISTRY);
export const KSERVE_CHART = helmChart('kserve', KSERVE_VERSION, KSERVE_REGISTRY);
export const KSERVE_API_VERSION = 'serving.kserve.io/v1beta1';

export const KserveValues = strictObject({
  /**
   * `RawDeployment`: Deployment + Service + HPA per InferenceService, no Knative hop.
   * `Serverless`: a Knative Service per InferenceService (scale-to-zero).
   */
  deploymentMode: Type.Union([Type.Literal('RawDeployment'), Type.Literal('Serverless')]),
  /** GatewayClass of the Gateway KServe creates for InferenceService routes (Cilium's Gateway API). */
  ingressClass: Type.String({ pattern: '^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$', maxLength: 253 }),
  /** kserve-controller-manager replicas; one per Sovereign, more for multi-AZ HA. */
  controllerReplicas: Type.Integer({ minimum: 1, maximum: 5 }),
  controllerResources: Resources,
  /** Scheme of InferenceService URLs. */
  urlScheme: Type.Union([Type.Literal('http'), Type.Literal('https')]),
  /** Observability toggles: off by default (upstream #182). */
  monitoring: strictObject({
    /** KServe's metric aggregation sidecar. */
    metricAggregation: Type.Boolean(),
    /** Prometheus scrape annotations on InferenceService pods. */
    prometheusScraping: Type.Boolean(),
  }),
});
export type KserveValues = Static<typeof KserveValues>;

export class Kserve extends Blueprint<typeof KserveValues> {
  public static readonly spec = blueprintSpec({
    name: 'kserve',
    version: '1.0.0',
    slot: 38,
    section: 'pts-4-6-ai-ml',
    card: {
      title: 'KServe',
      summary: 'Kubernetes-native model serving: InferenceService, multi-framework predictors (vLLM, Triton, TorchServe) and inference graphs, in RawDeployment mode with Knative available for scale-to-zero.',
      icon: 'kserve.svg',
      category: 'ai-ml',
      tags: ['model-serving', 'inference', 'kserve', 'ai-ml'],
      documentation: 'https://kserve.github.io/website/',
      license: 'Apache-2.0',
    },
    visibility: 'unlisted',
    upstream: [KSERVE_CRD_CHART, KSERVE_CHART],
    namespace: 'kserve',
    releaseName: 'kserve',
    depends: [
      { blueprint: Cilium, version: '^1' },
      { blueprint: CertManager, version: '^1' },
      { blueprint: Knative, version: '^1' },
    ],
    network: {
      // The API server calls KServe's admission webhooks.
      ingressFromCluster: [{ port: 9443 }],
    },
    podSecurity: {
      level: 'baseline',
      reason: 'the kserve chart v0.16.0 does not set the restricted profile\'s seccomp and capability fields on every container; baseline still forbids privileged pods and host access',
    },
    values: KserveValues,
    defaults: {
      deploymentMode: 'RawDeployment',
      ingressClass: 'cilium',
      controllerReplicas: 1,
      controllerResources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      urlScheme: 'http',
      monitoring: { metricAggregation: false, prometheusScraping: false },
    },
    providesApis: [KSERVE_API_VERSION, 'serving.kserve.io/v1alpha1'],
    placement: { modes: ['single-region', 'active-active'], default: 'single-region', minRegions: 1, maxRegions: 5 },
    upgradesFrom: ['0.x'],
  });

  /** The API group/version of InferenceService. */
  public get apiVersion(): string {
    return KSERVE_API_VERSION;
  }

  /** Gateway KServe creates for InferenceService routes, as `<namespace>/<name>`. */
  public get ingressGateway(): string {
    return `${this.namespace}/kserve-ingress-gateway`;
  }

  /** Domain of InferenceService host names: the Sovereign FQDN. */
  public get ingressDomain(): string {
    return this.context.fqdn;
  }

  public outputs(): { readonly [name: string]: string } {
    return { apiVersion: this.apiVersion, deploymentMode: this.values.deploymentMode, ingressGateway: this.ingressGateway };
  }

  protected chartValues(u: UpstreamChart): PlainObject {
    if (u.chart === KSERVE_CRD_CHART.chart) return {};
    const v = this.values;
    const knative = this.dependency(Knative);
    const serving = knative.servingNamespace;
    return {
      kserve: {
        version: KSERVE_VERSION,
        controller: {
          deploymentMode: v.deploymentMode,
          replicaCount: v.controllerReplicas,
          resources: v.controllerResources,
          gateway: {
            // Deliberate fix: upstream curated `example.com`, so every InferenceService URL
            // pointed at a domain nobody owns; the Sovereign FQDN is the only right value.
            domain: this.ingressDomain,
            domainTemplate: '{{ .Name }}-{{ .Namespace }}.{{ .IngressDomain }}',
            urlScheme: v.urlScheme,
            disableIngressCreation: false,
            disableIstioVirtualHost: true,
            // Knative's gateways, named from bp-knative's Serving namespace (not a copied string).
            localGateway: {
              gateway: `${serving}/knative-local-gateway`,
              gatewayService: `knative-local-gateway.${serving}.svc.cluster.local`,
              knativeGatewayService: '',
            },
            ingressGateway: {
              enableGatewayApi: true,
              kserveGateway: this.ingressGateway,
              createGateway: true,
              className: v.ingressClass,
              gateway: `${serving}/knative-ingress-gateway`,
            },
          },
        },
        // The chart reads these as strings.
        metricsaggregator: {
          enableMetricAggregation: String(v.monitoring.metricAggregation),
          enablePrometheusScraping: String(v.monitoring.prometheusScraping),
        },
      },
    };
  }
}
