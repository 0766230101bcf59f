import {
  CLUSTER_DIR, expectChartPin, expectedChartValues, expectIssueAt, expectMatchesSlot, instanceOf, kitSlot, kustomizeCluster,
  slotBlueprintVersion, sovereignWith, upstreamValues, valuesFor,
} from './kit-helpers';
import { expectUpstreamPin, inventory, objectNamed, primaryRelease, quantitiesAsStrings, synthSlot } from './wave2b-helpers';
import { VPA_CHART, Vpa, VpaValues } from '../../blueprints/vpa';
import { use } from '../../src/sovereign';
import { schemaWithDefaults } from '../../src/values';

const SLOT = kitSlot('29-vpa');
const FILE = '29-vpa.yaml';

type Ports = { port: number; protocol: string }[];
type NetworkPolicy = {
  spec: { podSelector: unknown; policyTypes: string[]; ingress: { from?: unknown[]; ports: Ports }[]; egress: { to?: unknown[]; ports: Ports }[] };
};

describe('bp-vpa', () => {
  test('pins the upstream vertical-pod-autoscaler chart recorded in the Blueprint chart', () => {
    expect(Vpa.spec.upstream).toEqual([VPA_CHART]);
    expectUpstreamPin(VPA_CHART, 'vpa');
    expect(Vpa.spec).toMatchObject({ name: 'vpa', slot: 29, namespace: 'vpa', visibility: 'unlisted', providesApis: ['autoscaling.k8s.io/v1'] });
    // The webhook port in; baseline Pod Security, with the reason (the chart's containers are not restricted-ready).
    expect(Vpa.spec.network).toEqual({ ingressFromCluster: [{ port: Vpa.spec.defaults.vpaOverlay.networkPolicy.admissionWebhookPort }] });
    expect(Vpa.spec.podSecurity).toMatchObject({ level: 'baseline', reason: expect.stringContaining('seccomp') });
  });

  test('defaults give the chart exactly the upstream curated values', () => {
    const values = valuesFor(instanceOf(sovereignWith([use(Vpa)]), Vpa), 'vertical-pod-autoscaler');
    expect(values).toEqual(quantitiesAsStrings(expectedChartValues('vpa', 'vertical-pod-autoscaler', SLOT)));
    for (const c of ['recommender', 'updater', 'admissionController']) {
      const off = { serviceMonitor: { enabled: false }, prometheusRule: { enabled: false } };
      expect([c, (values[c] as { metrics: unknown }).metrics]).toEqual([c, off]);
    }
  });

  test('configSchema: defaultUpdateMode is Off|Initial|Auto|Recreate, default Off; replicas 1..3', () => {
    type Range = { minimum?: number; maximum?: number; default?: unknown };
    type Prop = { default?: unknown; anyOf?: { const: string }[]; properties?: Record<string, Range> };
    const schema = schemaWithDefaults(VpaValues, Vpa.spec.defaults) as { properties: Record<string, Prop> };
    expect(schema.properties.defaultUpdateMode.anyOf?.map((x) => x.const)).toEqual(['Off', 'Initial', 'Auto', 'Recreate']);
    expect(schema.properties.defaultUpdateMode.default).toBe('Off');
    for (const c of ['recommender', 'updater', 'admissionController']) {
      expect(schema.properties[c].properties?.replicas).toMatchObject({ minimum: 1, maximum: 3, default: 1 });
    }
    const bp = instanceOf(sovereignWith([use(Vpa, { values: { defaultUpdateMode: 'Initial' } })]), Vpa);
    expect(bp.defaultUpdateMode).toBe('Initial');
    expect(bp.outputs()).toEqual({ defaultUpdateMode: 'Initial' });
  });

  test('the HelmRelease matches kit slot 29 (no dependencies), and no NetworkPolicy by default', () => {
    const slot = synthSlot([use(Vpa)], FILE);
    const hr = primaryRelease(slot, 'vpa');
    expectMatchesSlot(hr, SLOT);
    expect(hr.spec.dependsOn).toBeUndefined();
    expect(Vpa.spec.version).toBe(slotBlueprintVersion(SLOT));
    expectChartPin(slot.kit, hr, VPA_CHART);
    expect(inventory(slot.kit)).toEqual(['HelmRelease/bp-vpa', 'HelmRepository/bp-vpa', 'Namespace/vpa']);
    expect(slot.result.files.get(`${CLUSTER_DIR}/bootstrap-kit/${FILE}`)).toMatchSnapshot();
  });

  test('the vpaOverlay defaults are the upstream ones', () => {
    const up = upstreamValues('vpa').vpaOverlay;
    expect(Vpa.spec.defaults.vpaOverlay).toEqual(up);
  });

  test('vpaOverlay.networkPolicy.enabled emits the NetworkPolicy: webhook 8000 and metrics 8942 in, DNS, API server and metrics-server 4443 out', () => {
    const slot = synthSlot([use(Vpa, { values: { vpaOverlay: { networkPolicy: { enabled: true } } } })], FILE);
    const np = objectNamed<NetworkPolicy>(slot.kit, 'NetworkPolicy', 'bp-vpa');
    expect(np.metadata.namespace).toBe('vpa');
    expect(np.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'vertical-pod-autoscaler', 'app.kubernetes.io/instance': 'vpa' } });
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress.map((r) => r.ports.map((p) => p.port))).toEqual([[8000], [8942]]);
    // The API server is not a pod: its ingress rule has no peer selector.
    expect(np.spec.ingress[0].from).toBeUndefined();
    expect(np.spec.egress.map((r) => r.ports.map((p) => `${p.protocol}/${p.port}`))).toEqual([['UDP/53', 'TCP/53'], ['TCP/443', 'TCP/6443'], ['TCP/4443']]);
    expect(np.spec.egress[2].to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'metrics-server' } } }]);
    expect(slot.infrastructure).toEqual([]);
  });

  test('the NetworkPolicy ports follow the typed values', () => {
    const networkPolicy = { enabled: true, metricsServerPort: 10250, admissionWebhookPort: 8443 };
    const slot = synthSlot([use(Vpa, { values: { vpaOverlay: { networkPolicy } } })], FILE);
    const np = objectNamed<NetworkPolicy>(slot.kit, 'NetworkPolicy', 'bp-vpa');
    expect(np.spec.ingress[0].ports[0].port).toBe(8443);
    expect(np.spec.egress[2].ports[0].port).toBe(10250);
  });

  test('a bad override fails with the path of the field', () => {
    expect(expectIssueAt(() => sovereignWith([use(Vpa, { values: { defaultUpdateMode: 'Always' as never } })]), 'sovereign.blueprints[0].values.defaultUpdateMode')).toContain('"Recreate"');
    expect(expectIssueAt(() => sovereignWith([use(Vpa, { values: { updater: { replicas: 4 } } })]), 'sovereign.blueprints[0].values.updater.replicas')).toContain('<= 3');
    expectIssueAt(() => sovereignWith([use(Vpa, { values: { vpaOverlay: { networkPolicy: { metricsPort: 70000 } } } })]), 'sovereign.blueprints[0].values.vpaOverlay.networkPolicy.metricsPort');
  });

  test('the cluster folder builds with kubectl kustomize, NetworkPolicy included', () => {
    const objects = kustomizeCluster(sovereignWith([use(Vpa, { values: { vpaOverlay: { networkPolicy: { enabled: true } } } })]));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-vpa')).toBe(true);
    expect(objects.some((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'bp-vpa' && o.metadata.namespace === 'vpa')).toBe(true);
  });
});
