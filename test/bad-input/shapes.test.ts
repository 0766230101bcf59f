/**
 * Props of the wrong shape (what the mutation property test found): a field that should be an
 * object or a list given as null, a string or a number, and raw values that cannot be written
 * as YAML. Each must be one clear, path-bearing error — not a TypeError from deep inside.
 * Needs the validation in /tmp/h8/patches/{sovereign,tenants,blueprint}.ts.patch (issue 8).
 */
import { BadInputCase, badInputSuite, FQDN, ORG } from './harness';
import { Sovereign, SovereignProps, use } from '../../src/sovereign';
import { fakeBlueprint } from '../support/fake-blueprints';

const Good = fakeBlueprint('good');
const sov = (props: Partial<Record<keyof SovereignProps, unknown>>) => () =>
  new Sovereign({ fqdn: FQDN, org: ORG, includeKit: false, blueprints: [use(Good)], ...props } as SovereignProps);
const good = (options: object) => sov({ blueprints: [use(Good, options as never)] });
const envs = (environments: unknown) => sov({ organizations: [{ name: 'acme', environments }] });

export const cases: BadInputCase[] = [
  { name: 'gitops null', make: sov({ gitops: null }), issues: [{ path: 'sovereign.gitops', message: /^must be an object \(got null\); leave it out for the default$/ }] },
  { name: 'gitops branch not a string', make: sov({ gitops: { url: 'https://git.acme.test/r.git', branch: 7 } }), issues: [{ path: 'sovereign.gitops.branch', message: /must be a Git branch name such as main \(got 7\)/ }] },
  { name: 'gitops path not a string', make: sov({ gitops: { url: 'https://git.acme.test/r.git', path: ['clusters'] } }), issues: [{ path: 'sovereign.gitops.path', message: /must be a relative path inside the repository/ }] },
  { name: 'distribution null', make: sov({ distribution: null }), issues: [{ path: 'sovereign.distribution', message: /^must be an object \(got null\)/ }] },
  { name: 'cloud a string', make: sov({ cloud: 'hetzner' }), issues: [{ path: 'sovereign.cloud', message: /^must be an object \(got "hetzner"\)/ }] },
  { name: 'blueprints not a list', make: sov({ blueprints: { good: Good } }), issues: [{ path: 'sovereign.blueprints', message: /must be a list of use\(Blueprint, \{\.\.\.\}\) entries/ }] },
  { name: 'environments not a list', make: envs({ dev: {} }), issues: [{ path: 'sovereign.organizations[0].environments', message: /must be a list of environments such as \[\{ type: 'dev' \}\]/ }] },
  { name: 'applications not a list', make: envs([{ type: 'dev', applications: 'db' }]), issues: [{ path: 'sovereign.organizations[0].environments[0].applications', message: /must be a list of app\(name, Blueprint, \{\.\.\.\}\) entries \(got "db"\)/ }] },
  { name: 'quota cpu a list', make: sov({ organizations: [{ name: 'acme', quota: { cpu: [1] } }] }), issues: [{ path: 'sovereign.organizations[0].quota.cpu', message: /must be a Kubernetes quantity such as 8, 500m or 16Gi/ }] },
  { name: 'install retries not a number', make: good({ install: { retries: Number.NaN } }), issues: [{ path: 'sovereign.blueprints[0].install.retries', message: /must be an integer >= 0 \(got null\)/ }] },
  { name: 'install interval not a duration', make: good({ install: { interval: 'hourly' } }), issues: [{ path: 'sovereign.blueprints[0].install.interval', message: /must be a Go duration such as 15m or 1h30m \(got "hourly"\)/ }] },
  { name: 'raw Helm values for a chart set to null', make: good({ helmValues: { 'good-chart': null } }), issues: [{ path: 'sovereign.blueprints[0].helmValues.good-chart', message: /must be an object of Helm values \(got null\)/ }] },
  { name: 'raw Helm values holding a function', make: good({ helmValues: { 'good-chart': { hook: () => 1 } } }), issues: [{ path: 'sovereign.blueprints[0].helmValues.good-chart.hook', message: /must be a string, number, boolean, null, list or object \(got a function\)/ }] },
  { name: 'raw Helm values holding NaN', make: good({ helmValues: { 'good-chart': { ratio: Number.NaN } } }), issues: [{ path: 'sovereign.blueprints[0].helmValues.good-chart.ratio', message: /must be a finite number/ }] },
];

badInputSuite('props of the wrong shape', cases);
