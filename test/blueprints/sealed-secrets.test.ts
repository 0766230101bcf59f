import {
  CLUSTER_DIR, expectChartPin, expectedChartValues, expectIssueAt, expectMatchesSlot, helmReleaseNamed, instanceOf,
  kitSlot, kustomizeCluster, slotBlueprintVersion, slotObjects, sovereignWith, upstreamProvenance, valuesFor,
} from './kit-helpers';
import { CertManager } from '../../blueprints/cert-manager';
import { Cilium } from '../../blueprints/cilium';
import { SealedSecrets } from '../../blueprints/sealed-secrets';
import { use } from '../../src/sovereign';
import { synthesize } from '../../src/synth';

const SLOT = kitSlot('05-sealed-secrets');
const base = () => [use(Cilium), use(CertManager)];

describe('bp-sealed-secrets', () => {
  test('pins the upstream sealed-secrets chart recorded in the Blueprint chart', () => {
    const prov = upstreamProvenance('sealed-secrets');
    const [u] = SealedSecrets.spec.upstream;
    expect(SealedSecrets.spec.upstream).toHaveLength(1);
    expect({ chart: u.chart, version: u.version, repo: u.repository }).toEqual(prov);
  });

  test('defaults give the chart exactly the upstream curated values', () => {
    const bp = instanceOf(sovereignWith([...base(), use(SealedSecrets)]), SealedSecrets);
    expect(valuesFor(bp, 'sealed-secrets')).toEqual(expectedChartValues('sealed-secrets', 'sealed-secrets', SLOT));
    // kubeseal's default controller name: keeping it means no --controller-name flag anywhere.
    expect(bp.controller).toEqual({ name: 'sealed-secrets-controller', namespace: 'kube-system' });
    expect(bp.outputs()).toEqual({ controllerName: 'sealed-secrets-controller', controllerNamespace: 'kube-system' });
  });

  test('the HelmRelease matches kit slot 05', () => {
    const result = synthesize(sovereignWith([...base(), use(SealedSecrets)]));
    const objects = slotObjects(result, '05-sealed-secrets.yaml');
    const hr = helmReleaseNamed(objects, 'bp-sealed-secrets');
    expectMatchesSlot(hr, SLOT);
    expect(SealedSecrets.spec.version).toBe(slotBlueprintVersion(SLOT));
    expectChartPin(objects, hr, SealedSecrets.spec.upstream[0]);
    expect(hr.spec.values).toEqual(expectedChartValues('sealed-secrets', 'sealed-secrets', SLOT));
    expect(result.files.get(`${CLUSTER_DIR}/bootstrap-kit/05-sealed-secrets.yaml`)).toMatchSnapshot();
  });

  test('installs into kube-system without declaring a kube-system Namespace (upstream 2022e1a)', () => {
    const objects = slotObjects(synthesize(sovereignWith([...base(), use(SealedSecrets)])), '05-sealed-secrets.yaml');
    expect(objects.filter((o) => o.kind === 'Namespace')).toEqual([]);
    expect(helmReleaseNamed(objects, 'bp-sealed-secrets').spec.targetNamespace).toBe('kube-system');
    // Neither does the whole built tree: bp-cilium also targets kube-system.
    const built = kustomizeCluster(sovereignWith([...base(), use(SealedSecrets)]));
    expect(built.filter((o) => o.kind === 'Namespace' && o.metadata.name === 'kube-system')).toEqual([]);
  });

  test('a user override reaches the HelmRelease values', () => {
    const result = synthesize(sovereignWith([
      ...base(),
      use(SealedSecrets, { values: { resources: { limits: { memory: '256Mi' } }, monitoring: { serviceMonitor: true } } }),
    ]));
    const values = helmReleaseNamed(slotObjects(result, '05-sealed-secrets.yaml'), 'bp-sealed-secrets').spec.values;
    expect(values).toMatchObject({
      fullnameOverride: 'sealed-secrets-controller',
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      metrics: { serviceMonitor: { enabled: true } },
    });
  });

  test('a bad override fails with the path of the field', () => {
    const message = expectIssueAt(
      () => sovereignWith([...base(), use(SealedSecrets, { values: { controllerName: 'Sealed_Secrets' } })]),
      'sovereign.blueprints[2].values.controllerName',
    );
    expect(message).toContain('"Sealed_Secrets"');
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignWith([...base(), use(SealedSecrets)]));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-sealed-secrets')).toBe(true);
  });
});
