/**
 * Bad objects in the output: two objects with one kind/namespace/name, kinds whose CRD nobody
 * installs (or a Blueprint installs without being depended on), substitutions Flux cannot fill,
 * and a secret that would be written into the repository.
 */
import { Chart, ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { BadInputCase, badInputSuite, FQDN, ORG } from './harness';
import { BlueprintClass } from '../../src/blueprint';
import { Sovereign, use } from '../../src/sovereign';
import { app } from '../../src/tenants';
import { manifestBlueprint } from '../support/fake-blueprints';

const manifests = manifestBlueprint;

const configMap = (cmName: string, data: Record<string, string> = { a: 'b' }) => (scope: Chart) => {
  new k8s.KubeConfigMap(scope, cmName, { metadata: { name: cmName }, data });
};
const widget = (scope: Chart) => {
  new ApiObject(scope, 'widget', { apiVersion: 'widgets.example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
};
const WidgetOperator = manifests('widget-operator', () => undefined, { providesApis: ['widgets.example.com/v1'] });

const sov = (...bps: BlueprintClass[]) => () => new Sovereign({ fqdn: FQDN, org: ORG, includeKit: false, blueprints: bps.map((b) => use(b)) });

export const cases: BadInputCase[] = [
  {
    name: 'two Blueprints emit the same ConfigMap in one namespace',
    make: sov(manifests('first', configMap('shared'), { namespace: 'shared-ns' }), manifests('second', configMap('shared'), { namespace: 'shared-ns' })),
    issues: [{ path: 'sovereign.blueprints.second', message: /^ConfigMap shared-ns\/shared is emitted twice \(by bp-first in bootstrap-kit\/first\.yaml and by bp-second in bootstrap-kit\/second\.yaml\); rename one$/ }],
  },
  {
    name: 'one Blueprint emits the same object twice',
    make: sov(manifests('twice', (s) => {
      new k8s.KubeConfigMap(s, 'one', { metadata: { name: 'cfg' } });
      new k8s.KubeConfigMap(s, 'two', { metadata: { name: 'cfg' } });
    })),
    issues: [{ path: 'sovereign.blueprints.twice', message: /ConfigMap twice\/cfg is emitted twice .*; rename one/ }],
  },
  {
    name: 'an overlay clashes with the namespace default-deny policy',
    make: sov(manifests('clash', (s) => {
      new k8s.KubeNetworkPolicy(s, 'np', { metadata: { name: 'deny-all' }, spec: { podSelector: {} } });
    })),
    issues: [{ path: 'sovereign.blueprints.clash', message: /NetworkPolicy clash\/deny-all is emitted twice .*; rename one/ }],
  },
  {
    name: 'two Blueprints emit the same cluster-scoped object',
    make: sov(
      manifests('role-a', (s) => new k8s.KubeClusterRole(s, 'r', { metadata: { name: 'reader' } })),
      manifests('role-b', (s) => new k8s.KubeClusterRole(s, 'r', { metadata: { name: 'reader' } })),
    ),
    issues: [{ path: 'sovereign.blueprints.role-b', message: /ClusterRole reader is emitted twice/ }],
  },
  {
    name: 'a kind whose CRD nobody installs',
    make: sov(manifests('uses-widget', widget)),
    issues: [{ path: 'sovereign.blueprints[0]', message: /^Widget w needs widgets\.example\.com\/v1, and no Blueprint in this Sovereign installs that API; add the Blueprint that provides it$/ }],
  },
  {
    name: 'a kind whose CRD a Blueprint installs, but not one it depends on',
    make: sov(WidgetOperator, manifests('uses-widget', widget)),
    issues: [{ path: 'sovereign.blueprints[1]', message: /^Widget w needs widgets\.example\.com\/v1, which bp-widget-operator installs, but bp-uses-widget does not depend on it; add it to depends$/ }],
  },
  {
    name: 'an Application with a kind no Blueprint installs',
    make: () => new Sovereign({
      fqdn: FQDN,
      org: ORG,
      includeKit: false,
      organizations: [{ name: 'acme', environments: [{ type: 'dev', applications: [app('w', manifests('uses-widget', widget))] }] }],
    }),
    issues: [{ path: 'sovereign.organizations[0].environments[0].applications[0]', message: /Widget w needs widgets\.example\.com\/v1.*(add the Blueprint that provides it|mark it optional)/ }],
  },
  {
    name: 'a ${VAR} Flux will not substitute',
    make: sov(manifests('templated', configMap('cfg', { url: 'https://${CLUSTER_DOMAIN}/x' }))),
    issues: [{ path: 'sovereign', message: /contains the substitution \$\{CLUSTER_DOMAIN\}, but the only variable Flux substitutes is \$\{SOVEREIGN_FQDN\}; write a literal '\$' as '\$\$' or use the typed FQDN token/ }],
  },
  {
    name: 'the upstream FQDN placeholder',
    make: sov(manifests('placeholder', configMap('cfg', { host: 'api.SOVEREIGN_FQDN_PLACEHOLDER' }))),
    issues: [{ path: 'sovereign', message: /contains SOVEREIGN_FQDN_PLACEHOLDER; use the typed FQDN token/ }],
  },
  {
    name: 'a private key that would be written into the repository',
    make: sov(manifests('leaks-key', configMap('cfg', { key: ['-----BEGIN ', 'OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----'].join('') }))),
    issues: [{ path: 'sovereign.blueprints[0]', message: /^flux\/clusters\/bad\.sovereign\.test\/bootstrap-kit\/leaks-key\.yaml line \d+ contains what looks like a PEM private key \(----…\); secrets must never be written into the output/ }],
    exactly: false,
  },
  // Values YAML cannot hold are the program's mistake, not an internal error (exit 1, not 70).
  {
    name: 'a bigint in an overlay object',
    make: sov(manifests('big', (s) => new ApiObject(s, 'cfg', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { n: 10n } }))),
    issues: [{ path: 'sovereign.blueprints[0]', message: /^flux\/clusters\/bad\.sovereign\.test\/bootstrap-kit\/big\.yaml: ConfigMap big\/cfg at data\.n is a bigint, which YAML cannot hold; only strings, finite numbers, booleans, null, lists and plain objects can be written$/ }],
  },
  {
    name: 'NaN in a list of an overlay object, in the second Blueprint',
    make: sov(manifests('fine', configMap('ok')), manifests('nan', (s) => new ApiObject(s, 'w', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w' }, data: { ratios: [1, Number.NaN] } }))),
    issues: [{ path: 'sovereign.blueprints[1]', message: /bootstrap-kit\/nan\.yaml: ConfigMap nan\/w at data\.ratios\[1\] is NaN, which YAML cannot hold/ }],
  },
  {
    name: 'a symbol in an overlay object',
    make: sov(manifests('sym', (s) => new ApiObject(s, 'w', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w', labels: { tier: Symbol('web') as unknown as string } } }))),
    issues: [{ path: 'sovereign.blueprints[0]', message: /ConfigMap sym\/w at metadata\.labels\.tier is a symbol, which YAML cannot hold/ }],
  },
  {
    name: 'a bigint in an Application of an Organization',
    make: () => new Sovereign({
      fqdn: FQDN,
      org: ORG,
      includeKit: false,
      organizations: [{ name: 'acme', environments: [{ type: 'dev', applications: [app('w', manifests('big-app', (s) => new ApiObject(s, 'cfg', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { n: 1n } })))] }] }],
    }),
    issues: [{ path: /^sovereign\.organizations\[0\]/, message: /ConfigMap [\w-]+\/cfg at data\.n is a bigint, which YAML cannot hold/ }],
  },
];

badInputSuite('objects in the output', cases);
