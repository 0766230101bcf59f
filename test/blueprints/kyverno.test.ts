import {
  CLUSTER_DIR, expectChartPin, expectedChartValues, expectIssueAt, expectMatchesSlot, instanceOf, kitSlot, kustomizeCluster,
  slotBlueprintVersion, sovereignWith, valuesFor,
} from './kit-helpers';
import { expectUpstreamPin, inventory, primaryRelease, quantitiesAsStrings, synthSlot, without } from './wave2b-helpers';
import { Cilium } from '../../blueprints/cilium';
import { KYVERNO_CHART, Kyverno } from '../../blueprints/kyverno';
import { use } from '../../src/sovereign';
import { PlainObject } from '../../src/values';

const SLOT = kitSlot('27-kyverno');
const FILE = '27-kyverno.yaml';
const base = () => [use(Cilium)];

/**
 * The upstream curated values with the one deliberate fix: the kyverno 3.x chart reads the
 * admission controller's image and resources under `admissionController.container`, not
 * directly under `admissionController` where upstream put them (so they never applied).
 */
function expectedValues(): PlainObject {
  const up = quantitiesAsStrings(expectedChartValues('kyverno', 'kyverno', SLOT)) as { admissionController: { image: unknown; resources: unknown } };
  const { image, resources } = up.admissionController;
  const fixed = without(without(up, 'admissionController.image'), 'admissionController.resources') as { admissionController: PlainObject };
  return { ...fixed, admissionController: { ...fixed.admissionController, container: { image, resources } } };
}

describe('bp-kyverno', () => {
  test('pins the upstream kyverno chart recorded in the Blueprint chart', () => {
    expect(Kyverno.spec.upstream).toEqual([KYVERNO_CHART]);
    expectUpstreamPin(KYVERNO_CHART, 'kyverno');
    expect(Kyverno.spec).toMatchObject({ name: 'kyverno', slot: 27, namespace: 'kyverno', visibility: 'unlisted', section: 'pts-3-3-security-and-policy' });
    // Restricted Pod Security (the kyverno chart hardens every container); webhooks in, registries out.
    expect(Kyverno.spec.podSecurity).toBeUndefined();
    expect(Kyverno.spec.network).toEqual({ ingressFromCluster: [{ port: 9443 }], egressToWorld: [{ port: 443 }] });
  });

  test('defaults give the chart the upstream curated values, the admission container where the chart reads it', () => {
    const values = valuesFor(instanceOf(sovereignWith([...base(), use(Kyverno)]), Kyverno), 'kyverno');
    expect(values).toEqual(expectedValues());
    expect(values).toMatchObject({
      admissionController: { replicas: 1, container: { image: { registry: 'ghcr.io', repository: 'kyverno/kyverno', tag: 'v1.18.0' } } },
      reportsServer: { enabled: false },
      grafana: { enabled: false },
      openreports: { enabled: false, installCrds: false },
    });
    expect(values.admissionController).not.toHaveProperty('image');
    // Observability off everywhere (upstream #182).
    for (const c of ['admissionController', 'backgroundController', 'cleanupController', 'reportsController']) {
      expect([c, (values[c] as { serviceMonitor: unknown }).serviceMonitor]).toEqual([c, { enabled: false }]);
    }
  });

  test('the HelmRelease matches kit slot 27 and waits for bp-cilium', () => {
    const slot = synthSlot([...base(), use(Kyverno)], FILE);
    const hr = primaryRelease(slot, 'kyverno');
    expectMatchesSlot(hr, SLOT);
    expect(hr.spec.dependsOn?.map((d) => d.name)).toEqual(['bp-cilium']);
    expect(Kyverno.spec.version).toBe(slotBlueprintVersion(SLOT));
    expectChartPin(slot.kit, hr, KYVERNO_CHART);
    expect(hr.spec.values).toEqual(expectedValues());
    expect(inventory(slot.kit)).toEqual(['HelmRelease/bp-kyverno', 'HelmRepository/bp-kyverno', 'Namespace/kyverno']);
    expect(slot.result.files.get(`${CLUSTER_DIR}/bootstrap-kit/${FILE}`)).toMatchSnapshot();
  });

  test('every controller image is pinned to the one Kyverno release tag', () => {
    const values = valuesFor(instanceOf(sovereignWith([...base(), use(Kyverno, { values: { image: { tag: 'v1.18.1' } } })]), Kyverno), 'kyverno') as Record<string, PlainObject>;
    const tags = ['backgroundController', 'cleanupController', 'reportsController'].map((c) => (values[c].image as { tag: string }).tag);
    expect([...tags, ((values.admissionController.container as PlainObject).image as { tag: string }).tag]).toEqual(['v1.18.1', 'v1.18.1', 'v1.18.1', 'v1.18.1']);
  });

  test('a user override reaches the HelmRelease values', () => {
    const overrides = { admissionController: { replicas: 3 }, monitoring: { serviceMonitor: true }, cleanupController: { enabled: false } };
    const slot = synthSlot([...base(), use(Kyverno, { values: overrides })], FILE);
    expect(primaryRelease(slot, 'kyverno').spec.values).toMatchObject({
      admissionController: { replicas: 3, serviceMonitor: { enabled: true } },
      reportsController: { serviceMonitor: { enabled: true } },
      cleanupController: { enabled: false },
    });
  });

  test('a bad override fails with the path of the field', () => {
    expect(expectIssueAt(() => sovereignWith([...base(), use(Kyverno, { values: { admissionController: { replicas: 0 } } })]), 'sovereign.blueprints[1].values.admissionController.replicas')).toContain('>= 1');
    expect(expectIssueAt(() => sovereignWith([...base(), use(Kyverno, { values: { image: { tag: 'latest' } } })]), 'sovereign.blueprints[1].values.image.tag')).toContain('latest');
    expectIssueAt(() => sovereignWith([...base(), use(Kyverno, { values: { serviceMonitor: { enabled: true } } as never })]), 'sovereign.blueprints[1].values.serviceMonitor');
  });

  test('without bp-cilium the Sovereign fails naming the missing dependency', () => {
    expect(() => sovereignWith([use(Kyverno)])).toThrow(/cilium/);
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignWith([...base(), use(Kyverno)]));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-kyverno')).toBe(true);
    expect(objects.some((o) => o.kind === 'Namespace' && o.metadata.name === 'kyverno')).toBe(true);
  });
});
