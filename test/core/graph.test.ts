import { BlueprintClass } from '../../src/blueprint';
import { CatalystError } from '../../src/errors';
import { Sovereign, use } from '../../src/sovereign';
import { fakeBlueprint } from '../support/fake-blueprints';

const base = { fqdn: 'graph.sovereign.test', org: { name: 'Acme', email: 'ops@acme.test' }, includeKit: false } as const;

function errorOf(fn: () => unknown): CatalystError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CatalystError) return e;
    throw e;
  }
  throw new Error('expected a CatalystError');
}

describe('Blueprint graph', () => {
  test('orders by dependencies, then by slot, then by name', () => {
    const a = fakeBlueprint('alpha', '1.0.0', [], 3);
    const b = fakeBlueprint('bravo', '1.0.0', [() => a], 1);
    const c = fakeBlueprint('charlie', '1.0.0', [], 2);
    const d = fakeBlueprint('delta', '1.0.0', [() => b]);
    const e = fakeBlueprint('echo');
    const sov = new Sovereign({ ...base, blueprints: [use(e), use(d), use(c), use(b), use(a)] });
    // bravo has the lowest slot but must wait for alpha; unslotted ones come last by name.
    expect(sov.blueprints.map((x) => x.name)).toEqual(['charlie', 'alpha', 'bravo', 'delta', 'echo']);
    expect(sov.graph.dependenciesOf('delta').map((x) => x.name)).toEqual(['bravo']);
    expect(sov.graph.closureOf('delta').map((x) => x.name)).toEqual(['alpha', 'bravo']);
    expect(sov.graph.dependantsOf('alpha').map((x) => x.name)).toEqual(['bravo']);
  });

  test('a cycle is an error that shows the cycle path', () => {
    let x: BlueprintClass;
    let z: BlueprintClass;
    const y = fakeBlueprint('yankee', '1.0.0', [() => z]);
    x = fakeBlueprint('xray', '1.0.0', [() => y]);
    z = fakeBlueprint('zulu', '1.0.0', [() => x]);
    const err = errorOf(() => new Sovereign({ ...base, blueprints: [use(x), use(y), use(z)] }));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0].message).toBe('dependency cycle: bp-xray → bp-yankee → bp-zulu → bp-xray; remove one of these dependencies');
    expect(err.issues[0].path).toBe('sovereign.blueprints[0].depends');
  });

  test('a missing dependency names the dependant, the dependency and the fix', () => {
    const a = fakeBlueprint('alpha');
    const b = fakeBlueprint('bravo', '1.0.0', [() => a]);
    const err = errorOf(() => new Sovereign({ ...base, blueprints: [use(b)] }));
    expect(err.issues).toEqual([{ path: 'sovereign.blueprints[0].depends', message: "bp-bravo depends on bp-alpha, which this Sovereign does not install; add bp-alpha to the Sovereign's blueprints" }]);
  });

  test('a disabled kit dependency says it is disabled', () => {
    const err = errorOf(() => new Sovereign({ fqdn: 'graph.sovereign.test', org: base.org, kit: { cilium: false } }));
    expect(err.issues.some((i) => i.path === 'sovereign.kit.certManager.depends' && /bp-cilium, which is disabled/.test(i.message))).toBe(true);
  });

  test('duplicate Blueprint names are rejected with both paths', () => {
    const a = fakeBlueprint('alpha');
    const err = errorOf(() => new Sovereign({ ...base, blueprints: [use(a), use(a)] }));
    expect(err.issues[0]).toEqual({ path: 'sovereign.blueprints[1]', message: 'duplicate Blueprint name bp-alpha: also declared at sovereign.blueprints[0]; each Blueprint may be installed once per Sovereign' });
  });

  test('a version outside the declared range is a conflict', () => {
    const a = fakeBlueprint('alpha', '2.1.0');
    const dep = fakeBlueprint('charlie', '1.0.0');
    const withRange = fakeBlueprint('delta', '1.0.0', [{ blueprint: a, version: '^1.0' }, dep]);
    const err = errorOf(() => new Sovereign({ ...base, blueprints: [use(a), use(dep), use(withRange)] }));
    expect(err.issues).toEqual([{ path: 'sovereign.blueprints[2].depends', message: 'bp-delta needs bp-alpha ^1.0, but the Sovereign installs bp-alpha 2.1.0; use a version that satisfies ^1.0' }]);
  });

  test('the default range is the dependency major version', () => {
    const a = fakeBlueprint('alpha', '1.4.2');
    const b = fakeBlueprint('bravo', '1.0.0', [() => a]);
    const sov = new Sovereign({ ...base, blueprints: [use(a), use(b)] });
    expect(sov.graph.edges).toEqual([{ from: 'bravo', to: 'alpha', range: '^1', alias: undefined }]);
  });

  test('Mermaid and DOT render every node and edge in install order', () => {
    const a = fakeBlueprint('alpha');
    const b = fakeBlueprint('bravo', '1.0.0', [() => a]);
    const sov = new Sovereign({ ...base, blueprints: [use(b), use(a)] });
    expect(sov.graph.toMermaid()).toBe('flowchart LR\n  alpha["bp-alpha@1.0.0"]\n  bravo["bp-bravo@1.0.0"]\n  alpha --> bravo\n');
    expect(sov.graph.toDot()).toContain('"bp-alpha" -> "bp-bravo";');
  });
});
