/**
 * bp-crossplane-claims in a Sovereign: what goes where (bootstrap-kit vs infrastructure), the
 * Provider/Function/ProviderConfig objects and their names, the ordering guarantees, and the
 * infrastructure folder built with the real kubectl kustomize.
 */
import * as path from 'path';
import { CertManager } from '../../blueprints/cert-manager';
import { Cilium } from '../../blueprints/cilium';
import { Crossplane } from '../../blueprints/crossplane';
import { CLAIM_DEFINITIONS, CrossplaneClaims, NODE_ACTION_SERVICE_ACCOUNT, PROVIDER_KUBERNETES_SERVICE_ACCOUNT } from '../../blueprints/crossplane-claims';
import { Flux } from '../../blueprints/flux';
import { FUNCTION_PATCH_AND_TRANSFORM, packageObjectName, packageReference, PROVIDER_HCLOUD, PROVIDER_KUBERNETES } from '../../constructs/crossplane';
import { HCLOUD_CREDENTIALS, HCLOUD_PROVIDER_CONFIG, KUBERNETES_PROVIDER_CONFIG } from '../../src/handoff';
import { PHASE0_HETZNER_FACTS } from '../../src/hetzner';
import { BlueprintUse, Sovereign, use } from '../../src/sovereign';
import { synthesize } from '../../src/synth';
import { CLUSTER_DIR, expectIssueAt, instanceOf, sovereignWith } from '../blueprints/kit-helpers';
import { SchemaRegistry } from '../support/schema';
import { K8sObject, kustomize, objectsOf, synthToDisk } from '../support/tools';

const base = (): BlueprintUse[] => [use(Cilium), use(CertManager), use(Flux), use(Crossplane)];
const sovereign = (...extra: BlueprintUse[]): Sovereign => sovereignWith([...base(), ...(extra.length ? extra : [use(CrossplaneClaims)])]);
const CLUSTER_SCOPED_CROSSPLANE = new Set(['CompositeResourceDefinition', 'Composition', 'Provider', 'Function', 'DeploymentRuntimeConfig', 'ProviderConfig', 'ClusterRole', 'ClusterRoleBinding']);

const RBAC = [
  'Role/catalyst-provider-kubernetes', 'RoleBinding/catalyst-provider-kubernetes',
  `ServiceAccount/${NODE_ACTION_SERVICE_ACCOUNT}`, `ClusterRole/${NODE_ACTION_SERVICE_ACCOUNT}`, `ClusterRoleBinding/${NODE_ACTION_SERVICE_ACCOUNT}`,
];

function files(sov: Sovereign) {
  const result = synthesize(sov);
  return { result, infra: objectsOf(result, `${CLUSTER_DIR}/infrastructure/14-crossplane-claims.yaml`) };
}

const ids = (objects: readonly K8sObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);

