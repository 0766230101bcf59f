/**
 * bp-flux (kit slot 03): the GitOps reconciler. Phase 0's cloud-init installs this same chart
 * (FLUX2_CHART, appVersion FLUX_VERSION) as Helm release `flux` in flux-system with this
 * Blueprint's values, so that Flux can reconcile this repository at all; this HelmRelease then
 * adopts that release (same name, namespace and version: Helm cannot adopt objects applied
 * from install.yaml). The chart pin comes from version.ts and nowhere else: a chart one minor behind
 * the running Flux made Helm fail on CRD storedVersions and its rollback deleted the running
 * controllers (upstream #188 / b0c1c07).
 */
import { Static, Type } from '@sinclair/typebox';
import { Blueprint, blueprintSpec, UpstreamChart } from '../../src/blueprint';
import { Resources } from '../../src/schema';
import { PlainObject, strictObject } from '../../src/values';
import { CertManager } from '../cert-manager';
import { FLUX2_CHART, FLUX_VERSION } from './version';

/** Resources of one Flux controller. */
const Controller = strictObject({
  resources: Resources,
});

export const FluxValues = strictObject({
  /**
   * Let the chart own the Flux CRDs. Phase 0 installed the same chart and version, so the
   * chart's copies change nothing on first install.
   */
  installCRDs: Type.Boolean(),
  /** The three controllers the Sovereign relies on; the others keep the chart's defaults. */
  controllers: strictObject({
    /** source-controller: fetches Git repositories, Helm repositories and OCI artifacts. */
    source: Controller,
    /** kustomize-controller: applies the bootstrap-kit, infrastructure and tenants Kustomizations. */
    kustomize: Controller,
    /** helm-controller: installs every HelmRelease of the Sovereign, including this one. */
    helm: Controller,
  }),
  /** Observability toggles: off by default, the monitoring CRDs may not exist (upstream #182). */
  monitoring: strictObject({
    /** Create the chart's PodMonitor (needs monitoring.coreos.com/v1). */
    podMonitor: Type.Boolean(),
  }),
});
export type FluxValues = Static<typeof FluxValues>;

const CONTROLLER_RESOURCES: Resources = { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } };

export class Flux extends Blueprint<typeof FluxValues> {
  public static readonly spec = blueprintSpec({
    name: 'flux',
    version: '1.1.2',
    slot: 3,
    section: 'pts-3-2-gitops-and-iac',
    card: {
      title: 'Flux',
      summary: 'GitOps reconciler: source, kustomize and helm controllers that install every Blueprint of the Sovereign from its Git repository.',
      documentation: 'https://fluxcd.io/flux/',
      license: 'Apache-2.0',
    },
    visibility: 'unlisted',
    upstream: [FLUX2_CHART],
    namespace: 'flux-system',
    releaseName: 'flux',
    depends: [CertManager],
    // Helm must not reset values a running Flux was upgraded with (upstream kit 03-flux).
    install: { preserveValues: true },
    values: FluxValues,
    defaults: {
      installCRDs: true,
      controllers: {
        source: { resources: CONTROLLER_RESOURCES },
        kustomize: { resources: CONTROLLER_RESOURCES },
        helm: { resources: CONTROLLER_RESOURCES },
      },
      monitoring: { podMonitor: false },
    },
  });

  /** The Flux release this Blueprint runs; the same constant Phase 0 installs. */
  public get fluxVersion(): string {
    return FLUX_VERSION;
  }

  protected chartValues(_u: UpstreamChart): PlainObject {
    const v = this.values;
    return {
      installCRDs: v.installCRDs,
      sourceController: { resources: v.controllers.source.resources },
      kustomizeController: { resources: v.controllers.kustomize.resources },
      helmController: { resources: v.controllers.helm.resources },
      prometheus: { podMonitor: { create: v.monitoring.podMonitor } },
    };
  }

  public outputs(): { readonly [name: string]: string } {
    return { fluxVersion: this.fluxVersion };
  }
}
