import {
  CLUSTER_DIR, expectChartPin, expectedChartValues, expectIssueAt, expectMatchesSlot, helmReleaseNamed, instanceOf,
  kitSlot, slotBlueprintVersion, slotObjects, sovereignWith, upstreamProvenance, valuesFor,
} from './kit-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { Cilium } from '../../blueprints/cilium';
import { Crossplane, CROSSPLANE_CHART } from '../../blueprints/crossplane';
import { Flux } from '../../blueprints/flux';
import { FUNCTION_PATCH_AND_TRANSFORM, packageReference, PROVIDER_HCLOUD, PROVIDER_KUBERNETES } from '../../constructs/crossplane';
import { use } from '../../src/sovereign';
import { synthesize } from '../../src/synth';
import { PlainObject } from '../../src/values';

const SLOT = kitSlot('04-crossplane');
const base = () => [use(Cilium), use(CertManager), use(Flux)];

/** The one deliberate addition to the upstream values: packages for Crossplane's installer. */
const SEEDED = {
  provider: { packages: [packageReference(PROVIDER_HCLOUD), packageReference(PROVIDER_KUBERNETES)] },
  function: { packages: [packageReference(FUNCTION_PATCH_AND_TRANSFORM)] },
};

describe('bp-crossplane', () => {
  test('pins the upstream Crossplane chart 1.18.0 and runs in crossplane-system after bp-flux', () => {
    const prov = upstreamProvenance('crossplane');
    expect({ chart: CROSSPLANE_CHART.chart, version: CROSSPLANE_CHART.version, repo: CROSSPLANE_CHART.repository }).toEqual(prov);
    expect(Crossplane.spec.upstream).toEqual([CROSSPLANE_CHART]);
    expect(Crossplane.spec.slot).toBe(4);
    expect(Crossplane.spec.namespace).toBe('crossplane-system');
    expect(Crossplane.spec.depends).toEqual([Flux]);
    // What bp-crossplane-claims' objects need from it.
    expect(Crossplane.spec.providesApis).toEqual(['apiextensions.crossplane.io/v1', 'pkg.crossplane.io/v1', 'pkg.crossplane.io/v1beta1']);
  });

  test('defaults give the chart the upstream curated values, plus the seeded packages (deliberate, UPSTREAM §5.1 / bug 34c8de8)', () => {
    const bp = instanceOf(sovereignWith([...base(), use(Crossplane)]), Crossplane);
    const values = valuesFor(bp, 'crossplane');
    const { provider, function: fn, ...rest } = values as PlainObject & { provider: unknown; function: unknown };
    expect(rest).toEqual(expectedChartValues('crossplane', 'crossplane', SLOT));
    // Upstream seeded no package and applied the Provider together with its ProviderConfig; the
    // installer creates these at start so their CRDs exist before the infrastructure apply.
    expect({ provider, function: fn }).toEqual(SEEDED);
    expect(values).toMatchObject({ metrics: { enabled: false } });
    expect(bp.seeds(PROVIDER_HCLOUD)).toBe(true);
    expect(bp.seeds(FUNCTION_PATCH_AND_TRANSFORM)).toBe(true);
  });

  test('no packages seeded means no provider/function keys at all (exactly upstream)', () => {
    const bp = instanceOf(sovereignWith([...base(), use(Crossplane, { values: { packages: { providers: [], functions: [] } } })]), Crossplane);
    expect(valuesFor(bp, 'crossplane')).toEqual(expectedChartValues('crossplane', 'crossplane', SLOT));
    expect(bp.seeds(PROVIDER_HCLOUD)).toBe(false);
  });

  test('the HelmRelease matches kit slot 04: waits (no disableWait), 15m timeout, dependsOn bp-flux', () => {
    const result = synthesize(sovereignWith([...base(), use(Crossplane)]));
    const objects = slotObjects(result, '04-crossplane.yaml');
    const hr = helmReleaseNamed(objects, 'bp-crossplane');
    expectMatchesSlot(hr, SLOT);
    expect(Crossplane.spec.version).toBe(slotBlueprintVersion(SLOT));
    expectChartPin(objects, hr, CROSSPLANE_CHART);
    expect(hr.spec.install).not.toHaveProperty('disableWait');
    expect(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual(['crossplane-system']);
    // Crossplane's webhooks are called by the API server; packages and providers reach the internet on 443.
    const ns = objects.find((o) => o.kind === 'Namespace')!;
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('baseline');
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name);
    expect(policies).toEqual(expect.arrayContaining(['deny-all', 'allow-ingress-from-cluster', 'allow-egress-to-world']));
    expect(result.files.get(`${CLUSTER_DIR}/bootstrap-kit/04-crossplane.yaml`)).toMatchSnapshot();
  });

  test('metrics is a typed toggle; a floating package tag is rejected with its path', () => {
    const bp = instanceOf(sovereignWith([...base(), use(Crossplane, { values: { metrics: { enabled: true } } })]), Crossplane);
    expect(valuesFor(bp, 'crossplane')).toMatchObject({ metrics: { enabled: true } });
    const message = expectIssueAt(
      () => sovereignWith([...base(), use(Crossplane, { values: { packages: { providers: ['xpkg.upbound.io/crossplane-contrib/provider-hcloud:latest'], functions: [] } } })]),
      'sovereign.blueprints[3].values.packages.providers[0]',
    );
    expect(message).toContain('latest');
  });
});
