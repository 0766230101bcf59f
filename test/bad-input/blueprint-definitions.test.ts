/**
 * Bad Blueprint definitions (what a third-party Blueprint author writes): chart pins that are
 * not exact semver versions, bad chart names and repositories, bad Blueprint names, versions,
 * namespaces, defaults and placement. These fail when the class is defined, so the field path
 * names the chart or Blueprint (`helmChart("x").version`, `Blueprint "x".spec.version`); a user
 * program defining one fails to load, and the CLI reports it as invalid input.
 */
import { Type } from '@sinclair/typebox';
import { BadInputCase, badInputSuite, FQDN, ORG } from './harness';
import { Blueprint, BlueprintClass, blueprintSpec, BlueprintSpec, helmChart } from '../../src/blueprint';
import { Sovereign, use } from '../../src/sovereign';
import { strictObject } from '../../src/values';

const Values = strictObject({ replicas: Type.Integer({ minimum: 1 }) });
const SPEC: BlueprintSpec<typeof Values> = {
  name: 'widget',
  version: '1.0.0',
  section: 'pts-test',
  card: { title: 'w', summary: 'w' },
  upstream: [],
  namespace: 'widget',
  values: Values,
  defaults: { replicas: 1 },
};
/** Defines a Blueprint class with `spec` overrides, as a user module would at load time. */
const define = (overrides: Partial<Record<keyof BlueprintSpec, unknown>>) => () => {
  class W extends Blueprint<typeof Values> {
    public static readonly spec = blueprintSpec({ ...SPEC, ...overrides } as BlueprintSpec<typeof Values>);
  }
  return W;
};
const chart = (name: string, version: string, repo: string) => () => helmChart(name, version, repo);
/** A Sovereign installing `bp` with its defaults (no value overridden). */
const installed = (bp: () => BlueprintClass) => () => new Sovereign({ fqdn: FQDN, org: ORG, includeKit: false, blueprints: [use(bp())] });

const CHART = /^helmChart\(/;
const SPEC_ROOT = /^Blueprint "[^"]*"\.spec\./;

export const cases: BadInputCase[] = [
  { name: 'chart version latest', make: chart('nginx', 'latest', 'https://charts.example.test'), pathRoot: CHART, issues: [{ path: 'helmChart("nginx").version', message: /^must be an exact semver version such as 1\.16\.5 or v1\.16\.2, not a range \(got "latest"\)$/ }] },
  { name: 'chart version as a caret range', make: chart('nginx', '^1.2.0', 'https://charts.example.test'), pathRoot: CHART, issues: [{ path: 'helmChart("nginx").version', message: /not a range \(got "\^1\.2\.0"\)/ }] },
  { name: 'chart version as a wildcard', make: chart('nginx', '1.2.x', 'https://charts.example.test'), pathRoot: CHART, issues: [{ path: 'helmChart("nginx").version', message: /not a range \(got "1\.2\.x"\)/ }] },
  { name: 'chart version missing the patch', make: chart('nginx', '1.2', 'https://charts.example.test'), pathRoot: CHART, issues: [{ path: 'helmChart("nginx").version', message: /must be an exact semver version/ }] },
  { name: 'chart name with uppercase and underscore', make: chart('My_Chart', '1.0.0', 'https://charts.example.test'), pathRoot: CHART, issues: [{ path: 'helmChart("My_Chart").chart', message: /must be a chart name of lowercase letters, digits and '-'/ }] },
  { name: 'chart repository over plain http', make: chart('nginx', '1.0.0', 'http://charts.example.test'), pathRoot: CHART, issues: [{ path: 'helmChart("nginx").repository', message: /must start with https:\/\/ or oci:\/\/ and not end in '\/'/ }] },
  { name: 'chart repository with a trailing slash', make: chart('nginx', '1.0.0', 'https://charts.example.test/'), pathRoot: CHART, issues: [{ path: 'helmChart("nginx").repository', message: /not end in '\/'/ }] },
  { name: 'oci repository ending with the chart name', make: chart('nginx', '1.0.0', 'oci://ghcr.io/acme/nginx'), pathRoot: CHART, issues: [{ path: 'helmChart("nginx").repository', message: /an oci:\/\/ repository must not end with the chart name; give the registry path only/ }] },
  { name: 'Blueprint version with a v prefix', make: define({ version: 'v1.0.0' }), pathRoot: SPEC_ROOT, issues: [{ path: 'Blueprint "widget".spec.version', message: /^must be a semver version such as 1\.1\.1 \(got "v1\.0\.0"\)$/ }] },
  { name: 'Blueprint version that is not semver', make: define({ version: '1.0' }), pathRoot: SPEC_ROOT, issues: [{ path: 'Blueprint "widget".spec.version', message: /must be a semver version such as 1\.1\.1 \(got "1\.0"\)/ }] },
  { name: 'Blueprint name of one letter', make: define({ name: 'w' }), pathRoot: SPEC_ROOT, issues: [{ path: 'Blueprint "w".spec.name', message: /^must be 2-52 lowercase letters, digits or '-' starting with a letter \(got "w"\)$/ }] },
  { name: 'Blueprint name with uppercase', make: define({ name: 'Widget' }), pathRoot: SPEC_ROOT, issues: [{ path: 'Blueprint "Widget".spec.name', message: /must be 2-52 lowercase letters/ }] },
  { name: 'Blueprint namespace that is not a DNS label', make: define({ namespace: 'Widget_NS' }), pathRoot: SPEC_ROOT, issues: [{ path: 'Blueprint "widget".spec.namespace', message: /must be a DNS label \(got "Widget_NS"\)/ }] },
  { name: 'Blueprint defaults that violate its own schema', make: define({ defaults: { replicas: 0 } }), pathRoot: SPEC_ROOT, issues: [{ path: 'Blueprint "widget".spec.defaults.replicas', message: /greater or equal to 1 \(got 0\)/ }] },
  { name: 'Blueprint placement default outside its modes', make: define({ placement: { modes: ['single-region'], default: 'active-active' } }), pathRoot: SPEC_ROOT, issues: [{ path: 'Blueprint "widget".spec.placement.default', message: /^must be one of the declared modes single-region$/ }] },
  // Values that equal checked defaults are not checked again; these defaults were never checked, or changed since.
  {
    name: 'defaults that violate the schema, in a spec not made with blueprintSpec',
    make: installed(() => {
      class Raw extends Blueprint<typeof Values> {
        public static readonly spec: BlueprintSpec<typeof Values> = { ...SPEC, defaults: { replicas: 0 } };
      }
      return Raw;
    }),
    issues: [{ path: 'sovereign.blueprints[0].values.replicas', message: /greater or equal to 1 \(got 0\)/ }],
  },
  {
    name: 'defaults changed after blueprintSpec checked them',
    make: installed(() => {
      class Edited extends Blueprint<typeof Values> {
        public static readonly spec = blueprintSpec({ ...SPEC, defaults: { replicas: 1 } });
      }
      (Edited.spec.defaults as { replicas: number }).replicas = 0;
      return Edited;
    }),
    issues: [{ path: 'sovereign.blueprints[0].values.replicas', message: /greater or equal to 1 \(got 0\)/ }],
  },
];

badInputSuite('Blueprint definitions (chart pins, semver, names)', cases);
