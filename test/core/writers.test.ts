import { Type } from '@sinclair/typebox';
import { ApiObject, Chart } from 'cdk8s';
import { CertManager } from '../../blueprints/cert-manager';
import { Cilium } from '../../blueprints/cilium';
import { Blueprint, blueprintSpec, helmChart } from '../../src/blueprint';
import { CatalystError } from '../../src/errors';
import { Sovereign, use } from '../../src/sovereign';
import { synthesize } from '../../src/synth';
import { strictObject } from '../../src/values';
import { fakeBlueprint } from '../support/fake-blueprints';
import { kustomize, objectId, objectsOf, parseStream, synthToDisk } from '../support/tools';

const org = { name: 'Acme', email: 'ops@acme.test' };
const FQDN = 'writers.sovereign.test';
const dir = `flux/clusters/${FQDN}`;

function twoBlueprintSovereign(extra: Parameters<typeof use>[0][] = []) {
  return new Sovereign({
    fqdn: FQDN,
    org,
    includeKit: false,
    gitops: { url: 'https://git.example.test/platform.git', branch: 'main' },
    blueprints: [use(Cilium), use(CertManager), ...extra.map((b) => use(b))],
  });
}

/** A Blueprint whose overlay needs an API given by `api`, optionally marked optional. */
function overlayUser(name: string, api: string, optional: boolean, depends: readonly (typeof Cilium)[] = []) {
  class User extends Blueprint<ReturnType<typeof strictObject>> {
    public static readonly spec = blueprintSpec({
      name,
      version: '1.0.0',
      section: 'pts-test',
      card: { title: name, summary: name },
      upstream: [helmChart(name, '1.0.0', 'https://charts.example.test')],
      namespace: name,
      depends,
      values: strictObject({}),
      defaults: {},
    });
    protected overlays(scope: Chart): void {
      const obj = new ApiObject(scope, 'monitor', { apiVersion: api, kind: 'ServiceMonitor', metadata: { name: `${name}-monitor` }, spec: {} });
      if (optional) this.optional(obj);
    }
  }
  return User;
}

