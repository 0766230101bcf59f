import {
  CLUSTER_DIR, expectChartPin, expectedChartValues, expectIssueAt, expectMatchesSlot, helmReleaseNamed, instanceOf,
  kitSlot, kustomizeCluster, slotBlueprintVersion, slotObjects, sovereignWith, upstreamProvenance, valuesFor,
} from './kit-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { Cilium } from '../../blueprints/cilium';
import { NATS_CHART, NatsJetstream } from '../../blueprints/nats-jetstream';
import { Spire } from '../../blueprints/spire';
import { use } from '../../src/sovereign';
import { synthesize } from '../../src/synth';
import { PlainObject } from '../../src/values';

const SLOT = kitSlot('07-nats-jetstream');
const base = () => [use(Cilium), use(CertManager), use(Spire)];

/**
 * The upstream curated values with the one deliberate fix: `container.resources` is not read by
 * the nats 1.x chart, so the resources move to `container.merge.resources`, which it applies.
 */
function expectedValues(): PlainObject {
  const { container, ...rest } = expectedChartValues('nats-jetstream', 'nats', SLOT) as { container: { resources: unknown } };
  return { ...rest, container: { merge: { resources: container.resources } } };
}

describe('bp-nats-jetstream', () => {
  test('pins the upstream nats chart recorded in the Blueprint chart', () => {
    const prov = upstreamProvenance('nats-jetstream');
    expect(NatsJetstream.spec.upstream).toEqual([NATS_CHART]);
    expect({ chart: NATS_CHART.chart, version: NATS_CHART.version, repo: NATS_CHART.repository }).toEqual(prov);
  });

  test('defaults give the chart the upstream curated values, resources where the chart reads them', () => {
    const bp = instanceOf(sovereignWith([...base(), use(NatsJetstream)]), NatsJetstream);
    const values = valuesFor(bp, 'nats');
    expect(values).toEqual(expectedValues());
    // The same resources upstream curated, no longer in a key the chart ignores.
    const curated = expectedChartValues('nats-jetstream', 'nats', SLOT) as { container: { resources: unknown } };
    expect((values.container as { merge: { resources: unknown } }).merge.resources).toEqual(curated.container.resources);
    expect(values.container).not.toHaveProperty('resources');
    // Exporter and PodMonitor stay off until the monitoring CRDs exist (upstream #182).
    expect(values.promExporter).toEqual({ enabled: false, podMonitor: { enabled: false } });
  });

  test('the HelmRelease matches kit slot 07 and waits for bp-spire', () => {
    const result = synthesize(sovereignWith([...base(), use(NatsJetstream)]));
    const objects = slotObjects(result, '07-nats-jetstream.yaml');
    const hr = helmReleaseNamed(objects, 'bp-nats-jetstream');
    expectMatchesSlot(hr, SLOT);
    expect(hr.spec.dependsOn?.map((d) => d.name)).toEqual(['bp-spire']);
    expect(NatsJetstream.spec.version).toBe(slotBlueprintVersion(SLOT));
    expectChartPin(objects, hr, NATS_CHART);
    expect(hr.spec.values).toEqual(expectedValues());
    expect(result.files.get(`${CLUSTER_DIR}/bootstrap-kit/07-nats-jetstream.yaml`)).toMatchSnapshot();
  });

  test('publishes the in-cluster client URL of the chart Service', () => {
    const bp = instanceOf(sovereignWith([...base(), use(NatsJetstream)]), NatsJetstream);
    // Release `nats-jetstream` contains the chart name `nats`, so Helm names the Service after the release.
    expect(bp.serviceName).toBe('nats-jetstream');
    expect(bp.url).toBe('nats://nats-jetstream.nats-system.svc.cluster.local:4222');
    expect(bp.outputs()).toEqual({ url: bp.url });
  });

  test('a user override reaches the HelmRelease values', () => {
    const result = synthesize(sovereignWith([
      ...base(),
      use(NatsJetstream, { values: { cluster: { replicas: 5 }, jetstream: { storageSize: '50Gi' }, monitoring: { exporter: true, podMonitor: true } } }),
    ]));
    const values = helmReleaseNamed(slotObjects(result, '07-nats-jetstream.yaml'), 'bp-nats-jetstream').spec.values;
    expect(values).toMatchObject({
      config: { cluster: { enabled: true, replicas: 5 }, jetstream: { enabled: true, fileStore: { pvc: { size: '50Gi' } } } },
      promExporter: { enabled: true, podMonitor: { enabled: true } },
    });
  });

  test('a PodMonitor is only requested together with the exporter it scrapes', () => {
    const bp = instanceOf(sovereignWith([...base(), use(NatsJetstream, { values: { monitoring: { podMonitor: true } } })]), NatsJetstream);
    expect(valuesFor(bp, 'nats').promExporter).toEqual({ enabled: false, podMonitor: { enabled: false } });
  });

  test('a bad override fails with the path of the field', () => {
    const message = expectIssueAt(
      () => sovereignWith([...base(), use(NatsJetstream, { values: { cluster: { replicas: 1 } } })]),
      'sovereign.blueprints[3].values.cluster.replicas',
    );
    expect(message).toContain('>= 2');
    expectIssueAt(
      () => sovereignWith([...base(), use(NatsJetstream, { values: { jetstream: { storageSize: 'ten gigs' } } })]),
      'sovereign.blueprints[3].values.jetstream.storageSize',
    );
  });

  test('depends on bp-spire: a Sovereign without it is rejected', () => {
    expectIssueAt(() => sovereignWith([use(Cilium), use(CertManager), use(NatsJetstream)]), 'sovereign.blueprints[2].depends');
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignWith([...base(), use(NatsJetstream)]));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-nats-jetstream')).toBe(true);
    expect(objects.some((o) => o.kind === 'Namespace' && o.metadata.name === 'nats-system')).toBe(true);
  });
});
