import {
  CLUSTER_DIR, expectChartPin, expectedChartValues, expectIssueAt, expectMatchesSlot, helmReleaseNamed, instanceOf,
  kitSlot, kustomizeCluster, slotBlueprintVersion, slotObjects, sovereignWith, upstreamProvenance, valuesFor,
} from './kit-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { Cilium } from '../../blueprints/cilium';
import { Flux } from '../../blueprints/flux';
import { FLUX2_CHART, FLUX2_CHART_APP_VERSION, FLUX_VERSION } from '../../blueprints/flux/version';
import { use } from '../../src/sovereign';
import { synthesize } from '../../src/synth';

const SLOT = kitSlot('03-flux');
const base = () => [use(Cilium), use(CertManager)];

describe('bp-flux', () => {
  test('the chart pin is the flux2 chart whose appVersion is the Flux Phase 0 installs (upstream #188)', () => {
    // The incident: chart 2.13.0 against a v2.4.0 install made Helm roll back and delete Flux.
    expect(FLUX2_CHART_APP_VERSION).toBe(FLUX_VERSION.replace(/^v/, ''));
    expect(Flux.spec.upstream).toEqual([FLUX2_CHART]);
    const prov = upstreamProvenance('flux');
    expect({ chart: FLUX2_CHART.chart, version: FLUX2_CHART.version, repo: FLUX2_CHART.repository }).toEqual(prov);
    expect(instanceOf(sovereignWith([...base(), use(Flux)]), Flux).fluxVersion).toBe(FLUX_VERSION);
  });

  test('defaults give the flux2 chart exactly the upstream curated values', () => {
    const bp = instanceOf(sovereignWith([...base(), use(Flux)]), Flux);
    expect(valuesFor(bp, 'flux2')).toEqual(expectedChartValues('flux', 'flux2', SLOT));
    // Observability stays off until the monitoring CRDs exist (upstream #182).
    expect(valuesFor(bp, 'flux2')).toMatchObject({ prometheus: { podMonitor: { create: false } } });
  });

  test('the HelmRelease matches kit slot 03 and pins FLUX2_CHART', () => {
    const result = synthesize(sovereignWith([...base(), use(Flux)]));
    const objects = slotObjects(result, '03-flux.yaml');
    const hr = helmReleaseNamed(objects, 'bp-flux');
    expectMatchesSlot(hr, SLOT);
    expect(Flux.spec.version).toBe(slotBlueprintVersion(SLOT));
    expectChartPin(objects, hr, FLUX2_CHART);
    expect(hr.spec.chart?.spec.version).toBe(FLUX2_CHART.version);
    // preserveValues keeps a running Flux's values across chart upgrades.
    expect(hr.spec.upgrade).toMatchObject({ preserveValues: true });
    expect(hr.spec.values).toEqual(expectedChartValues('flux', 'flux2', SLOT));
    expect(result.files.get(`${CLUSTER_DIR}/bootstrap-kit/03-flux.yaml`)).toMatchSnapshot();
  });

  test('a user override reaches the HelmRelease values', () => {
    const result = synthesize(sovereignWith([
      ...base(),
      use(Flux, { values: { controllers: { helm: { resources: { limits: { memory: '512Mi' } } } }, monitoring: { podMonitor: true } } }),
    ]));
    const values = helmReleaseNamed(slotObjects(result, '03-flux.yaml'), 'bp-flux').spec.values as {
      helmController: { resources: unknown };
      sourceController: { resources: unknown };
      prometheus: unknown;
    };
    expect(values.helmController.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '512Mi' } });
    expect(values.sourceController.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } });
    expect(values.prometheus).toEqual({ podMonitor: { create: true } });
  });

  test('a bad override fails with the path of the field', () => {
    const message = expectIssueAt(
      () => sovereignWith([...base(), use(Flux, { values: { controllers: { source: { resources: { limits: { memory: 'lots' } } } } } })]),
      'sovereign.blueprints[2].values.controllers.source.resources.limits.memory',
    );
    expect(message).toContain('"lots"');
    expectIssueAt(
      () => sovereignWith([...base(), use(Flux, { values: { installCrds: true } as never })]),
      'sovereign.blueprints[2].values.installCrds',
    );
  });

  test('the cluster folder builds with kubectl kustomize and never declares flux-system', () => {
    const objects = kustomizeCluster(sovereignWith([...base(), use(Flux)]));
    const hr = objects.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-flux');
    expect(hr).toBeDefined();
    // Phase 0 creates flux-system with Flux; declaring it in a pruned Kustomization would let
    // switching bp-flux off delete Flux itself.
    expect(objects.some((o) => o.kind === 'Namespace' && o.metadata.name === 'flux-system')).toBe(false);
  });
});
