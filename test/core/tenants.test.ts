import { Type } from '@sinclair/typebox';
import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Blueprint, blueprintSpec } from '../../src/blueprint';
import { CatalystError } from '../../src/errors';
import { Sovereign, use } from '../../src/sovereign';
import { synthesize } from '../../src/synth';
import { app } from '../../src/tenants';
import { strictObject } from '../../src/values';
import { fakeBlueprint } from '../support/fake-blueprints';
import { kustomize, objectId, objectsOf, synthToDisk } from '../support/tools';

const FQDN = 'tenants.sovereign.test';
const dir = `flux/clusters/${FQDN}`;
const org = { name: 'Acme', email: 'ops@acme.test' };

const Db = fakeBlueprint('db');
const Web = fakeBlueprint('web', '1.0.0', [{ blueprint: Db, version: '^1', alias: 'database' }]);
const StaticValues = strictObject({ message: Type.String({ minLength: 1 }) });
class StaticSite extends Blueprint<typeof StaticValues> {
  public static readonly spec = blueprintSpec({
    name: 'static-site',
    version: '1.0.0',
    section: 'pts-test',
    card: { title: 's', summary: 's' },
    upstream: [],
    namespace: 'static-site',
    values: StaticValues,
    defaults: { message: 'hi' },
    placement: { modes: ['single-region', 'active-active'], default: 'single-region', maxRegions: 2 },
  });
  protected overlays(scope: Chart): void {
    new k8s.KubeConfigMap(scope, 'page', { metadata: { name: 'page' }, data: { index: this.values.message } });
  }
}

function sovereign(organizations: unknown) {
  return new Sovereign({ fqdn: FQDN, org, includeKit: false, gitops: { url: 'https://git.example.test/p.git' }, organizations: organizations as never });
}

const twoOrgs = [
  {
    name: 'acme',
    quota: { cpu: '4' },
    environments: [
      { type: 'prod', applications: [app('db', Db), app('web', Web, { values: { replicas: 2 } }), app('site', StaticSite, { values: { message: 'hello' } })] },
      { type: 'dev', applications: [app('db', Db), app('web', Web)] },
    ],
  },
  { name: 'globex', environments: [{ type: 'stg' }] },
];

