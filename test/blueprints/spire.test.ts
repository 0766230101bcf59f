import {
  CLUSTER_DIR, expectChartPin, expectedChartValues, expectIssueAt, expectMatchesSlot, helmReleaseNamed, instanceOf,
  kitSlot, kustomizeCluster, slotBlueprintVersion, slotObjects, sovereignWith, upstreamProvenance, valuesFor,
} from './kit-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { Cilium } from '../../blueprints/cilium';
import { Spire, SPIRE_CHART, SPIRE_CRDS_CHART } from '../../blueprints/spire';
import { use } from '../../src/sovereign';
import { synthesize } from '../../src/synth';
import { helmReleaseName } from '../../src/writers/flux';

const SLOT = kitSlot('06-spire');
const base = () => [use(Cilium), use(CertManager)];
const REPO = 'https://spiffe.github.io/helm-charts-hardened';

describe('bp-spire', () => {
  test('installs spire-crds 0.5.0, then spire 0.21.0, from the hardened SPIFFE repository', () => {
    expect(Spire.spec.upstream.map((u) => `${u.chart}@${u.version} ${u.repository}`)).toEqual([
      `spire-crds@0.5.0 ${REPO}`,
      `spire@0.21.0 ${REPO}`,
    ]);
    // The Blueprint chart's provenance records only the primary chart.
    const prov = upstreamProvenance('spire');
    expect({ chart: SPIRE_CHART.chart, version: SPIRE_CHART.version, repo: SPIRE_CHART.repository }).toEqual(prov);
  });

  test('defaults give the spire chart exactly the upstream curated values, and spire-crds its defaults', () => {
    const bp = instanceOf(sovereignWith([...base(), use(Spire)]), Spire);
    expect(valuesFor(bp, 'spire')).toEqual(expectedChartValues('spire', 'spire', SLOT));
    expect(valuesFor(bp, 'spire-crds')).toEqual({});
  });

  test('the default ClusterSPIFFEIDs stay disabled (fix #228/#230) and the CA subject is set', () => {
    const values = valuesFor(instanceOf(sovereignWith([...base(), use(Spire)]), Spire), 'spire') as {
      'spire-server': { ca_subject: unknown; controllerManager: { identities: { clusterSPIFFEIDs: unknown } } };
    };
    // Rendered before their CRD was observable, they failed the release upstream.
    expect(values['spire-server'].controllerManager.identities.clusterSPIFFEIDs).toEqual({
      'default': { enabled: false },
      'oidc-discovery-provider': { enabled: false },
      'test-keys': { enabled: false },
    });
    expect(values['spire-server'].ca_subject).toEqual({ country: 'DE', organization: 'OpenOva Catalyst', common_name: 'SPIRE CA' });
  });

  test('one HelmRelease per chart: bp-spire depends on bp-spire-crds, both match kit slot 06', () => {
    const sov = sovereignWith([...base(), use(Spire)]);
    const bp = instanceOf(sov, Spire);
    expect(helmReleaseName(bp, SPIRE_CRDS_CHART)).toBe('bp-spire-crds');
    expect(helmReleaseName(bp, SPIRE_CHART)).toBe('bp-spire');
    const result = synthesize(sov);
    const objects = slotObjects(result, '06-spire.yaml');

    const main = helmReleaseNamed(objects, 'bp-spire');
    // The SPIRE chart waits for the CRD release, then for the slot's own dependencies.
    expectMatchesSlot(main, SLOT, ['bp-spire-crds']);
    expect(Spire.spec.version).toBe(slotBlueprintVersion(SLOT));
    expectChartPin(objects, main, SPIRE_CHART);
    expect(main.spec.values).toEqual(expectedChartValues('spire', 'spire', SLOT));

    const crds = helmReleaseNamed(objects, 'bp-spire-crds');
    expectMatchesSlot(crds, { ...SLOT, helmRelease: 'bp-spire-crds', releaseName: 'spire-crds' });
    expectChartPin(objects, crds, SPIRE_CRDS_CHART);
    expect(crds.spec.values ?? {}).toEqual({});

    // Both charts come from one HelmRepository.
    expect(objects.filter((o) => o.kind === 'HelmRepository').map((o) => o.metadata.name)).toEqual(['bp-spire']);
    // The CRD release comes first in the file, as in install order.
    expect(objects.filter((o) => o.kind === 'HelmRelease').map((o) => o.metadata.name)).toEqual(['bp-spire-crds', 'bp-spire']);
    expect(result.files.get(`${CLUSTER_DIR}/bootstrap-kit/06-spire.yaml`)).toMatchSnapshot();
  });

  test('the trust domain is typed and reaches the chart and the outputs', () => {
    const sov = sovereignWith([...base(), use(Spire, { values: { trustDomain: 'acme.internal', clusterName: 'acme-fsn1' } })]);
    const bp = instanceOf(sov, Spire);
    expect(bp.trustDomain).toBe('acme.internal');
    expect(bp.spiffeIdPrefix).toBe('spiffe://acme.internal');
    expect(bp.outputs()).toEqual({ trustDomain: 'acme.internal' });
    const hr = helmReleaseNamed(slotObjects(synthesize(sov), '06-spire.yaml'), 'bp-spire');
    expect(hr.spec.values).toMatchObject({ global: { spire: { trustDomain: 'acme.internal', clusterName: 'acme-fsn1' } } });
  });

  test('a bad override fails with the path of the field', () => {
    const message = expectIssueAt(
      () => sovereignWith([...base(), use(Spire, { values: { trustDomain: 'Acme.Internal/x' } })]),
      'sovereign.blueprints[2].values.trustDomain',
    );
    expect(message).toContain('"Acme.Internal/x"');
    expectIssueAt(
      () => sovereignWith([...base(), use(Spire, { values: { caSubject: { country: 'Germany' } } })]),
      'sovereign.blueprints[2].values.caSubject.country',
    );
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignWith([...base(), use(Spire)]));
    const names = objects.filter((o) => o.kind === 'HelmRelease').map((o) => o.metadata.name);
    expect(names).toEqual(expect.arrayContaining(['bp-spire-crds', 'bp-spire']));
    expect(objects.some((o) => o.kind === 'Namespace' && o.metadata.name === 'spire-system')).toBe(true);
  });
});
