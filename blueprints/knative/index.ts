/**
 * bp-knative (slot 37): Knative Serving, installed through the Knative operator. The upstream
 * `knative-operator` chart installs the operator and its `operator.knative.dev` CRDs; this
 * Blueprint adds the `KnativeServing` resource (in infrastructure/, after the CRDs exist) in
 * istio-less mode, with the Sovereign FQDN as the domain for Knative Service URLs. bp-kserve
 * builds on it.
 */
import { Static, Type } from '@sinclair/typebox';
import { ApiObject, Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Blueprint, blueprintSpec, helmChart, UpstreamChart } from '../../src/blueprint';
import { Image, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';
import { Cilium } from '../cilium';
import { appLabels } from '../keycloak/generated-secret';

export const KNATIVE_OPERATOR_CHART = helmChart('knative-operator', 'v1.21.1', 'https://knative.github.io/operator');
export const KNATIVE_OPERATOR_API_VERSION = 'operator.knative.dev/v1beta1';

/**
 * Knative's ingress implementation per ingress class value. `cilium` means Knative's Gateway
 * API ingress (net-gateway-api) on Cilium's Gateway API support: no Istio, no Kourier.
 */
const INGRESS_CLASSES = {
  cilium: 'gateway-api.ingress.networking.knative.dev',
  kourier: 'kourier.ingress.networking.knative.dev',
} as const;

const Duration = Type.String({ pattern: '^[0-9]+(s|m|h)$', description: 'duration, e.g. 30s' });
const Hostname = Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$', maxLength: 253 });

const Component = strictObject({ image: Image, resources: Resources });

export const KnativeValues = strictObject({
  /** The operator Deployment. */
  operator: Component,
  /** The operator's admission webhook. */
  webhook: Component,
  /** Domain root of Knative Service URLs (`<svc>.<ns>.<domain>`). @default the Sovereign FQDN */
  sovereignFqdn: Type.Optional(Hostname),
  /** Knative ingress class: `cilium` (Gateway API on Cilium, istio-less) or `kourier`. */
  ingressClass: Type.Union([Type.Literal('cilium'), Type.Literal('kourier')]),
  /** The KnativeServing resource this Blueprint renders. */
  knativeServing: strictObject({
    /** Render it; set false to author your own KnativeServing. */
    create: Type.Boolean(),
    name: Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 }),
    namespace: Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 }),
    /** Knative Serving version the operator installs. */
    version: Type.String({ pattern: '^[0-9]+\\.[0-9]+(\\.[0-9]+)?$' }),
    scaleToZero: strictObject({ enabled: Type.Boolean(), gracePeriod: Duration, stableWindow: Duration }),
    /** Replicas of Serving's control-plane Deployments. */
    highAvailability: strictObject({ replicas: Type.Integer({ minimum: 1, maximum: 5 }) }),
    /** Go template of a Knative Service's host name. */
    domainTemplate: Type.String({ minLength: 1 }),
  }),
});
export type KnativeValues = Static<typeof KnativeValues>;

const KNATIVE_IMAGE = 'gcr.io/knative-releases/knative.dev/operator/cmd';

