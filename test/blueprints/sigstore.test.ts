import {
  CLUSTER_DIR, expectChartPin, expectedChartValues, expectIssueAt, expectMatchesSlot, instanceOf, kitSlot, kustomizeCluster,
  slotBlueprintVersion, sovereignWith, valuesFor,
} from './kit-helpers';
import { expectUpstreamPin, inventory, primaryRelease, quantitiesAsStrings, synthSlot } from './wave2b-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { Cilium } from '../../blueprints/cilium';
import { POLICY_CONTROLLER_CHART, Sigstore } from '../../blueprints/sigstore';
import { use } from '../../src/sovereign';

const SLOT = kitSlot('32-sigstore');
const FILE = '32-sigstore.yaml';
const base = () => [use(Cilium), use(CertManager)];

describe('bp-sigstore', () => {
  test('pins the upstream policy-controller chart recorded in the Blueprint chart', () => {
    expect(Sigstore.spec.upstream).toEqual([POLICY_CONTROLLER_CHART]);
    expectUpstreamPin(POLICY_CONTROLLER_CHART, 'sigstore');
    expect(Sigstore.spec).toMatchObject({ name: 'sigstore', slot: 32, namespace: 'sigstore-system', releaseName: 'sigstore', visibility: 'unlisted' });
    expect(Sigstore.spec.podSecurity).toMatchObject({ level: 'baseline', reason: expect.stringContaining('seccomp') });
    expect(Sigstore.spec.network).toEqual({ ingressFromCluster: [{ port: 8443 }], egressToWorld: [{ port: 443 }] });
  });

  test('defaults give the chart exactly the upstream curated values', () => {
    const values = valuesFor(instanceOf(sovereignWith([...base(), use(Sigstore)]), Sigstore), 'policy-controller');
    expect(values).toEqual(quantitiesAsStrings(expectedChartValues('sigstore', 'policy-controller', SLOT)));
    // The webhook image is pinned by digest, not by a tag.
    expect((values.webhook as { image: { version: string } }).image.version).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(values.serviceMonitor).toEqual({ enabled: false });
  });

  test('the HelmRelease matches kit slot 32 and waits for bp-cert-manager', () => {
    const slot = synthSlot([...base(), use(Sigstore)], FILE);
    const hr = primaryRelease(slot, 'sigstore');
    expectMatchesSlot(hr, SLOT);
    expect(hr.spec.dependsOn?.map((d) => d.name)).toEqual(['bp-cert-manager']);
    expect(Sigstore.spec.version).toBe(slotBlueprintVersion(SLOT));
    expectChartPin(slot.kit, hr, POLICY_CONTROLLER_CHART);
    expect(inventory(slot.kit)).toEqual(['HelmRelease/bp-sigstore', 'HelmRepository/bp-sigstore', 'Namespace/sigstore-system']);
    expect(slot.result.files.get(`${CLUSTER_DIR}/bootstrap-kit/${FILE}`)).toMatchSnapshot();
  });

  test('overrides reach the values; the opt-in label is a typed fact', () => {
    const bp = instanceOf(sovereignWith([...base(), use(Sigstore, { values: { failurePolicy: 'Fail', replicas: 2 } })]), Sigstore);
    expect(valuesFor(bp, 'policy-controller')).toMatchObject({ webhook: { failurePolicy: 'Fail', replicaCount: 2 } });
    expect(bp.optInLabel).toEqual({ 'policy.sigstore.dev/include': 'true' });
  });

  test('a bad override fails with the path of the field', () => {
    expect(expectIssueAt(() => sovereignWith([...base(), use(Sigstore, { values: { image: { digest: 'v0.10.0' } } })]), 'sovereign.blueprints[2].values.image.digest')).toContain('sha256');
    expectIssueAt(() => sovereignWith([...base(), use(Sigstore, { values: { failurePolicy: 'ignore' as never } })]), 'sovereign.blueprints[2].values.failurePolicy');
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignWith([...base(), use(Sigstore)]));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-sigstore')).toBe(true);
    expect(objects.some((o) => o.kind === 'Namespace' && o.metadata.name === 'sigstore-system')).toBe(true);
  });
});
