/**
 * Bad Organizations, Environments and Applications (slugs, duplicates, quotas, dependencies)
 * and bad placement of Applications.
 */
import { Type } from '@sinclair/typebox';
import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { BadInputCase, badInputSuite, FQDN, ORG } from './harness';
import { Blueprint, blueprintSpec } from '../../src/blueprint';
import { Sovereign } from '../../src/sovereign';
import { app } from '../../src/tenants';
import { strictObject } from '../../src/values';
import { fakeBlueprint } from '../support/fake-blueprints';

const Db = fakeBlueprint('db');
const Web = fakeBlueprint('web', '1.0.0', [{ blueprint: Db, version: '^1', alias: 'database' }]);

const SiteValues = strictObject({ message: Type.String({ minLength: 1 }) });
/** Supports single-region and active-active, in at most two regions. */
class Site extends Blueprint<typeof SiteValues> {
  public static readonly spec = blueprintSpec({
    name: 'site',
    version: '1.0.0',
    section: 'pts-test',
    card: { title: 's', summary: 's' },
    upstream: [],
    namespace: 'site',
    values: SiteValues,
    defaults: { message: 'hi' },
    placement: { modes: ['single-region', 'active-active'], default: 'single-region', maxRegions: 2 },
  });
  protected overlays(scope: Chart): void {
    new k8s.KubeConfigMap(scope, 'page', { metadata: { name: 'page' }, data: { index: this.values.message } });
  }
}
/** Active-active only, in at least two regions. */
class Replicated extends Blueprint<typeof SiteValues> {
  public static readonly spec = blueprintSpec({
    name: 'replicated',
    version: '1.0.0',
    section: 'pts-test',
    card: { title: 'r', summary: 'r' },
    upstream: [],
    namespace: 'replicated',
    values: SiteValues,
    defaults: { message: 'hi' },
    placement: { modes: ['active-active'], default: 'active-active', minRegions: 2 },
  });
}

const orgs = (organizations: unknown) => () =>
  new Sovereign({ fqdn: FQDN, org: ORG, includeKit: false, gitops: { url: 'https://git.acme.test/p.git' }, organizations: organizations as never });
