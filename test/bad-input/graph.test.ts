/**
 * Bad dependency graphs: cycles (the message shows the cycle), missing and disabled
 * dependencies, unsatisfied version ranges, duplicate Blueprints, unknown kit entries.
 */
import { BadInputCase, badInputSuite, FQDN, ORG } from './harness';
import { Cilium } from '../../blueprints/cilium';
import { BlueprintClass } from '../../src/blueprint';
import { KitOptions, Sovereign, SovereignProps, use } from '../../src/sovereign';
import { fakeBlueprint } from '../support/fake-blueprints';

const Db = fakeBlueprint('db');
const Web = fakeBlueprint('web', '1.0.0', [Db]);

const A: BlueprintClass = fakeBlueprint('aa', '1.0.0', [() => B]);
const B: BlueprintClass = fakeBlueprint('bb', '1.0.0', [() => A]);
const X: BlueprintClass = fakeBlueprint('xx', '1.0.0', [() => Y]);
const Y: BlueprintClass = fakeBlueprint('yy', '1.0.0', [() => Z]);
const Z: BlueprintClass = fakeBlueprint('zz', '1.0.0', [() => X]);
const Self: BlueprintClass = fakeBlueprint('self', '1.0.0', [() => Self]);

const bps = (...blueprints: unknown[]) => () => new Sovereign({ fqdn: FQDN, org: ORG, includeKit: false, blueprints: blueprints as never });
const kit = (k: unknown, extra: Partial<SovereignProps> = {}) => () => new Sovereign({ fqdn: FQDN, org: ORG, kit: k as KitOptions, ...extra });

export const cases: BadInputCase[] = [
  {
    name: 'a two-Blueprint cycle',
    make: bps(use(A), use(B)),
    issues: [{ path: 'sovereign.blueprints[0].depends', message: /^dependency cycle: bp-aa → bp-bb → bp-aa; remove one of these dependencies$/ }],
  },
  {
    name: 'a three-Blueprint cycle',
    make: bps(use(X), use(Y), use(Z)),
    issues: [{ path: /^sovereign\.blueprints\[\d\]\.depends$/, message: /^dependency cycle: bp-(xx|yy|zz) → bp-(xx|yy|zz) → bp-(xx|yy|zz) → bp-\1; remove one of these dependencies$/ }],
  },
  {
    name: 'a Blueprint depending on itself',
    make: bps(use(Self)),
    issues: [{ path: 'sovereign.blueprints[0].depends', message: /^dependency cycle: bp-self → bp-self; remove one of these dependencies$/ }],
  },
  {
    name: 'a missing dependency',
    make: bps(use(Web)),
    issues: [{ path: 'sovereign.blueprints[0].depends', message: /^bp-web depends on bp-db, which this Sovereign does not install; add bp-db to the Sovereign's blueprints$/ }],
  },
  {
    name: 'a disabled dependency (kit entry false)',
    make: kit({ certManager: false }),
    issues: [{ path: 'sovereign.kit.flux.depends', message: /^bp-flux depends on bp-cert-manager, which is disabled; enable bp-cert-manager or disable bp-flux too$/ }],
    exactly: false,
  },
  {
    name: 'a disabled dependency (enabled: false)',
    make: kit({ spire: { enabled: false } }),
    issues: [{ path: 'sovereign.kit.natsJetstream.depends', message: /bp-nats-jetstream depends on bp-spire, which is disabled; enable bp-spire or disable bp-nats-jetstream too/ }],
    exactly: false,
  },
  {
    name: 'a dependency version range the installed version does not satisfy',
    make: bps(use(fakeBlueprint('old', '1.4.0')), use(fakeBlueprint('needs-new', '1.0.0', [{ blueprint: fakeBlueprint('old', '1.4.0'), version: '^2.0.0' }]))),
    issues: [{ path: 'sovereign.blueprints[1].depends', message: /^bp-needs-new needs bp-old \^2\.0\.0, but the Sovereign installs bp-old 1\.4\.0; use a version that satisfies \^2\.0\.0$/ }],
  },
  {
    name: 'a dependency version range below the installed version',
    make: bps(use(fakeBlueprint('lib', '3.1.0')), use(fakeBlueprint('app', '1.0.0', [{ blueprint: fakeBlueprint('lib', '3.1.0'), version: '<3' }]))),
    issues: [{ path: 'sovereign.blueprints[1].depends', message: /needs bp-lib <3, but the Sovereign installs bp-lib 3\.1\.0; use a version that satisfies <3/ }],
  },
  {
    name: 'a dependency version range that is not a range',
    make: bps(use(fakeBlueprint('lib', '3.1.0')), use(fakeBlueprint('app', '1.0.0', [{ blueprint: fakeBlueprint('lib', '3.1.0'), version: 'newest' }]))),
    issues: [{ path: 'sovereign.blueprints[1].depends', message: /needs bp-lib newest, but the Sovereign installs bp-lib 3\.1\.0; use a version that satisfies newest/ }],
  },
  {
    name: 'the same Blueprint twice',
    make: bps(use(Db), use(Db)),
    issues: [{ path: 'sovereign.blueprints[1]', message: /^duplicate Blueprint name bp-db: also declared at sovereign\.blueprints\[0\]; each Blueprint may be installed once per Sovereign$/ }],
  },
  {
    name: 'a kit Blueprint added again by the user',
    make: kit({}, { blueprints: [use(Cilium)] }),
    issues: [{ path: /^sovereign\.blueprints\[0\]$/, message: /duplicate Blueprint name bp-cilium: also declared at sovereign\.kit\.cilium/ }],
  },
  {
    name: 'two different classes with one name',
    make: bps(use(fakeBlueprint('twin')), use(fakeBlueprint('twin', '2.0.0'))),
    issues: [{ path: 'sovereign.blueprints[1]', message: /duplicate Blueprint name bp-twin: also declared at sovereign\.blueprints\[0\]/ }],
  },
  {
    name: 'an unknown kit entry',
    make: kit({ certManger: false }),
    issues: [{ path: 'sovereign.kit.certManger', message: /^unknown kit entry; allowed: cilium, certManager, / }],
  },
  {
    name: 'kit options that are not an object',
    make: kit('all'),
    issues: [{ path: 'sovereign.kit', message: /must be an object keyed by kit entry \(got "all"\)/ }],
  },
  {
    name: 'a user Blueprint that is not a class',
    make: bps({ blueprint: 'bp-db' }),
    issues: [{ path: 'sovereign.blueprints[0].blueprint', message: /must be a Blueprint class with a static spec \(got "bp-db"\)/ }],
  },
  {
    name: 'a user Blueprint entry that is null',
    make: bps(null),
    issues: [{ path: 'sovereign.blueprints[0].blueprint', message: /must be a Blueprint class with a static spec/ }],
  },
];

badInputSuite('dependency graph', cases);