describe('bp-crossplane-claims', () => {
  test('spec: slot 14, manifest-only, crossplane-system, after bp-crossplane, provides compose.openova.io and the providers\' APIs', () => {
    const s = CrossplaneClaims.spec;
    expect([s.name, s.version, s.slot, s.namespace]).toEqual(['crossplane-claims', '1.0.0', 14, 'crossplane-system']);
    expect(s.upstream).toEqual([]);
    expect(s.depends).toEqual([Crossplane]);
    expect(s.install).toEqual({ timeout: '15m', disableWait: false });
    expect(s.providesApis).toEqual(expect.arrayContaining(['compose.openova.io/v1alpha1', 'hcloud.crossplane.io/v1beta1', 'kubernetes.crossplane.io/v1alpha1', 'kubernetes.crossplane.io/v1alpha2']));
  });

  test('XRDs, Compositions, packages and ProviderConfigs go to infrastructure/, never into a release with the Crossplane CRDs', () => {
    const { result, infra } = files(sovereign());
    expect(ids(infra)).toEqual([
      ...CLAIM_DEFINITIONS.map((d) => `CompositeResourceDefinition/${d.xrdName}`),
      ...CLAIM_DEFINITIONS.map((d) => `Composition/${d.props.defaultComposition}`),
      `Provider/${packageObjectName(PROVIDER_HCLOUD)}`,
      `DeploymentRuntimeConfig/${PROVIDER_KUBERNETES_SERVICE_ACCOUNT}`,
      `Provider/${packageObjectName(PROVIDER_KUBERNETES)}`,
      `Function/${packageObjectName(FUNCTION_PATCH_AND_TRANSFORM)}`,
      `ProviderConfig/${HCLOUD_PROVIDER_CONFIG}`,
      `ProviderConfig/${KUBERNETES_PROVIDER_CONFIG}`,
      // The writer keeps a Blueprint's built-in overlays with its infrastructure ones.
      ...RBAC,
    ]);
    // Nothing in bootstrap-kit: no HelmRelease (manifest-only) and no second Namespace (crossplane-system is bp-crossplane's).
    expect(result.files.has(`${CLUSTER_DIR}/bootstrap-kit/14-crossplane-claims.yaml`)).toBe(false);
    // The CRDs come from bp-crossplane's HelmRelease in bootstrap-kit; infrastructure waits for the whole kit.
    const sync = objectsOf(result, `${CLUSTER_DIR}/flux-system/sync.yaml`);
    const infraKs = sync.find((o) => o.kind === 'Kustomization' && o.metadata.name === 'infrastructure') as K8sObject & { spec: { dependsOn: { name: string }[] } };
    expect(infraKs.spec.dependsOn).toEqual([{ name: 'bootstrap-kit' }]);
    expect(objectsOf(result, `${CLUSTER_DIR}/bootstrap-kit/04-crossplane.yaml`).some((o) => o.kind === 'HelmRelease' && o.metadata.name === 'bp-crossplane')).toBe(true);
  });

  test('cluster-scoped objects carry no namespace; namespaced ones are in crossplane-system', () => {
    const { infra } = files(sovereign());
    for (const o of infra) {
      expect([o.kind, o.metadata.name, o.metadata.namespace]).toEqual([o.kind, o.metadata.name, CLUSTER_SCOPED_CROSSPLANE.has(o.kind) ? undefined : 'crossplane-system']);
    }
  });

  test('Provider and Function objects adopt what bp-crossplane\'s installer created: same names, same pinned packages', () => {
    const { infra } = files(sovereign());
    const pkgs = infra.filter((o) => o.kind === 'Provider' || o.kind === 'Function') as (K8sObject & { spec: { package: string; runtimeConfigRef?: { name: string } } })[];
    expect(pkgs.map((p) => [p.metadata.name, p.spec.package])).toEqual([
      ['crossplane-contrib-provider-hcloud', 'xpkg.upbound.io/crossplane-contrib/provider-hcloud:v0.4.0'],
      ['crossplane-contrib-provider-kubernetes', packageReference(PROVIDER_KUBERNETES)],
      ['crossplane-contrib-function-patch-and-transform', packageReference(FUNCTION_PATCH_AND_TRANSFORM)],
    ]);
    const crossplane = instanceOf(sovereign(), Crossplane);
    for (const p of [PROVIDER_HCLOUD, PROVIDER_KUBERNETES, FUNCTION_PATCH_AND_TRANSFORM]) expect(crossplane.seeds(p)).toBe(true);
    // provider-kubernetes runs as a fixed ServiceAccount, which the Role binds.
    expect(pkgs[1].spec.runtimeConfigRef).toEqual({ name: PROVIDER_KUBERNETES_SERVICE_ACCOUNT });
  });

  test('ProviderConfig names and the credentials Secret come from the Phase-0 hand-off; nothing secret is in the repo', () => {
    const { result, infra } = files(sovereign());
    const hcloud = infra.find((o) => o.kind === 'ProviderConfig' && o.apiVersion === 'hcloud.crossplane.io/v1beta1') as K8sObject & { spec: unknown };
    expect(hcloud.metadata.name).toBe(HCLOUD_PROVIDER_CONFIG);
    expect(hcloud.spec).toEqual({ credentials: { source: 'Secret', secretRef: { ...HCLOUD_CREDENTIALS } } });
    const k8s = infra.find((o) => o.kind === 'ProviderConfig' && o.apiVersion === 'kubernetes.crossplane.io/v1alpha1') as K8sObject & { spec: unknown };
    expect(k8s.metadata.name).toBe(KUBERNETES_PROVIDER_CONFIG);
    expect(k8s.spec).toEqual({ credentials: { source: 'InjectedIdentity' } });
    for (const [file, text] of result.files) {
      if (!file.includes('crossplane')) continue;
      expect([file, /kind: Secret\b/.test(text)]).toEqual([file, false]);
    }
  });

  test('a package bp-crossplane does not seed is an error at bp-crossplane\'s values (its ProviderConfig would never apply)', () => {
    const packages = { providers: [packageReference(PROVIDER_HCLOUD)], functions: [packageReference(FUNCTION_PATCH_AND_TRANSFORM)] };
    const sov = sovereignWith([use(Cilium), use(CertManager), use(Flux), use(Crossplane, { values: { packages } }), use(CrossplaneClaims)]);
    const message = expectIssueAt(() => synthesize(sov), 'sovereign.blueprints[3].values.packages.providers');
    expect(message).toContain('provider-kubernetes:v0.15.0');
  });

  test('without bp-crossplane the Blueprint is refused (typed dependency)', () => {
    expectIssueAt(() => sovereignWith([use(Cilium), use(CertManager), use(Flux), use(CrossplaneClaims)]), 'sovereign.blueprints[3].depends');
  });

  test('node-action RBAC: cordon and evict, nothing more', () => {
    const { infra } = files(sovereign());
    const role = infra.find((o) => o.kind === 'ClusterRole') as K8sObject & { rules: { resources: string[]; verbs: string[] }[] };
    expect(role.rules.flatMap((r) => r.resources)).toEqual(['nodes', 'pods', 'pods/eviction', 'daemonsets', 'statefulsets', 'replicasets']);
    expect(role.rules.flatMap((r) => r.verbs)).not.toContain('delete');
  });

  test('every object passes strict validation against the Crossplane and Kubernetes schemas (test/support/schema.ts)', () => {
    const { infra } = files(sovereign());
    const registry = new SchemaRegistry();
    const errors = Object.fromEntries(infra.map((o) => [`${o.kind}/${o.metadata.name}`, registry.validate(o)]));
    // No vendored schema exists for the providers' ProviderConfigs; their shape is typed in constructs/crossplane.
    const unvalidated = ['hcloud.crossplane.io/v1beta1 ProviderConfig', 'kubernetes.crossplane.io/v1alpha1 ProviderConfig'];
    for (const [id, errs] of Object.entries(errors)) {
      expect([id, errs.filter((e) => !unvalidated.some((u) => e === `no schema for ${u}`))]).toEqual([id, []]);
    }
    expect(Object.keys(errors).filter((id) => id.startsWith('Composition/'))).toHaveLength(6);
  });

  test('the infrastructure folder builds with kubectl kustomize', () => {
    const { dir } = synthToDisk(sovereign());
    const objects = kustomize(path.join(dir, CLUSTER_DIR, 'infrastructure'));
    expect(objects.filter((o) => o.kind === 'CompositeResourceDefinition')).toHaveLength(6);
    expect(objects.filter((o) => o.kind === 'Composition')).toHaveLength(6);
    const np = objects.find((o) => o.metadata.name === 'hetzner-node-pool.compose.openova.io') as K8sObject & { spec: { pipeline: { input: { resources: unknown[] } }[] } };
    expect(np.spec.pipeline[0].input.resources).toHaveLength(100);
    // The whole cluster tree too (bootstrap-kit + infrastructure).
    const all = kustomize(path.join(dir, CLUSTER_DIR));
    expect(all.filter((o) => o.kind === 'Namespace' && o.metadata.name === 'crossplane-system')).toHaveLength(1);
  });

  test('adoption (off by default) wraps a RegionClaim in an Object that never deletes it; its ids are Phase-0 variables', () => {
    const sov = sovereign(use(CrossplaneClaims, { values: { adoption: { enabled: true } } }));
    const bp = instanceOf(sov, CrossplaneClaims);
    const object = bp.overlayScope.node.findAll().map((c) => c as unknown as { toJson?: () => unknown }).filter((c) => typeof c.toJson === 'function').map((c) => c.toJson!() as K8sObject & { spec: { managementPolicies: string[]; forProvider: { manifest: K8sObject & { spec: { parameters: Record<string, unknown> } } } } }).find((o) => o.kind === 'Object')!;
    expect(object.spec.managementPolicies).not.toContain('Delete');
    const claim = object.spec.forProvider.manifest;
    expect([claim.apiVersion, claim.kind, claim.metadata.namespace]).toEqual(['compose.openova.io/v1alpha1', 'RegionClaim', 'crossplane-system']);
    expect(claim.spec.parameters).toMatchObject({
      region: `\${${PHASE0_HETZNER_FACTS.variables.location}}`,
      sovereignFQDN: '${SOVEREIGN_FQDN}',
      adopt: { networkId: `\${${PHASE0_HETZNER_FACTS.variables.networkId}}`, controlPlaneServerId: `\${${PHASE0_HETZNER_FACTS.variables.controlPlaneServerId}}` },
    });
    expect(claim.spec.parameters).not.toHaveProperty('userData');
    // Until the infrastructure Kustomization substitutes the Phase-0 variables, synth refuses them.
    expect(() => synthesize(sov)).toThrow(/HCLOUD_/);
  });
});
