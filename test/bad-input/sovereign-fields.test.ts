/**
 * Bad input in the Sovereign's own fields: FQDN, owner e-mail, organization name, modes, GitOps
 * and distribution settings. Each message names the field, what was wrong and what is allowed.
 */
import { BadInputCase, badInputSuite, FQDN, ORG } from './harness';
import { Sovereign, SovereignProps, use } from '../../src/sovereign';
import { fakeBlueprint } from '../support/fake-blueprints';

const Good = fakeBlueprint('good');
const sov = (props: Partial<Record<keyof SovereignProps, unknown>>) => () =>
  new Sovereign({ fqdn: FQDN, org: ORG, includeKit: false, blueprints: [use(Good)], ...props } as SovereignProps);

const FQDN_MSG = /must be a lowercase fully-qualified domain name with at least two labels.*e\.g\. omantel\.omani\.works \(got /;
const fqdn = (name: string, value: unknown): BadInputCase => ({ name: `fqdn ${name}`, make: sov({ fqdn: value }), issues: [{ path: 'sovereign.fqdn', message: FQDN_MSG }] });

export const cases: BadInputCase[] = [
  fqdn('empty', ''),
  fqdn('uppercase', 'Omantel.Omani.Works'),
  fqdn('a single label', 'localhost'),
  fqdn('a label starting with a digit', '1acme.example.com'),
  fqdn('a label starting with a dash', '-acme.example.com'),
  fqdn('a label ending with a dash', 'acme-.example.com'),
  fqdn('an empty label', 'acme..example.com'),
  fqdn('a trailing dot', 'acme.example.com.'),
  fqdn('an underscore', 'ac_me.example.com'),
  fqdn('a space', 'ac me.example.com'),
  fqdn('a label of 64 characters', `${'a'.repeat(64)}.example.com`),
  fqdn('more than 253 characters', Array.from({ length: 9 }, () => 'a'.repeat(30)).join('.')),
  fqdn('a number', 42),
  fqdn('missing', undefined),
  fqdn('a URL', 'https://acme.example.com'),
  { name: 'e-mail without a domain', make: sov({ org: { name: 'Acme', email: 'ops' } }), issues: [{ path: 'sovereign.org.email', message: /must be an e-mail address such as ops@example\.com \(got "ops"\)/ }] },
  { name: 'e-mail without a user', make: sov({ org: { name: 'Acme', email: '@acme.test' } }), issues: [{ path: 'sovereign.org.email', message: /must be an e-mail address/ }] },
  { name: 'e-mail with a space', make: sov({ org: { name: 'Acme', email: 'o ps@acme.test' } }), issues: [{ path: 'sovereign.org.email', message: /must be an e-mail address/ }] },
  { name: 'e-mail without a TLD', make: sov({ org: { name: 'Acme', email: 'ops@acme' } }), issues: [{ path: 'sovereign.org.email', message: /must be an e-mail address/ }] },
  { name: 'e-mail that is a number', make: sov({ org: { name: 'Acme', email: 7 } }), issues: [{ path: 'sovereign.org.email', message: /must be an e-mail address.*\(got 7\)/ }] },
  { name: 'org missing', make: sov({ org: undefined }), issues: [{ path: 'sovereign.org', message: /is required: give \{ name, email \}/ }] },
  { name: 'org name empty', make: sov({ org: { name: '  ', email: 'ops@acme.test' } }), issues: [{ path: 'sovereign.org.name', message: /must be a non-empty string/ }] },
  {
    name: 'every field wrong at once: all issues reported together',
    make: sov({ fqdn: 'x', org: { name: '', email: 'nope' }, fqdnMode: 'sometimes' }),
    issues: [
      { path: 'sovereign.fqdn', message: FQDN_MSG },
      { path: 'sovereign.org.name', message: /must be a non-empty string/ },
      { path: 'sovereign.org.email', message: /must be an e-mail address/ },
      { path: 'sovereign.fqdnMode', message: /must be 'substitute' or 'literal' \(got "sometimes"\)/ },
    ],
  },
  { name: 'props that are not an object', make: () => new Sovereign(null as unknown as SovereignProps), issues: [{ path: 'sovereign', message: /props must be an object with at least fqdn and org \(got null\)/ }] },
  { name: 'fqdnMode unknown', make: sov({ fqdnMode: 'template' }), issues: [{ path: 'sovereign.fqdnMode', message: /must be 'substitute' or 'literal' \(got "template"\)/ }] },
  { name: 'distribution mode unknown', make: sov({ distribution: { mode: 'git' } }), issues: [{ path: 'sovereign.distribution.mode', message: /must be 'upstream' or 'oci' \(got "git"\)/ }] },
  { name: 'oci registry that is not oci://', make: sov({ distribution: { mode: 'oci', registry: 'https://ghcr.io/acme' } }), issues: [{ path: 'sovereign.distribution.registry', message: /must be an oci:\/\/ registry path without a trailing '\/', e\.g\. oci:\/\/ghcr\.io\/openova-io/ }] },
  { name: 'oci registry with a trailing slash', make: sov({ distribution: { mode: 'oci', registry: 'oci://ghcr.io/acme/' } }), issues: [{ path: 'sovereign.distribution.registry', message: /without a trailing '\/'/ }] },
  { name: 'gitops url that is not a Git URL', make: sov({ gitops: { url: 'ftp://git.acme.test/repo.git' } }), issues: [{ path: 'sovereign.gitops.url', message: /must be an https:\/\/, ssh:\/\/ or git@ Git URL \(got "ftp:/ }] },
  { name: 'gitops path escaping the repository', make: sov({ gitops: { url: 'https://git.acme.test/r.git', path: '../other' } }), issues: [{ path: 'sovereign.gitops.path', message: /must be a relative path inside the repository/ }] },
  { name: 'gitops path that is absolute', make: sov({ gitops: { url: 'https://git.acme.test/r.git', path: '/clusters/x' } }), issues: [{ path: 'sovereign.gitops.path', message: /must be a relative path inside the repository/ }] },
];

badInputSuite('Sovereign fields (FQDN, e-mail, org, modes, GitOps, distribution)', cases);