const SLUG = /must match \^\[a-z\]\[a-z0-9-\]\{2,31\}\$ \(3-32 lowercase letters, digits or '-', starting with a letter\) \(got /;
const slug = (name: string, value: unknown): BadInputCase => ({ name: `organization slug ${name}`, make: orgs([{ name: value }]), issues: [{ path: 'sovereign.organizations[0].name', message: SLUG }] });
const appName = (name: string, value: unknown): BadInputCase => ({
  name: `application name ${name}`,
  make: orgs([{ name: 'acme', environments: [{ type: 'dev', applications: [{ name: value, blueprint: Db }] }] }]),
  issues: [{ path: 'sovereign.organizations[0].environments[0].applications[0].name', message: /must be a DNS label of at most 40 characters \(got / }],
});

export const cases: BadInputCase[] = [
  slug('too short', 'ab'),
  slug('uppercase', 'Acme'),
  slug('with an underscore', 'acme_corp'),
  slug('starting with a digit', '1acme'),
  slug('of 33 characters', `a${'b'.repeat(32)}`),
  slug('empty', ''),
  slug('a number', 12345),
  { name: 'organization slug reserved (kube-*)', make: orgs([{ name: 'kube-acme' }]), issues: [{ path: 'sovereign.organizations[0].name', message: /is reserved: kube-\* names belong to Kubernetes/ }] },
  { name: 'organization slug reserved (platform name)', make: orgs([{ name: 'catalyst' }]), issues: [{ path: 'sovereign.organizations[0].name', message: /is reserved: it is a platform name or a provider\/region\/building-block\/env-type code/ }] },
  { name: 'organization slug reserved (region code)', make: orgs([{ name: 'fsn' }]), issues: [{ path: 'sovereign.organizations[0].name', message: /is reserved/ }] },
  appName('uppercase', 'Chat'),
  appName('of 41 characters', `a${'b'.repeat(40)}`),
  appName('starting with a dash', '-chat'),
  appName('missing', undefined),
  { name: 'organizations not a list', make: orgs({ acme: {} }), issues: [{ path: 'sovereign.organizations', message: /must be a list of organizations \(got / }] },
  { name: 'organization not an object', make: orgs(['acme']), issues: [{ path: 'sovereign.organizations[0]', message: /must be an object with at least a name \(got "acme"\)/ }] },
  { name: 'duplicate Organization', make: orgs([{ name: 'acme' }, { name: 'globex' }, { name: 'acme' }]), issues: [{ path: 'sovereign.organizations[2].name', message: /duplicate Organization "acme": also declared at sovereign\.organizations\[0\]/ }] },
  { name: 'unknown Environment type', make: orgs([{ name: 'acme', environments: [{ type: 'qa' }] }]), issues: [{ path: 'sovereign.organizations[0].environments[0].type', message: /must be one of prod, stg, uat, dev, poc \(got "qa"\)/ }] },
  { name: 'duplicate Environment', make: orgs([{ name: 'acme', environments: [{ type: 'dev' }, { type: 'dev' }] }]), issues: [{ path: 'sovereign.organizations[0].environments[1].type', message: /duplicate Environment acme-dev in Organization acme/ }] },
  {
    name: 'duplicate Application',
    make: orgs([{ name: 'acme', environments: [{ type: 'dev', applications: [app('db', Db), app('db', Db)] }] }]),
    issues: [{ path: 'sovereign.organizations[0].environments[0].applications[1].name', message: /duplicate Application "db" in Environment acme-dev: also at sovereign\.organizations\[0\]\.environments\[0\]\.applications\[0\]/ }],
  },
  {
    name: 'Application whose blueprint is not a class',
    make: orgs([{ name: 'acme', environments: [{ type: 'dev', applications: [{ name: 'db', blueprint: 'bp-db' }] }] }]),
    issues: [{ path: 'sovereign.organizations[0].environments[0].applications[0].blueprint', message: /must be a Blueprint class from the catalog \(got "bp-db"\)/ }],
  },
  {
    name: 'Application missing its dependency',
    make: orgs([{ name: 'acme', environments: [{ type: 'dev', applications: [app('web', Web)] }] }]),
    issues: [{ path: 'sovereign.organizations[0].environments[0].applications[0].blueprint', message: /bp-web needs bp-db \(as database\): add an Application of it to Environment acme-dev or install it in the Sovereign/ }],
  },
  {
    name: 'Application values that violate the schema',
    make: orgs([{ name: 'acme', environments: [{ type: 'dev', applications: [app('db', Db, { values: { replicas: 9 } })] }] }]),
    issues: [{ path: 'sovereign.organizations[0].environments[0].applications[0].values.replicas', message: /expected integer to be less or equal to 5 \(got 9\)|must be/i }],
  },
  { name: 'quota cpu not a quantity', make: orgs([{ name: 'acme', quota: { cpu: 'lots' } }]), issues: [{ path: 'sovereign.organizations[0].quota.cpu', message: /must be a Kubernetes quantity such as 8, 500m or 16Gi \(got "lots"\)/ }] },
  { name: 'quota memory negative', make: orgs([{ name: 'acme', quota: { memory: '-1Gi' } }]), issues: [{ path: 'sovereign.organizations[0].quota.memory', message: /must be a Kubernetes quantity/ }] },
  { name: 'quota pods zero', make: orgs([{ name: 'acme', quota: { pods: 0 } }]), issues: [{ path: 'sovereign.organizations[0].quota.pods', message: /must be an integer >= 1 \(got 0\)/ }] },
  {
    name: 'placement mode unknown',
    make: orgs([{ name: 'acme', environments: [{ type: 'prod', applications: [app('site', Site, { placement: { mode: 'multi-region' as never } })] }] }]),
    issues: [{ path: 'sovereign.organizations[0].environments[0].applications[0].placement.mode', message: /bp-site does not support placement "multi-region"; allowed: single-region, active-active/ }],
  },
  {
    name: 'placement mode the Blueprint does not support',
    make: orgs([{ name: 'acme', environments: [{ type: 'prod', applications: [app('site', Site, { placement: { mode: 'active-hotstandby' } })] }] }]),
    issues: [{ path: 'sovereign.organizations[0].environments[0].applications[0].placement.mode', message: /does not support placement "active-hotstandby"; allowed: single-region, active-active/ }],
  },
  {
    name: 'placement in more regions than allowed',
    make: orgs([{ name: 'acme', environments: [{ type: 'prod', applications: [app('site', Site, { placement: { mode: 'active-active', regions: ['fsn1', 'nbg1', 'hel1'] } })] }] }]),
    issues: [{ path: 'sovereign.organizations[0].environments[0].applications[0].placement.regions', message: /bp-site allows at most 2 regions \(got 3\)/ }],
  },
  {
    name: 'placement in fewer regions than needed',
    make: orgs([{ name: 'acme', environments: [{ type: 'prod', applications: [app('rep', Replicated, { placement: { mode: 'active-active', regions: ['fsn1'] } })] }] }]),
    issues: [{ path: 'sovereign.organizations[0].environments[0].applications[0].placement.regions', message: /bp-replicated needs at least 2 regions \(got 1\)/ }],
  },
  {
    name: 'placement of a Blueprint without a placement schema',
    make: orgs([{ name: 'acme', environments: [{ type: 'prod', applications: [app('db', Db, { placement: { mode: 'active-active' } })] }] }]),
    issues: [{ path: 'sovereign.organizations[0].environments[0].applications[0].placement.mode', message: /bp-db does not support placement "active-active"; allowed: single-region/ }],
  },
];

badInputSuite('Organizations, Environments, Applications, placement', cases);
