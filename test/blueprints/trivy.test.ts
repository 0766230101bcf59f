import {
  CLUSTER_DIR, expectChartPin, expectedChartValues, expectIssueAt, expectMatchesSlot, instanceOf, kitSlot, kustomizeCluster,
  slotBlueprintVersion, sovereignWith, valuesFor,
} from './kit-helpers';
import { expectUpstreamPin, inventory, primaryRelease, quantitiesAsStrings, synthSlot } from './wave2b-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { Cilium } from '../../blueprints/cilium';
import { TRIVY_OPERATOR_CHART, Trivy } from '../../blueprints/trivy';
import { use } from '../../src/sovereign';

const SLOT = kitSlot('30-trivy');
const FILE = '30-trivy.yaml';
const base = () => [use(Cilium), use(CertManager)];

describe('bp-trivy', () => {
  test('pins the upstream trivy-operator chart recorded in the Blueprint chart', () => {
    expect(Trivy.spec.upstream).toEqual([TRIVY_OPERATOR_CHART]);
    expectUpstreamPin(TRIVY_OPERATOR_CHART, 'trivy');
    expect(Trivy.spec).toMatchObject({ name: 'trivy', slot: 30, namespace: 'trivy-system', releaseName: 'trivy', visibility: 'unlisted' });
    // Node-collector Jobs need host paths: privileged, with the reason; registries and the DB download out.
    expect(Trivy.spec.podSecurity).toMatchObject({ level: 'privileged', reason: expect.stringContaining('host') });
    expect(Trivy.spec.network).toEqual({ egressToWorld: [{ port: 443 }] });
  });

  test('defaults give the chart exactly the upstream curated values', () => {
    const values = valuesFor(instanceOf(sovereignWith([...base(), use(Trivy)]), Trivy), 'trivy-operator');
    expect(values).toEqual(quantitiesAsStrings(expectedChartValues('trivy', 'trivy-operator', SLOT)));
    expect(values).toMatchObject({
      image: { registry: 'mirror.gcr.io', repository: 'aquasec/trivy-operator', tag: '0.30.1' },
      trivy: { image: { tag: '0.70.0' }, storageSize: '5Gi' },
      serviceMonitor: { enabled: false },
      operator: { metricsVulnIdEnabled: false, excludeNamespaces: 'kube-system,kube-public,kube-node-lease' },
    });
  });

  test('the HelmRelease matches kit slot 30 and waits for bp-cert-manager', () => {
    const slot = synthSlot([...base(), use(Trivy)], FILE);
    const hr = primaryRelease(slot, 'trivy');
    expectMatchesSlot(hr, SLOT);
    expect(hr.spec.dependsOn?.map((d) => d.name)).toEqual(['bp-cert-manager']);
    expect(Trivy.spec.version).toBe(slotBlueprintVersion(SLOT));
    expectChartPin(slot.kit, hr, TRIVY_OPERATOR_CHART);
    expect(inventory(slot.kit)).toEqual(['HelmRelease/bp-trivy', 'HelmRepository/bp-trivy', 'Namespace/trivy-system']);
    expect(slot.result.files.get(`${CLUSTER_DIR}/bootstrap-kit/${FILE}`)).toMatchSnapshot();
  });

  test('namespace lists are typed and joined the way the chart reads them', () => {
    const bp = instanceOf(sovereignWith([...base(), use(Trivy, { values: { targetNamespaces: ['harbor', 'keycloak'], scanners: { exposedSecret: false } } })]), Trivy);
    const op = valuesFor(bp, 'trivy-operator').operator as Record<string, unknown>;
    expect(op.targetNamespaces).toBe('harbor,keycloak');
    expect(op.exposedSecretScannerEnabled).toBe(false);
    expect(op.vulnerabilityScannerEnabled).toBe(true);
  });

  test('a bad override fails with the path of the field', () => {
    expectIssueAt(() => sovereignWith([...base(), use(Trivy, { values: { excludeNamespaces: ['kube-system,kube-public'] } })]), 'sovereign.blueprints[2].values.excludeNamespaces[0]');
    expect(expectIssueAt(() => sovereignWith([...base(), use(Trivy, { values: { scanJobs: { retryDelay: '30 seconds' } } })]), 'sovereign.blueprints[2].values.scanJobs.retryDelay')).toContain('30 seconds');
    expectIssueAt(() => sovereignWith([...base(), use(Trivy, { values: { scannerImage: { tag: 'latest' } } })]), 'sovereign.blueprints[2].values.scannerImage.tag');
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignWith([...base(), use(Trivy)]));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-trivy')).toBe(true);
    expect(objects.some((o) => o.kind === 'Namespace' && o.metadata.name === 'trivy-system')).toBe(true);
  });
});