describe('Organizations, Environments, Applications', () => {
  const r = synthesize(sovereign(twoOrgs));

  test('per Organization: restricted namespace, quota, limits, default-deny + allows, roles, vcluster', () => {
    const objs = objectsOf(r, `${dir}/tenants/acme/org.yaml`);
    expect(objs.map(objectId)).toEqual([
      'Namespace/acme', 'ResourceQuota/acme/org-quota', 'LimitRange/acme/org-defaults',
      'NetworkPolicy/acme/deny-all', 'NetworkPolicy/acme/allow-same-namespace', 'NetworkPolicy/acme/allow-dns', 'NetworkPolicy/acme/allow-apiserver', 'NetworkPolicy/acme/allow-flux',
      'RoleBinding/acme/org-admin', 'RoleBinding/acme/org-developer', 'RoleBinding/acme/org-viewer',
      'HelmRepository/acme/loft', 'HelmRelease/acme/vcluster',
    ]);
    const ns = objs[0] as any;
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect((objs[1] as any).spec.hard).toMatchObject({ 'requests.cpu': '4', 'requests.memory': '16Gi', 'pods': 100 });
    expect((objs[3] as any).spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const vc = objs[12] as any;
    expect(vc.spec.chart.spec).toMatchObject({ chart: 'vcluster', version: '0.33.0' });
    expect(vc.spec.values.exportKubeConfig.secret.name).toBe('vc-acme');
    expect((objs[8] as any).subjects[0].name).toBe('oidc:/acme/org-admin');
  });

  test('per Environment: GitRepository at the branch of its type, Kustomizations into the vcluster', () => {
    const prod = objectsOf(r, `${dir}/tenants/acme/prod.yaml`) as any[];
    const dev = objectsOf(r, `${dir}/tenants/acme/dev.yaml`) as any[];
    const stg = objectsOf(r, `${dir}/tenants/globex/stg.yaml`) as any[];
    expect(prod[0].spec.ref).toEqual({ branch: 'main' });
    expect(dev[0].spec.ref).toEqual({ branch: 'develop' });
    expect(stg[0].spec.ref).toEqual({ branch: 'staging' });
    expect(prod[1]).toMatchObject({ kind: 'Kustomization', metadata: { name: 'acme-prod-workloads', namespace: 'acme' }, spec: { kubeConfig: { secretRef: { name: 'vc-acme', key: 'config' } }, path: `./clusters/${FQDN}/tenants/acme/prod/workloads` } });
    expect(prod[2].spec.dependsOn).toEqual([{ name: 'acme-prod-workloads' }]);
  });

  test('per Application: HelmRelease into the vcluster with values and dependsOn on the Applications it needs', () => {
    const rel = objectsOf(r, `${dir}/tenants/acme/prod/releases/releases.yaml`) as any[];
    const web = rel.find((o) => o.kind === 'HelmRelease' && o.metadata.name === 'prod-web-bp-web');
    expect(web.spec).toMatchObject({
      releaseName: 'web',
      targetNamespace: 'web-prod',
      kubeConfig: { secretRef: { name: 'vc-acme', key: 'config' } },
      dependsOn: [{ name: 'prod-db-bp-db' }],
      values: { replicaCount: 2, mode: 'a' },
      install: { createNamespace: true },
    });
    const wl = objectsOf(r, `${dir}/tenants/acme/prod/workloads/workloads.yaml`).map(objectId);
    expect(wl).toEqual(expect.arrayContaining(['Namespace/site-prod', 'ConfigMap/site-prod/page', 'ConfigMap/web-prod/web-settings']));
  });

  test('kubectl kustomize builds the host tree and every Environment folder', () => {
    const { dir: out } = synthToDisk(sovereign(twoOrgs));
    const host = kustomize(`${out}/${dir}`).map(objectId);
    expect(host).toEqual(expect.arrayContaining(['HelmRelease/acme/vcluster', 'Kustomization/acme/acme-prod-releases', 'GitRepository/globex/globex-stg']));
    expect(kustomize(`${out}/${dir}/tenants/acme/prod/releases`).length).toBeGreaterThan(0);
    expect(kustomize(`${out}/${dir}/tenants/acme/prod/workloads`).map(objectId)).toContain('ConfigMap/site-prod/page');
    expect(kustomize(`${out}/${dir}/tenants/globex/stg/workloads`)).toEqual([]);
  });

  test.each([
    [[{ name: 'system' }], 'sovereign.organizations[0].name: is reserved'],
    [[{ name: 'ab' }], 'sovereign.organizations[0].name: must match'],
    [[{ name: 'acme' }, { name: 'acme' }], 'sovereign.organizations[1].name: duplicate Organization "acme"'],
    [[{ name: 'acme', environments: [{ type: 'dr' }] }], 'sovereign.organizations[0].environments[0].type: must be one of prod, stg, uat, dev, poc'],
    [[{ name: 'acme', environments: [{ type: 'prod' }, { type: 'prod' }] }], 'sovereign.organizations[0].environments[1].type: duplicate Environment acme-prod'],
    [[{ name: 'acme', quota: { memory: 'lots' } }], 'sovereign.organizations[0].quota.memory: must be a Kubernetes quantity'],
    [[{ name: 'acme', environments: [{ type: 'prod', applications: [app('web', Web)] }] }], 'sovereign.organizations[0].environments[0].applications[0].blueprint: bp-web needs bp-db (as database): add an Application of it to Environment acme-prod or install it in the Sovereign'],
    [[{ name: 'acme', environments: [{ type: 'prod', applications: [app('db', Db), app('db', Db)] }] }], 'sovereign.organizations[0].environments[0].applications[1].name: duplicate Application "db"'],
    [[{ name: 'acme', environments: [{ type: 'prod', applications: [app('db', Db, { values: { replicas: 99 } })] }] }], 'sovereign.organizations[0].environments[0].applications[0].values.replicas: expected integer to be less or equal to 5'],
    [[{ name: 'acme', environments: [{ type: 'prod', applications: [app('s', StaticSite, { placement: { mode: 'active-hotstandby' } })] }] }], 'sovereign.organizations[0].environments[0].applications[0].placement.mode: bp-static-site does not support placement "active-hotstandby"; allowed: single-region, active-active'],
    [[{ name: 'acme', environments: [{ type: 'prod', applications: [app('s', StaticSite, { placement: { mode: 'active-active', regions: ['fsn1', 'nbg1', 'hel1'] } })] }] }], 'placement.regions: bp-static-site allows at most 2 regions (got 3)'],
    [[{ name: 'acme', environments: [{ type: 'prod', applications: [app('Bad_Name', Db)] }] }], 'applications[0].name: must be a DNS label'],
  ])('bad tenant input %# is rejected with its path', (orgs, message) => {
    expect(() => sovereign(orgs)).toThrow(CatalystError);
    expect(() => sovereign(orgs)).toThrow(message);
  });
});

describe('Applications using an operator the Sovereign installs', () => {
  /** A platform Blueprint that installs the CRDs of `db.example.test/v1`. */
  class Operator extends Blueprint<ReturnType<typeof strictObject>> {
    public static readonly spec = blueprintSpec({
      name: 'db-operator',
      version: '1.0.0',
      section: 'pts-test',
      card: { title: 'o', summary: 'o' },
      upstream: [],
      namespace: 'db-operator',
      values: strictObject({}),
      defaults: {},
      providesApis: ['db.example.test/v1'],
    });
  }
  class WithDb extends Blueprint<ReturnType<typeof strictObject>> {
    public static readonly spec = blueprintSpec({
      name: 'with-db',
      version: '1.0.0',
      section: 'pts-test',
      card: { title: 'w', summary: 'w' },
      upstream: [],
      namespace: 'with-db',
      depends: [Operator],
      values: strictObject({}),
      defaults: {},
    });
    protected overlays(scope: Chart): void {
      new ApiObject(scope, 'db', { apiVersion: 'db.example.test/v1', kind: 'Policy', metadata: { name: 'db' }, spec: {} });
    }
  }

  test('the CR goes into the vcluster and the vcluster syncs that resource to the host operator', () => {
    const sov = new Sovereign({
      fqdn: FQDN,
      org,
      includeKit: false,
      gitops: { url: 'https://git.example.test/p.git' },
      blueprints: [use(Operator)],
      organizations: [{ name: 'acme', environments: [{ type: 'prod', applications: [app('shop', WithDb)] }] }],
    });
    const r = synthesize(sov);
    const vc = objectsOf(r, `${dir}/tenants/acme/org.yaml`).find((o) => o.kind === 'HelmRelease') as any;
    expect(vc.spec.values.sync.toHost.customResources).toEqual({ 'policies.db.example.test': { enabled: true } });
    expect(objectsOf(r, `${dir}/tenants/acme/prod/workloads/workloads.yaml`).map(objectId)).toContain('Policy/shop-prod/db');
  });

  test('without the operator in the Sovereign it is a clear error', () => {
    expect(() => new Sovereign({
      fqdn: FQDN,
      org,
      includeKit: false,
      organizations: [{ name: 'acme', environments: [{ type: 'prod', applications: [app('shop', WithDb)] }] }],
    })).toThrow('bp-with-db needs bp-db-operator: add an Application of it to Environment acme-prod or install it in the Sovereign');
  });
});
