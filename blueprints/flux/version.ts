/**
 * The one Flux version. Phase 0's cloud-init installs Flux at FLUX_VERSION; bp-flux installs the
 * flux2 chart whose appVersion is FLUX_VERSION and adopts it. A mismatch made Helm roll back and
 * delete the running controllers (upstream incident 2026-04-29, b0c1c07/#188).
 */
import { helmChart } from '../../src/blueprint';

/** Flux release (controllers and CRDs). */
export const FLUX_VERSION = 'v2.4.0';

/** The flux2 community chart whose appVersion is FLUX_VERSION (flux2 2.14.1 → app 2.4.0). */
export const FLUX2_CHART = helmChart('flux2', '2.14.1', 'https://fluxcd-community.github.io/helm-charts');

/** appVersion of FLUX2_CHART, recorded so a test can keep the two in lockstep. */
export const FLUX2_CHART_APP_VERSION = '2.4.0';