describe('Flux writer', () => {
  const result = synthesize(twoBlueprintSovereign());

  test('writes the documented layout', () => {
    expect([...result.files.keys()]).toEqual([
      'blueprints/bp-cert-manager/blueprint.yaml',
      'blueprints/bp-cilium/blueprint.yaml',
      'charts/bp-cert-manager/Chart.yaml',
      'charts/bp-cert-manager/README.md',
      'charts/bp-cert-manager/values.schema.json',
      'charts/bp-cert-manager/values.yaml',
      'charts/bp-cilium/Chart.yaml',
      'charts/bp-cilium/README.md',
      'charts/bp-cilium/values.schema.json',
      'charts/bp-cilium/values.yaml',
      `${dir}/bootstrap-kit/01-cilium.yaml`,
      `${dir}/bootstrap-kit/02-cert-manager.yaml`,
      `${dir}/bootstrap-kit/kustomization.yaml`,
      `${dir}/flux-system/sync.yaml`,
      `${dir}/infrastructure/02-cert-manager.yaml`,
      `${dir}/infrastructure/kustomization.yaml`,
      `${dir}/kustomization.yaml`,
      `${dir}/tenants/kustomization.yaml`,
      'platform.json',
    ]);
    expect(parseStream(result.files.get(`${dir}/bootstrap-kit/kustomization.yaml`)!)[0]).toMatchObject({ resources: ['01-cilium.yaml', '02-cert-manager.yaml'] });
  });

  test('kube-system is never declared; other namespaces once, labelled with the FQDN token', () => {
    const cilium = objectsOf(result, `${dir}/bootstrap-kit/01-cilium.yaml`);
    expect(cilium.map(objectId)).toEqual(['HelmRepository/flux-system/bp-cilium', 'HelmRelease/flux-system/bp-cilium']);
    const ns = objectsOf(result, `${dir}/bootstrap-kit/02-cert-manager.yaml`).filter((o) => o.kind === 'Namespace');
    expect(ns).toHaveLength(1);
    expect(ns[0].metadata.labels!['catalyst.openova.io/sovereign']).toBe('${SOVEREIGN_FQDN}');
  });

  test('HelmRelease: exact pin, adoption of the Phase-0 install, install policy, dependsOn from the graph', () => {
    const [, hr] = objectsOf(result, `${dir}/bootstrap-kit/01-cilium.yaml`) as any[];
    expect(hr.spec).toMatchObject({
      interval: '15m',
      releaseName: 'cilium',
      targetNamespace: 'kube-system',
      storageNamespace: 'kube-system',
      chart: { spec: { chart: 'cilium', version: '1.16.5', sourceRef: { kind: 'HelmRepository', name: 'bp-cilium', namespace: 'flux-system' } } },
      install: { disableWait: true, remediation: { retries: 3 } },
      upgrade: { disableWait: true, remediation: { retries: 3 } },
    });
    expect(hr.spec.dependsOn).toBeUndefined();
    expect(hr.spec.values.hubble.metrics.enabled).toBeNull();
    const cm = objectsOf(result, `${dir}/bootstrap-kit/02-cert-manager.yaml`).find((o) => o.kind === 'HelmRelease') as any;
    expect(cm.spec.dependsOn).toEqual([{ name: 'bp-cilium', namespace: 'flux-system' }]);
  });

  test('blueprint.yaml depends and HelmRelease dependsOn come from the same edge', () => {
    const bp = parseStream(result.files.get('blueprints/bp-cert-manager/blueprint.yaml')!)[0] as any;
    expect(bp).toMatchObject({ apiVersion: 'catalyst.openova.io/v1alpha1', kind: 'Blueprint', metadata: { name: 'bp-cert-manager', labels: { 'catalyst.openova.io/section': 'pts-3-3-security-and-policy' } } });
    expect(bp.spec.version).toBe(CertManager.spec.version);
    expect(bp.spec.depends).toEqual([{ blueprint: 'bp-cilium', version: '^1' }]);
    expect(bp.spec.configSchema.properties.issuers.properties.http01.properties.enabled.default).toBe(true);
    expect(bp.spec.outputs).toEqual({ issuerName: 'letsencrypt-http01-prod', issuerKind: 'ClusterIssuer' });
  });

  test('an overlay whose CRD a HelmRelease installs goes to infrastructure/, reconciled after bootstrap-kit', () => {
    const infra = objectsOf(result, `${dir}/infrastructure/02-cert-manager.yaml`);
    expect(infra.map(objectId)).toEqual(['ClusterIssuer/letsencrypt-http01-prod']);
    const sync = objectsOf(result, `${dir}/flux-system/sync.yaml`) as any[];
    expect(sync.map(objectId)).toEqual(['GitRepository/flux-system/sovereign', 'Kustomization/flux-system/bootstrap-kit', 'Kustomization/flux-system/infrastructure', 'Kustomization/flux-system/tenants']);
    expect(sync[2].spec.dependsOn).toEqual([{ name: 'bootstrap-kit' }]);
    expect(sync[1].spec).toMatchObject({ path: `./clusters/${FQDN}/bootstrap-kit`, wait: true, postBuild: { substitute: { SOVEREIGN_FQDN: FQDN } } });
  });

  test('an overlay needing an API nobody installs fails; a provider not depended on is named', () => {
    expect(() => synthesize(twoBlueprintSovereign([overlayUser('mon', 'monitoring.coreos.com/v1', false)]))).toThrow(
      'sovereign.blueprints[2]: ServiceMonitor mon-monitor needs monitoring.coreos.com/v1, and no Blueprint in this Sovereign installs that API; add the Blueprint that provides it',
    );
    expect(() => synthesize(twoBlueprintSovereign([overlayUser('mon', 'cert-manager.io/v1', false)]))).toThrow(
      'needs cert-manager.io/v1, which bp-cert-manager installs, but bp-mon does not depend on it; add it to depends',
    );
  });

  test('an optional overlay without its API is dropped with a warning', () => {
    const r = synthesize(twoBlueprintSovereign([overlayUser('mon', 'monitoring.coreos.com/v1', true)]));
    expect(r.warnings).toEqual(['sovereign.blueprints[2]: dropped optional ServiceMonitor mon-monitor: no installed dependency of bp-mon provides monitoring.coreos.com/v1']);
    expect([...r.files.values()].some((c) => c.includes('mon-monitor'))).toBe(false);
  });

  test('two objects with the same kind/namespace/name are an error naming both owners', () => {
    const a = fakeBlueprint('alpha');
    class Clash extends Blueprint {
      public static readonly spec = blueprintSpec({
        name: 'clash',
        version: '1.0.0',
        section: 'pts-test',
        card: { title: 'c', summary: 'c' },
        upstream: [],
        namespace: 'alpha',
        values: strictObject({}),
        defaults: {},
      });
      protected overlays(scope: Chart): void {
        new ApiObject(scope, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'alpha-settings' } });
      }
    }
    const sov = new Sovereign({ fqdn: FQDN, org, includeKit: false, blueprints: [use(a), use(Clash)] });
    expect(() => synthesize(sov)).toThrow('ConfigMap alpha/alpha-settings is emitted twice (by bp-alpha in bootstrap-kit/alpha.yaml and by bp-clash in bootstrap-kit/clash.yaml); rename one');
  });

  test('a stray ${VAR} that Flux would substitute is rejected', () => {
    const a = fakeBlueprint('alpha');
    const StrayValues = strictObject({ script: Type.String() });
    class Stray extends Blueprint<typeof StrayValues> {
      public static readonly spec = blueprintSpec({
        name: 'stray',
        version: '1.0.0',
        section: 'pts-test',
        card: { title: 's', summary: 's' },
        upstream: [],
        namespace: 'stray',
        values: StrayValues,
        defaults: { script: 'echo ${HOME}' },
      });
      protected overlays(scope: Chart): void {
        new ApiObject(scope, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'script' }, data: { run: this.values.script } });
      }
    }
    const sov = new Sovereign({ fqdn: FQDN, org, includeKit: false, blueprints: [use(a), use(Stray)] });
    expect(() => synthesize(sov)).toThrow(/contains the substitution \$\{HOME\}, but the only variable Flux substitutes is \$\{SOVEREIGN_FQDN\}/);
  });

  test('literal FQDN mode writes the FQDN and no substitution', () => {
    const sov = new Sovereign({ fqdn: FQDN, org, includeKit: false, fqdnMode: 'literal', blueprints: [use(Cilium), use(CertManager)] });
    const r = synthesize(sov);
    const all = [...r.files.values()].join('\n');
    expect(all).not.toContain('${SOVEREIGN_FQDN}');
    expect(all).toContain(`catalyst.openova.io/sovereign: ${FQDN}`);
    expect(all).not.toContain('postBuild');
  });

  test('a manifest-only dependency makes dependants wait on its own dependencies', () => {
    const a = fakeBlueprint('alpha');
    class Manifests extends Blueprint {
      public static readonly spec = blueprintSpec({
        name: 'manifests',
        version: '1.0.0',
        section: 'pts-test',
        card: { title: 'm', summary: 'm' },
        upstream: [],
        namespace: 'manifests',
        depends: [a],
        values: strictObject({}),
        defaults: {},
      });
    }
    const c = fakeBlueprint('charlie', '1.0.0', [Manifests]);
    const r = synthesize(new Sovereign({ fqdn: FQDN, org, includeKit: false, blueprints: [use(a), use(Manifests), use(c)] }));
    const hr = objectsOf(r, `${dir}/bootstrap-kit/charlie.yaml`).find((o) => o.kind === 'HelmRelease') as any;
    expect(hr.spec.dependsOn).toEqual([{ name: 'bp-alpha', namespace: 'flux-system' }]);
  });

  test('a third-party slot file (snapshot)', () => {
    const a = fakeBlueprint('alpha');
    const r = synthesize(new Sovereign({ fqdn: FQDN, org, includeKit: false, blueprints: [use(a, { values: { replicas: 2 } })] }));
    expect(r.files.get(`${dir}/bootstrap-kit/alpha.yaml`)).toMatchSnapshot();
  });
});

