/**
 * Values that violate a Blueprint's configSchema: wrong types, out-of-range numbers, values
 * outside an enum, unknown keys (typos), and raw Helm values for a chart the Blueprint does not
 * install — for user Blueprints and for kit entries.
 */
import { BadInputCase, badInputSuite, FQDN, ORG } from './harness';
import { KitOptions, Sovereign, use } from '../../src/sovereign';
import { fakeBlueprint } from '../support/fake-blueprints';

const Fake = fakeBlueprint('fake');
const fake = (values: unknown, extra: object = {}) => () =>
  new Sovereign({ fqdn: FQDN, org: ORG, includeKit: false, blueprints: [use(Fake, { values: values as never, ...extra })] });
const kit = (k: unknown) => () => new Sovereign({ fqdn: FQDN, org: ORG, kit: k as KitOptions });

export const cases: BadInputCase[] = [
  { name: 'an integer below its minimum', make: fake({ replicas: 0 }), issues: [{ path: 'sovereign.blueprints[0].values.replicas', message: /expected integer to be greater or equal to 1 \(got 0\)/ }] },
  { name: 'an integer above its maximum', make: fake({ replicas: 6 }), issues: [{ path: 'sovereign.blueprints[0].values.replicas', message: /expected integer to be less or equal to 5 \(got 6\)/ }] },
  { name: 'a string where an integer belongs', make: fake({ replicas: 'two' }), issues: [{ path: 'sovereign.blueprints[0].values.replicas', message: /expected integer \(got "two"\)/ }] },
  { name: 'a fraction where an integer belongs', make: fake({ replicas: 1.5 }), issues: [{ path: 'sovereign.blueprints[0].values.replicas', message: /expected integer \(got 1\.5\)/ }] },
  { name: 'a value outside the allowed set', make: fake({ mode: 'c' }), issues: [{ path: 'sovereign.blueprints[0].values.mode', message: /^expected union value \(got "c"\); allowed: one of "a", "b"$/ }] },
  { name: 'an unknown key (a typo)', make: fake({ replica: 2 }), issues: [{ path: 'sovereign.blueprints[0].values.replica', message: /^unknown key; allowed keys here: replicas, mode$/ }] },
  {
    name: 'several problems at once, each with its own path',
    make: fake({ replicas: 0, mode: 'z', extra: true }),
    issues: [
      { path: 'sovereign.blueprints[0].values.replicas', message: /greater or equal to 1/ },
      { path: 'sovereign.blueprints[0].values.mode', message: /\(got "z"\)/ },
      { path: 'sovereign.blueprints[0].values.extra', message: /^unknown key; allowed keys here: replicas, mode$/ },
    ],
  },
  { name: 'raw Helm values for a chart the Blueprint does not install', make: fake({}, { helmValues: { 'other-chart': { a: 1 } } }), issues: [{ path: 'sovereign.blueprints[0].helmValues.other-chart', message: /^no upstream chart named "other-chart"; this Blueprint installs fake-chart$/ }] },
  { name: 'kit: an unknown nested key', make: kit({ cilium: { values: { hubble: { relayy: true } } } }), issues: [{ path: 'sovereign.kit.cilium.values.hubble.relayy', message: /^unknown key; allowed keys here: / }] },
  { name: 'kit: a string where a boolean belongs', make: kit({ cilium: { values: { hubble: { relay: 'yes' } } } }), issues: [{ path: 'sovereign.kit.cilium.values.hubble.relay', message: /expected boolean \(got "yes"\)/ }] },
  { name: 'kit: an ACME server that is not https', make: kit({ certManager: { values: { issuers: { acmeServer: 'http://acme.test/directory' } } } }), issues: [{ path: 'sovereign.kit.certManager.values.issuers.acmeServer', message: /\(got "http:\/\/acme\.test\/directory"\)/ }] },
  { name: 'kit: an invalid ACME e-mail', make: kit({ certManager: { values: { issuers: { email: 'not-an-email' } } } }), issues: [{ path: 'sovereign.kit.certManager.values.issuers.email', message: /\(got "not-an-email"\)/ }] },
  { name: 'kit: an unknown top-level values key', make: kit({ certManager: { values: { replicaCount: 2 } } }), issues: [{ path: 'sovereign.kit.certManager.values.replicaCount', message: /^unknown key; allowed keys here: .*crds/ }] },
  { name: 'kit: raw Helm values for the wrong chart', make: kit({ cilium: { helmValues: { 'cilium-agent': {} } } }), issues: [{ path: 'sovereign.kit.cilium.helmValues.cilium-agent', message: /no upstream chart named "cilium-agent"; this Blueprint installs cilium/ }] },
];

badInputSuite('values against a Blueprint\'s configSchema', cases);
