import {
  CLUSTER_DIR, expectChartPin, expectIssueAt, helmReleaseNamed, instanceOf, kitSlot, kustomizeCluster,
  slotBlueprintVersion, slotObjects, sovereignWith, upstreamProvenance, upstreamValues, valuesFor,
} from './kit-helpers';
import { closureOf, curatedChartValues, expectMatchesSlotSet, expectNoSecretMaterial, infraObjects, sovereignOf } from './wave2-helpers';
import { EXTERNAL_SECRETS_CHART, ExternalSecrets } from '../../blueprints/external-secrets';
import { OpenBao } from '../../blueprints/openbao';
import { blueprintSpec } from '../../src/blueprint';
import { synthesize } from '../../src/synth';
import { K8sObject } from '../support/tools';

const SLOT = kitSlot('15-external-secrets');

interface StoreObj extends K8sObject {
  readonly spec: {
    provider: {
      vault: {
        server: string;
        path: string;
        version: string;
        auth: { kubernetes: { mountPath: string; role: string; serviceAccountRef: { name: string; namespace: string } } };
      };
    };
  };
}

describe('bp-external-secrets', () => {
  test('pins the upstream external-secrets chart recorded in the Blueprint chart', () => {
    const prov = upstreamProvenance('external-secrets');
    expect(ExternalSecrets.spec.upstream).toEqual([EXTERNAL_SECRETS_CHART]);
    expect({ chart: EXTERNAL_SECRETS_CHART.chart, version: EXTERNAL_SECRETS_CHART.version, repo: EXTERNAL_SECRETS_CHART.repository }).toEqual(prov);
  });

  test('one version for the Blueprint and the kit pin (upstream blueprint.yaml said 1.0.0, the chart 1.0.1)', () => {
    expect(ExternalSecrets.spec.version).toBe('1.0.1');
    expect(ExternalSecrets.spec.version).toBe(slotBlueprintVersion(SLOT));
  });

  test('defaults give the chart exactly the upstream curated values', () => {
    const values = valuesFor(instanceOf(sovereignOf(ExternalSecrets), ExternalSecrets), 'external-secrets');
    expect(values).toEqual(curatedChartValues('external-secrets', 'external-secrets', SLOT));
    // Every monitor is off: the monitoring CRDs may not exist (upstream #182).
    const off = { serviceMonitor: { enabled: false } };
    expect(values).toMatchObject({ ...off, webhook: off, certController: off });
  });

  test('the HelmRelease matches kit slot 15 and waits for bp-openbao and bp-cert-manager', () => {
    const result = synthesize(sovereignOf(ExternalSecrets));
    const objects = slotObjects(result, '15-external-secrets.yaml');
    const hr = helmReleaseNamed(objects, 'bp-external-secrets');
    expectMatchesSlotSet(hr, SLOT);
    expectChartPin(objects, hr, EXTERNAL_SECRETS_CHART);
    expect(objects.find((o) => o.kind === 'Namespace')?.metadata.labels?.['catalyst.openova.io/sovereign']).toBe('${SOVEREIGN_FQDN}');
    // The API server calls the webhook; the controller reaches OpenBao along the dependency edge.
    const fromCluster = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'allow-ingress-from-cluster') as unknown as { spec: { ingress: { ports: { port: number }[] }[] } };
    expect(fromCluster.spec.ingress[0].ports.map((p) => p.port)).toEqual([10250]);
    expect(JSON.stringify(objects.find((o) => o.metadata.name === 'allow-to-dependencies'))).toContain('"openbao"');
    expect(result.files.get(`${CLUSTER_DIR}/bootstrap-kit/15-external-secrets.yaml`)).not.toContain('SOVEREIGN_FQDN_PLACEHOLDER');
    expect(result.files.get(`${CLUSTER_DIR}/bootstrap-kit/15-external-secrets.yaml`)).toMatchSnapshot();
  });

  test('the ClusterSecretStore is in infrastructure/ (after the ESO CRDs) and reads bp-openbao\'s typed address', () => {
    const sov = sovereignOf(ExternalSecrets);
    const result = synthesize(sov);
    expect(slotObjects(result, '15-external-secrets.yaml').some((o) => o.kind === 'ClusterSecretStore')).toBe(false);
    const [store] = infraObjects(result, '15-external-secrets.yaml') as StoreObj[];
    expect(store.apiVersion).toBe('external-secrets.io/v1beta1');
    expect(store.metadata.name).toBe('vault-region1');
    expect(store.metadata.namespace).toBeUndefined();
    const vault = store.spec.provider.vault;
    expect(vault.server).toBe(instanceOf(sov, OpenBao).address);
    const curated = upstreamValues('external-secrets').clusterSecretStore as { server: string; path: string; version: string; kubernetesAuth: Record<string, string> };
    // Same store as upstream, but every fact comes from a typed source.
    expect(vault.server).toBe(curated.server);
    expect({ path: vault.path, version: vault.version }).toEqual({ path: curated.path, version: curated.version });
    expect(vault.auth.kubernetes).toEqual({
      mountPath: curated.kubernetesAuth.mountPath,
      role: curated.kubernetesAuth.role,
      serviceAccountRef: { name: curated.kubernetesAuth.serviceAccountName, namespace: curated.kubernetesAuth.serviceAccountNamespace },
    });
    expect(instanceOf(sov, ExternalSecrets).secretStoreRef).toEqual({ name: 'vault-region1', kind: 'ClusterSecretStore' });
  });

  test('the store follows bp-openbao wherever it runs: no copied URL', () => {
    // Same Blueprint name, another release and namespace: the lookup is by Blueprint, not by URL.
    class RelocatedOpenBao extends OpenBao {
      public static readonly spec = blueprintSpec({ ...OpenBao.spec, namespace: 'secrets', releaseName: 'bao' });
    }
    const c = closureOf(ExternalSecrets);
    const sov = sovereignWith(c.uses.map((u) => (u.blueprint === OpenBao ? { ...u, blueprint: RelocatedOpenBao } : u)));
    const [store] = infraObjects(synthesize(sov), '15-external-secrets.yaml') as StoreObj[];
    expect(store.spec.provider.vault.server).toBe('http://bao-openbao.secrets.svc.cluster.local:8200');
  });

  test('switching the store off removes it; asking for its ref then fails with the values path', () => {
    const c = closureOf(ExternalSecrets, { values: { clusterSecretStore: { enabled: false } } });
    const sov = sovereignWith(c.uses);
    expect(synthesize(sov).files.has(`${CLUSTER_DIR}/infrastructure/15-external-secrets.yaml`)).toBe(false);
    expectIssueAt(() => instanceOf(sov, ExternalSecrets).secretStoreRef, `${c.path}.values.clusterSecretStore.enabled`);
  });

  test('monitoring toggles reach every component', () => {
    const values = valuesFor(instanceOf(sovereignOf(ExternalSecrets, { values: { monitoring: { metricsService: true, serviceMonitor: true } } }), ExternalSecrets), 'external-secrets');
    for (const v of [values, (values as { webhook: unknown }).webhook, (values as { certController: unknown }).certController]) {
      expect(v).toMatchObject({ serviceMonitor: { enabled: true }, metrics: { service: { enabled: true } } });
    }
  });

  test('no secret material is written', () => {
    const result = synthesize(sovereignOf(ExternalSecrets));
    expectNoSecretMaterial([...slotObjects(result, '15-external-secrets.yaml'), ...infraObjects(result, '15-external-secrets.yaml')]);
  });

  test('a bad override fails with the path of the field', () => {
    const c = closureOf(ExternalSecrets, { values: { clusterSecretStore: { version: 'v3' as never } } });
    const message = expectIssueAt(() => sovereignWith(c.uses), `${c.path}.values.clusterSecretStore.version`);
    expect(message).toContain('"v1", "v2"');
    const c2 = closureOf(ExternalSecrets, { values: { clusterSecretStore: { server: 'http://x' } } as never });
    expectIssueAt(() => sovereignWith(c2.uses), `${c2.path}.values.clusterSecretStore.server`);
  });

  test('the cluster folder builds with kubectl kustomize', () => {
    const objects = kustomizeCluster(sovereignOf(ExternalSecrets));
    expect(objects.some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-external-secrets')).toBe(true);
    expect(objects.some((o) => o.kind === 'ClusterSecretStore' && o.metadata.name === 'vault-region1')).toBe(true);
  });
});