export class Knative extends Blueprint<typeof KnativeValues> {
  public static readonly spec = blueprintSpec({
    name: 'knative',
    version: '1.0.0',
    slot: 37,
    section: 'pts-4-6-ai-ml',
    card: {
      title: 'Knative',
      summary: 'Serverless platform for Kubernetes: scale-to-zero, request-driven compute and traffic splitting, istio-less on Cilium. Foundation for bp-kserve.',
      icon: 'knative.svg',
      category: 'ai-ml',
      tags: ['serverless', 'scale-to-zero', 'knative', 'ai-ml'],
      documentation: 'https://knative.dev/docs/',
      license: 'Apache-2.0',
    },
    visibility: 'unlisted',
    upstream: [KNATIVE_OPERATOR_CHART],
    namespace: 'knative-operator',
    releaseName: 'knative',
    depends: [
      { blueprint: Cilium, version: '^1' },
      { blueprint: CertManager, version: '^1' },
    ],
    network: {
      // The API server calls the operator's admission and conversion webhook.
      ingressFromCluster: [{ port: 8443 }],
    },
    podSecurity: {
      level: 'baseline',
      reason: 'the knative-operator chart v1.21.1 sets runAsNonRoot and a read-only root but no seccomp profile or capability drop; baseline still forbids privileged pods and host access',
    },
    values: KnativeValues,
    defaults: {
      operator: {
        image: { repository: `${KNATIVE_IMAGE}/operator`, tag: 'v1.21.1' },
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      },
      webhook: {
        image: { repository: `${KNATIVE_IMAGE}/webhook`, tag: 'v1.21.1' },
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      },
      ingressClass: 'cilium',
      knativeServing: {
        create: true,
        name: 'knative-serving',
        namespace: 'knative-serving',
        version: '1.21.1',
        scaleToZero: { enabled: true, gracePeriod: '30s', stableWindow: '60s' },
        highAvailability: { replicas: 1 },
        domainTemplate: '{{.Name}}.{{.Namespace}}.{{.Domain}}',
      },
    },
    providesApis: [KNATIVE_OPERATOR_API_VERSION],
    placement: { modes: ['single-region', 'active-active'], default: 'single-region', minRegions: 1, maxRegions: 5 },
    upgradesFrom: ['0.x'],
  });

  /** Namespace Knative Serving runs in (its gateways live there too). */
  public get servingNamespace(): string {
    return this.values.knativeServing.namespace;
  }

  /** Domain root of Knative Service URLs: the Sovereign FQDN unless overridden. */
  public get domain(): string {
    return this.values.sovereignFqdn ?? this.context.fqdn;
  }

  /** Knative's ingress class string (`network.ingress-class`). */
  public get ingressClass(): string {
    return INGRESS_CLASSES[this.values.ingressClass];
  }

  public outputs(): { readonly [name: string]: string } {
    return { servingNamespace: this.servingNamespace, domain: this.domain, ingressClass: this.ingressClass };
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    // Hardening is not a knob: the operator and webhook run non-root with a read-only root.
    const hardened = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true };
    return {
      knative_operator: {
        knative_operator: {
          image: v.operator.image.repository,
          tag: v.operator.image.tag,
          affinity: {},
          tolerations: [],
          containerSecurityContext: hardened,
          resources: v.operator.resources,
        },
        operator_webhook: {
          image: v.webhook.image.repository,
          tag: v.webhook.image.tag,
          // Spread webhook replicas over nodes: admission must survive a node loss.
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [{
                podAffinityTerm: { labelSelector: { matchLabels: { app: 'operator-webhook' } }, topologyKey: 'kubernetes.io/hostname' },
                weight: 100,
              }],
            },
          },
          tolerations: [],
          containerSecurityContext: hardened,
          resources: v.webhook.resources,
        },
        kubernetes_min_version: 'v1.25.0',
      },
    };
  }

  protected overlays(scope: Chart): void {
    const s = this.values.knativeServing;
    if (!s.create) return;
    const labels = appLabels('knative', this.releaseName, 'serving', this.spec.version);
    new k8s.KubeNamespace(scope, 'serving-namespace', {
      metadata: { name: s.namespace, labels: { 'catalyst.openova.io/sovereign': this.context.fqdn, ...labels } },
    });
    new ApiObject(scope, 'knative-serving', {
      apiVersion: KNATIVE_OPERATOR_API_VERSION,
      kind: 'KnativeServing',
      metadata: { name: s.name, namespace: s.namespace, labels },
      spec: {
        'version': s.version,
        'high-availability': { replicas: s.highAvailability.replicas },
        // istio-less: no Istio sidecars; the ingress is Knative's Gateway API plugin on Cilium.
        'ingress': { istio: { enabled: false }, kourier: { enabled: this.values.ingressClass === 'kourier' }, contour: { enabled: false } },
        'config': {
          domain: { [this.domain]: '' },
          network: {
            'ingress-class': this.ingressClass,
            'domain-template': s.domainTemplate,
          },
          autoscaler: {
            'enable-scale-to-zero': String(s.scaleToZero.enabled),
            'scale-to-zero-grace-period': s.scaleToZero.gracePeriod,
            'stable-window': s.scaleToZero.stableWindow,
          },
        },
      },
    });
  }
}
