import { Type } from '@sinclair/typebox';
import { CatalystError } from '../../src/errors';
import { Sovereign, use } from '../../src/sovereign';
import { deepMerge, pointerToPath, schemaWithDefaults, strictObject, validateAgainst } from '../../src/values';
import { fakeBlueprint } from '../support/fake-blueprints';

describe('deepMerge', () => {
  test('objects merge key by key, arrays and scalars replace, inputs untouched', () => {
    const base = { a: { b: 1, c: [1, 2] }, d: 'x' };
    const over = { a: { c: [3] }, e: true };
    const merged = deepMerge(base, over);
    expect(merged).toEqual({ a: { b: 1, c: [3] }, d: 'x', e: true });
    expect(base).toEqual({ a: { b: 1, c: [1, 2] }, d: 'x' });
    merged.a.c.push(9);
    expect(over.a.c).toEqual([3]);
  });

  test('null overrides (Helm "unset"), undefined does not', () => {
    expect(deepMerge({ a: 1, b: 2 }, { a: null, b: undefined })).toEqual({ a: null, b: 2 });
  });
});

describe('validateAgainst', () => {
  const schema = strictObject({
    replicas: Type.Integer({ minimum: 1, maximum: 5 }),
    mode: Type.Union([Type.Literal('a'), Type.Literal('b')]),
    nested: strictObject({ email: Type.String({ pattern: '^[^@]+@[^@]+$' }) }),
  });

  test('names the field path, what was wrong and what is allowed', () => {
    const issues = validateAgainst(schema, { replicas: 9, mode: 'c', nested: { email: 'x', typo: 1 } }, 'sovereign.kit.x.values');
    expect(issues).toEqual([
      { path: 'sovereign.kit.x.values.replicas', message: 'expected integer to be less or equal to 5 (got 9); allowed: an integer >= 1 and <= 5' },
      { path: 'sovereign.kit.x.values.mode', message: 'expected union value (got "c"); allowed: one of "a", "b"' },
      { path: 'sovereign.kit.x.values.nested.typo', message: 'unknown key; allowed keys here: email' },
      { path: 'sovereign.kit.x.values.nested.email', message: 'expected string to match \'^[^@]+@[^@]+$\' (got "x"); allowed: a string matching ^[^@]+@[^@]+$' },
    ]);
  });

  test('a missing required key says it is required', () => {
    const issues = validateAgainst(schema, { replicas: 1, mode: 'a' }, 'v');
    expect(issues[0]).toEqual({ path: 'v.nested', message: 'is required: give an object' });
  });

  test('pointerToPath renders indices and odd keys', () => {
    expect(pointerToPath('p', '/a/0/b~1c/d-e')).toBe('p.a[0]["b/c"]["d-e"]');
  });

  test('configSchema carries the defaults declared once in the spec', () => {
    const js = schemaWithDefaults(schema, { replicas: 2, mode: 'b', nested: { email: 'a@b' } }) as any;
    expect(js.additionalProperties).toBe(false);
    expect(js.properties.replicas).toEqual({ type: 'integer', minimum: 1, maximum: 5, default: 2 });
    expect(js.properties.nested.properties.email.default).toBe('a@b');
  });
});

describe('Blueprint values in a Sovereign', () => {
  const org = { name: 'Acme', email: 'ops@acme.test' };

  test('user overrides are deep-merged over defaults and reach the HelmRelease', () => {
    const a = fakeBlueprint('alpha');
    const sov = new Sovereign({ fqdn: 'v.sovereign.test', org, includeKit: false, blueprints: [use(a, { values: { replicas: 3 } })] });
    const bp = sov.find(a)!;
    expect(bp.values).toEqual({ replicas: 3, mode: 'a' });
    expect(bp.helmValuesFor(bp.spec.upstream[0])).toEqual({ replicaCount: 3, mode: 'a' });
  });

  test('raw helmValues are merged last, and must name an upstream chart', () => {
    const a = fakeBlueprint('alpha');
    const sov = new Sovereign({ fqdn: 'v.sovereign.test', org, includeKit: false, blueprints: [use(a, { helmValues: { 'alpha-chart': { extra: { on: true } } } })] });
    const bp = sov.find(a)!;
    expect(bp.helmValuesFor(bp.spec.upstream[0])).toEqual({ replicaCount: 1, mode: 'a', extra: { on: true } });
    expect(() => new Sovereign({ fqdn: 'v.sovereign.test', org, includeKit: false, blueprints: [use(a, { helmValues: { nope: {} } })] })).toThrow(
      'sovereign.blueprints[0].helmValues.nope: no upstream chart named "nope"; this Blueprint installs alpha-chart',
    );
  });

  test('every invalid value of every Blueprint is reported at once', () => {
    const a = fakeBlueprint('alpha');
    const b = fakeBlueprint('bravo');
    try {
      new Sovereign({ fqdn: 'v.sovereign.test', org, includeKit: false, blueprints: [use(a, { values: { replicas: 0 } }), use(b, { values: { mode: 'z' as 'a' } })] });
      throw new Error('expected failure');
    } catch (e) {
      expect(e).toBeInstanceOf(CatalystError);
      expect((e as CatalystError).issues.map((i) => i.path)).toEqual(['sovereign.blueprints[0].values.replicas', 'sovereign.blueprints[1].values.mode']);
    }
  });

  test('unknown keys in values are rejected (a typo is not a silent no-op)', () => {
    const a = fakeBlueprint('alpha');
    expect(() => new Sovereign({ fqdn: 'v.sovereign.test', org, includeKit: false, blueprints: [use(a, { values: { replica: 2 } as never })] })).toThrow(
      'sovereign.blueprints[0].values.replica: unknown key; allowed keys here: replicas, mode',
    );
  });
});
