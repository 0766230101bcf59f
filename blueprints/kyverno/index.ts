/**
 * bp-kyverno (kit slot 27): Kubernetes-native policy engine. Validating, mutating and
 * generating admission control, with the admission, background, cleanup and reports
 * controllers as separate Deployments. Installs the kyverno.io CRDs; the policies themselves
 * are left to the Blueprints and tenants that need them.
 */
import { Static, Type } from '@sinclair/typebox';
import { Blueprint, blueprintSpec, helmChart, UpstreamChart } from '../../src/blueprint';
import { ImageTag, Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { Cilium } from '../cilium';

export const KYVERNO_CHART = helmChart('kyverno', '3.8.0', 'https://kyverno.github.io/kyverno');

/** Image repository of each controller inside the registry; one Kyverno release ships them together. */
export const KYVERNO_REPOSITORIES = {
  admissionController: 'kyverno/kyverno',
  backgroundController: 'kyverno/background-controller',
  cleanupController: 'kyverno/cleanup-controller',
  reportsController: 'kyverno/reports-controller',
} as const;

const PullPolicy = Type.Union([Type.Literal('IfNotPresent'), Type.Literal('Always'), Type.Literal('Never')]);

/** Replicas and resources of one controller. */
const Controller = strictObject({
  replicas: Type.Integer({ minimum: 1, maximum: 5 }),
  resources: Resources,
});

export const KyvernoValues = strictObject({
  /** Install the kyverno.io CRDs with the chart (the kyverno `crds` subchart). */
  crds: strictObject({ install: Type.Boolean() }),
  /**
   * Where the controller images come from. All four controllers are one Kyverno release, so
   * they share registry and tag; the repository of each is KYVERNO_REPOSITORIES.
   */
  image: strictObject({
    /** Registry host, e.g. `ghcr.io` or a Harbor mirror. */
    registry: Type.String({ pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]+)?$' }),
    tag: ImageTag,
    pullPolicy: PullPolicy,
  }),
  /** The admission webhook (validate/mutate on every API request the policies match). */
  admissionController: Controller,
  /** Background scans and generate/mutate-existing rules. */
  backgroundController: Controller,
  /** CleanupPolicy executor; optional. */
  cleanupController: strictObject({ enabled: Type.Boolean(), replicas: Controller.properties.replicas, resources: Resources }),
  /** Policy reports. */
  reportsController: Controller,
  /** Store reports in the separate reports-server (an extra API server and database); off. */
  reportsServer: strictObject({ enabled: Type.Boolean() }),
  /** The openreports.io report API (alpha); off, and its CRDs with it. */
  openreports: strictObject({ enabled: Type.Boolean(), installCrds: Type.Boolean() }),
  /** Observability toggles: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({
    /** A ServiceMonitor per controller (needs monitoring.coreos.com/v1). */
    serviceMonitor: Type.Boolean(),
    /** The chart's Grafana dashboard ConfigMap. */
    grafanaDashboards: Type.Boolean(),
  }),
});
export type KyvernoValues = Static<typeof KyvernoValues>;

export class Kyverno extends Blueprint<typeof KyvernoValues> {
  public static readonly spec = blueprintSpec({
    name: 'kyverno',
    version: '1.0.0',
    slot: 27,
    section: 'pts-3-3-security-and-policy',
    card: {
      title: 'Kyverno',
      summary: 'Kubernetes-native policy management: validating, mutating and generating admission control, with separate admission, background, cleanup and reports controllers.',
      category: 'security',
      tags: ['guardian', 'policy', 'admission-control'],
      documentation: 'https://kyverno.io/docs/',
      license: 'Apache-2.0',
    },
    visibility: 'unlisted',
    upstream: [KYVERNO_CHART],
    namespace: 'kyverno',
    releaseName: 'kyverno',
    depends: [Cilium],
    values: KyvernoValues,
    defaults: {
      crds: { install: true },
      image: { registry: 'ghcr.io', tag: 'v1.18.0', pullPolicy: 'IfNotPresent' },
      admissionController: { replicas: 1, resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } } },
      backgroundController: { replicas: 1, resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } } },
      cleanupController: { enabled: true, replicas: 1, resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } } },
      reportsController: { replicas: 1, resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } } },
      reportsServer: { enabled: false },
      openreports: { enabled: false, installCrds: false },
      monitoring: { serviceMonitor: false, grafanaDashboards: false },
    },
    providesApis: ['kyverno.io/v1', 'kyverno.io/v2', 'kyverno.io/v2beta1', 'wgpolicyk8s.io/v1alpha2'],
    network: {
      // The API server calls the admission and cleanup webhooks (container port 9443).
      ingressFromCluster: [{ port: 9443 }],
      // verifyImages rules read signatures and attestations from the image registries.
      egressToWorld: [{ port: 443 }],
    },
  });

  private image(controller: keyof typeof KYVERNO_REPOSITORIES): PlainObject {
    const i = this.values.image;
    return { registry: i.registry, repository: KYVERNO_REPOSITORIES[controller], tag: i.tag, pullPolicy: i.pullPolicy };
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    // A fresh object per controller: the values tree stays a tree.
    const serviceMonitor = (): PlainObject => ({ enabled: v.monitoring.serviceMonitor });
    return {
      crds: { install: v.crds.install },
      admissionController: {
        replicas: v.admissionController.replicas,
        // Deliberate fix: upstream curated `admissionController.image` and `.resources`, which the
        // kyverno 3.x chart does not read; the admission controller's main container is configured
        // under `admissionController.container` (its init container under `.initContainer`).
        container: { image: this.image('admissionController'), resources: v.admissionController.resources },
        serviceMonitor: serviceMonitor(),
      },
      backgroundController: {
        replicas: v.backgroundController.replicas,
        image: this.image('backgroundController'),
        resources: v.backgroundController.resources,
        serviceMonitor: serviceMonitor(),
      },
      cleanupController: {
        enabled: v.cleanupController.enabled,
        replicas: v.cleanupController.replicas,
        image: this.image('cleanupController'),
        resources: v.cleanupController.resources,
        serviceMonitor: serviceMonitor(),
      },
      reportsController: {
        replicas: v.reportsController.replicas,
        image: this.image('reportsController'),
        resources: v.reportsController.resources,
        serviceMonitor: serviceMonitor(),
      },
      reportsServer: { enabled: v.reportsServer.enabled },
      grafana: { enabled: v.monitoring.grafanaDashboards },
      openreports: { enabled: v.openreports.enabled, installCrds: v.openreports.installCrds },
    };
  }
}