describe('real kubectl kustomize', () => {
  test('builds the whole cluster tree and yields every synthesized object', () => {
    const { dir: out, result } = synthToDisk(twoBlueprintSovereign());
    const built = kustomize(`${out}/${dir}`).map(objectId).sort();
    const expected = [...result.flux.slots.flatMap((s) => [...s.kit, ...s.infrastructure])].map((o) => objectId(o.json as any)).sort();
    expect(built).toEqual(expected);
  });
});

describe('determinism', () => {
  test('two syntheses of the same program are byte-identical', () => {
    const a = synthesize(twoBlueprintSovereign());
    const b = synthesize(twoBlueprintSovereign());
    expect([...a.files.entries()]).toEqual([...b.files.entries()]);
  });
});

describe('input checks', () => {
  test.each([
    [{ fqdn: 'Not A Domain', org }, 'sovereign.fqdn: must be a lowercase fully-qualified domain name'],
    [{ fqdn: 'localhost', org }, 'sovereign.fqdn: must be a lowercase fully-qualified domain name'],
    [{ fqdn: FQDN, org: { name: 'A', email: 'nope' } }, 'sovereign.org.email: must be an e-mail address'],
    [{ fqdn: FQDN, org, kit: { cilum: {} } }, 'sovereign.kit.cilum: unknown kit entry; allowed: '],
    [{ fqdn: FQDN, org, cloud: { provider: 'hetzner', regions: ['fra1'] } }, 'sovereign.cloud.regions[0]: unknown Hetzner location "fra1"'],
    [{ fqdn: FQDN, org, kit: { cilium: { values: { encryption: { type: 'none' } } } } }, 'sovereign.kit.cilium.values.encryption.type: expected union value (got "none"); allowed: one of "wireguard", "ipsec"'],
  ])('%j is rejected with a path-bearing error', (props, message) => {
    expect(() => new Sovereign(props as never)).toThrow(CatalystError);
    expect(() => new Sovereign(props as never)).toThrow(message);
  });
});
