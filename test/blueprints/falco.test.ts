import {
  CLUSTER_DIR, expectChartPin, expectedChartValues, expectIssueAt, expectMatchesSlot, instanceOf, kitSlot, kustomizeCluster,
  slotBlueprintVersion, sovereignWith, valuesFor,
} from './kit-helpers';
import { expectUpstreamPin, inventory, primaryRelease, quantitiesAsStrings, synthSlot } from './wave2b-helpers';
import { Cilium } from '../../blueprints/cilium';
import { FALCO_CHART, Falco } from '../../blueprints/falco';
import { use } from '../../src/sovereign';
import { PlainObject } from '../../src/values';

const SLOT = kitSlot('31-falco');
const FILE = '31-falco.yaml';
const base = () => [use(Cilium)];

/**
 * The upstream curated values with the one deliberate fix: the singular `falco.rules_file` key
 * becomes the plural `rules_files`. The chart already sets `rules_files`, and Falco refuses to
 * start when both keys are in falco.yaml.
 */
function expectedValues(): PlainObject {
  const up = quantitiesAsStrings(expectedChartValues('falco', 'falco', SLOT)) as { falco: { rules_file: string[] } & PlainObject } & PlainObject;
  const { rules_file, ...config } = up.falco;
  return { ...up, falco: { ...config, rules_files: rules_file } };
}

describe('bp-falco', () => {
  test('pins the upstream falco chart recorded in the Blueprint chart', () => {
    expect(Falco.spec.upstream).toEqual([FALCO_CHART]);
    expectUpstreamPin(FALCO_CHART, 'falco');
    expect(Falco.spec).toMatchObject({ name: 'falco', slot: 31, namespace: 'falco', visibility: 'unlisted' });
    // An eBPF node agent: privileged, with the reason; the audit webhook in, rules artifacts out.
    expect(Falco.spec.podSecurity).toMatchObject({ level: 'privileged', reason: expect.stringContaining('eBPF') });
    expect(Falco.spec.network).toEqual({ ingressFromCluster: [{ port: Falco.spec.defaults.k8sAuditWebhook.port }], egressToWorld: [{ port: 443 }] });
  });

  test('defaults give the chart the upstream curated values, the rules list under the key Falco reads', () => {
    const values = valuesFor(instanceOf(sovereignWith([...base(), use(Falco)]), Falco), 'falco');
    expect(values).toEqual(expectedValues());
    expect(values.falco).not.toHaveProperty('rules_file');
    expect(values).toMatchObject({
      image: { registry: 'docker.io', repository: 'falcosecurity/falco', tag: '0.43.1' },
      driver: { enabled: true, kind: 'modern-bpf' },
      metrics: { enabled: false },
      serviceMonitor: { create: false },
      falcosidekick: { enabled: false },
    });
  });

  test('the HelmRelease matches kit slot 31 and waits for bp-cilium', () => {
    const slot = synthSlot([...base(), use(Falco)], FILE);
    const hr = primaryRelease(slot, 'falco');
    expectMatchesSlot(hr, SLOT);
    expect(hr.spec.dependsOn?.map((d) => d.name)).toEqual(['bp-cilium']);
    expect(Falco.spec.version).toBe(slotBlueprintVersion(SLOT));
    expectChartPin(slot.kit, hr, FALCO_CHART);
    expect(hr.spec.values).toEqual(expectedValues());
    expect(inventory(slot.kit)).toEqual(['HelmRelease/bp-falco', 'HelmRepository/bp-falco', 'Namespace/falco']);
    expect(slot.result.files.get(`${CLUSTER_DIR}/bootstrap-kit/${FILE}`)).toMatchSnapshot();
  });

  test('typed switches map to the chart: audit webhook Service, node coverage, metrics', () => {
    const values0 = { k8sAuditWebhook: { enabled: false }, everyNode: false, monitoring: { metrics: true } };
    const bp = instanceOf(sovereignWith([...base(), use(Falco, { values: values0 })]), Falco);
    const values = valuesFor(bp, 'falco');
    expect(values.services).toEqual([]);
    expect(values.tolerations).toEqual([]);
    expect(values.metrics).toEqual({ enabled: true });
    expect(values.serviceMonitor).toEqual({ create: false });
  });

  test('a bad override fails with the path of the field', () => {
    expect(expectIssueAt(() => sovereignWith([...base(), use(Falco, { values: { driver: { kind: 'module-bpf' as never } } })]), 'sovereign.blueprints[1].values.driver.kind')).toContain('modern-bpf');
    expectIssueAt(() => sovereignWith([...base(), use(Falco, { values: { rulesFiles: ['falco_rules.yaml'] } })]), 'sovereign.blueprints[1].values.rulesFiles[0]');
    expectIssueAt(() => sovereignWith([...base(), use(Falco, { values: { minimumPriority: 'warn' as never } })]), 'sovereign.blueprints[1].values.minimumPriority');
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignWith([...base(), use(Falco)]));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-falco')).toBe(true);
    expect(objects.some((o) => o.kind === 'Namespace' && o.metadata.name === 'falco')).toBe(true);
  });
});
