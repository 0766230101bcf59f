/**
 * What the first control plane installs before Flux takes over, derived from the Sovereign so
 * there is one source for each fact:
 *
 * - Cilium: the chart pin CILIUM_CHART and the values bp-cilium's HelmRelease uses
 *   (`helmValuesFor`), installed as the same Helm release (name `cilium`, namespace kube-system)
 *   so the kit HelmRelease upgrades it in place instead of fighting it (UPSTREAM §6.6 observed
 *   different one-shot values).
 * - Flux: the flux2 chart pinned in blueprints/flux/version.ts, whose appVersion is FLUX_VERSION,
 *   installed as bp-flux's release. Helm cannot adopt objects applied from install.yaml (they lack
 *   Helm's ownership metadata), so a Helm install of the same chart is what lets bp-flux take over.
 * - The Flux bootstrap objects: exactly `syncObjects()` of the Flux writer (GitRepository from
 *   `sov.gitops` and the three Kustomizations with `postBuild.substitute`).
 */
import { Cilium, CILIUM_CHART } from '../../blueprints/cilium';
import { FLUX2_CHART, FLUX2_CHART_APP_VERSION, FLUX_VERSION } from '../../blueprints/flux/version';
import { Blueprint, UpstreamChart } from '../../src/blueprint';
import { CatalystError } from '../../src/errors';
import type { Sovereign } from '../../src/sovereign';
import { syncObjects } from '../../src/writers/flux';
import { JsonValue, toYaml, toYamlStream } from '../../src/yaml';

/** One Helm release cloud-init installs once. */
export interface BootstrapRelease {
  readonly chart: UpstreamChart;
  readonly releaseName: string;
  readonly namespace: string;
  /** values.yaml text (Helm reads it; never templated by Terraform beyond escaping). */
  readonly valuesYaml: string;
}

export interface ClusterBootstrap {
  readonly cilium: BootstrapRelease;
  readonly flux: BootstrapRelease;
  /** Flux version the flux2 chart runs (FLUX_VERSION). */
  readonly fluxVersion: string;
  /** GitRepository + Kustomizations, as one YAML stream. */
  readonly syncYaml: string;
}

function releaseOf(bp: Blueprint, chart: UpstreamChart): BootstrapRelease {
  const upstream = bp.spec.upstream.find((u) => u.chart === chart.chart && u.repository === chart.repository);
  if (!upstream) {
    throw CatalystError.at(bp.path, `bp-${bp.name} no longer installs ${chart.chart} from ${chart.repository}; Phase 0 installs that chart and needs the Blueprint to adopt it`);
  }
  if (upstream.version !== chart.version) {
    throw CatalystError.at(bp.path, `bp-${bp.name} pins ${chart.chart} ${upstream.version} but Phase 0 installs ${chart.version}; both must use the one pin`);
  }
  const primary = bp.spec.upstream[bp.spec.upstream.length - 1] === upstream;
  return {
    chart,
    releaseName: primary ? bp.releaseName : upstream.chart,
    namespace: bp.namespace,
    valuesYaml: toYaml(bp.helmValuesFor(upstream) as JsonValue),
  };
}

/** The Blueprint installing a given chart, if the Sovereign has one. */
function blueprintInstalling(sov: Sovereign, chart: UpstreamChart): Blueprint | undefined {
  return sov.blueprints.find((b) => b.spec.upstream.some((u) => u.chart === chart.chart && u.repository === chart.repository));
}

/** Derives the Phase 0 bootstrap from the Sovereign; throws a CatalystError when it cannot. */
export function clusterBootstrap(sov: Sovereign): ClusterBootstrap {
  if (`v${FLUX2_CHART_APP_VERSION}` !== FLUX_VERSION) {
    throw CatalystError.at('blueprints/flux/version.ts', `FLUX2_CHART ${FLUX2_CHART.version} runs Flux v${FLUX2_CHART_APP_VERSION} but FLUX_VERSION is ${FLUX_VERSION}; Phase 0 would install a different Flux than bp-flux manages (upstream #188)`);
  }
  if (!sov.props.gitops) {
    // The Sovereign falls back to a placeholder URL for the Flux tree; a cluster cannot sync from it.
    throw CatalystError.at('sovereign.gitops.url', `Phase 0 bootstraps Flux from the Sovereign's Git repository; set gitops.url (and branch/path) to where the synthesized flux/ tree is pushed (now the placeholder ${sov.gitops.url})`);
  }
  const cilium = sov.find(Cilium);
  if (!cilium) {
    throw CatalystError.at('sovereign.kit.cilium', 'Phase 0 installs Cilium as the CNI and bp-cilium adopts it; add Cilium to the Sovereign (it is in the kit by default)');
  }
  const fluxBp = blueprintInstalling(sov, FLUX2_CHART);
  const flux: BootstrapRelease = fluxBp
    ? releaseOf(fluxBp, FLUX2_CHART)
    // Without bp-flux nobody adopts the release later; install the chart with its own defaults
    // under the release name the kit uses.
    : { chart: FLUX2_CHART, releaseName: 'flux', namespace: 'flux-system', valuesYaml: '{}\n' };

  // Metadata keys in plain sorted order, as these bytes have always been written: a changed
  // user_data makes the provider replace the server.
  const objects = syncObjects(sov).map((o) => ({ ...o, metadata: Object.fromEntries(Object.entries(o.metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) }) as unknown as JsonValue);
  return {
    cilium: releaseOf(cilium, CILIUM_CHART),
    flux,
    fluxVersion: FLUX_VERSION,
    syncYaml: toYamlStream(objects),
  };
}
