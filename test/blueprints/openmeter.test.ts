import { appObjects, appSovereign, declaredDependencies, expectOciPin, expectSchemaValid, find, normalizeQuantities, targetIndex } from './apps-helpers';
import { expectIssueAt, instanceOf, kustomizeCluster, upstreamProvenance, upstreamValues, valuesFor } from './kit-helpers';
import { NatsJetstream } from '../../blueprints/nats-jetstream';
import { OPENMETER_CHART, Openmeter } from '../../blueprints/openmeter';
import { synthesize } from '../../src/synth';
import { PlainObject } from '../../src/values';

const sov = (values: PlainObject = {}) => appSovereign(Openmeter, values);

describe('bp-openmeter (slot 45)', () => {
  const result = synthesize(sov());
  const { kit, infra } = appObjects(result, Openmeter);

  test('spec: listed 1.0.0 in namespace openmeter; openmeter 1.0.0-beta.213 from the OCI registry', () => {
    expect(Openmeter.spec).toMatchObject({ name: 'openmeter', version: '1.0.0', slot: 45, visibility: 'listed', namespace: 'openmeter', category: 'application', upgradesFrom: ['0.x'] });
    expect(Openmeter.spec.card).toMatchObject({ title: 'OpenMeter', icon: 'openmeter.svg', license: 'Apache-2.0', documentation: 'https://openmeter.io/docs' });
    const prov = upstreamProvenance('openmeter');
    const pin = { chart: OPENMETER_CHART.chart, version: OPENMETER_CHART.version, repo: OPENMETER_CHART.repository };
    expect(pin).toEqual({ chart: prov.chart, version: prov.version, repo: prov.repo });
    expectOciPin(kit, 'bp-openmeter', OPENMETER_CHART);
  });

  test('depends on cnpg, nats-jetstream and cert-manager (§2.3 ∪ forward-declared [cnpg, nats-jetstream])', () => {
    expect(declaredDependencies(Openmeter).map((d) => [d.name, d.version])).toEqual([['cnpg', '^1'], ['nats-jetstream', '^1'], ['cert-manager', '^1']]);
    expect(find(kit, 'HelmRelease', 'bp-openmeter').spec.dependsOn.map((d: { name: string }) => d.name).sort()).toEqual(['bp-cert-manager', 'bp-cnpg', 'bp-nats-jetstream']);
  });

  test('defaults give the chart exactly the upstream curated values (every bundled dependency off)', () => {
    const curated = upstreamValues('openmeter').openmeter;
    expect(valuesFor(instanceOf(sov(), Openmeter), OPENMETER_CHART.chart)).toEqual(normalizeQuantities(curated));
  });

  test('backend and event bus: the upstream profile, and the event bus URL from bp-nats-jetstream', () => {
    const prov = upstreamValues('openmeter').catalystBlueprint as { backend: { kind: string }; eventBus: { kind: string } };
    const s = sov();
    const bp = instanceOf(s, Openmeter);
    expect([bp.values.backend.kind, bp.values.eventBus.kind]).toEqual([prov.backend.kind, prov.eventBus.kind]);
    expect(bp.eventBusUrl).toBe(instanceOf(s, NatsJetstream).url);
    expect(bp.outputs()).toMatchObject({ backend: 'cnpg', eventBus: 'jetstream', eventBusUrl: instanceOf(s, NatsJetstream).url });
    expect(instanceOf(sov({ eventBus: { kind: 'kafka' } }), Openmeter).eventBusUrl).toBeUndefined();
  });

  test('replicas, and OpenMeter\'s own config passed through', () => {
    const values = valuesFor(instanceOf(sov({ replicas: 2, workerReplicas: 3, config: { ingest: { kafka: { broker: 'kafka:9092' } } } }), Openmeter), OPENMETER_CHART.chart) as PlainObject;
    expect(values).toMatchObject({ api: { replicaCount: 2 }, sinkWorker: { replicaCount: 3 }, config: { ingest: { kafka: { broker: 'kafka:9092' } } } });
  });

  test('a bad config fails with a path', () => {
    const n = targetIndex(Openmeter);
    expect(expectIssueAt(() => sov({ backend: { kind: 'postgres' } }), `sovereign.blueprints[${n}].values.backend.kind`)).toMatch(/cnpg/);
    expect(expectIssueAt(() => sov({ image: { tag: 'latest' } }), `sovereign.blueprints[${n}].values.image.tag`)).toMatch(/latest/);
  });

  test('every emitted object passes its schema', () => {
    expectSchemaValid([...kit, ...infra]);
  });

  test('kubectl kustomize builds the cluster folder', () => {
    const objects = kustomizeCluster(sov());
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-openmeter')).toBe(true);
  });
});
