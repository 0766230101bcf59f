import * as fc from 'fast-check';
import { parse, parseAllDocuments } from 'yaml';
import { JsonValue, toYaml, toYamlStream } from '../../src/yaml';

/** Reads YAML back the way both go-yaml (1.1) and modern parsers (1.2) would. */
function readBack(text: string, version: '1.1' | '1.2'): unknown {
  return parse(text, { version, uniqueKeys: true });
}

const tricky = [
  '', ' ', 'yes', 'No', 'ON', 'off', 'y', 'n', 'true', 'False', 'null', 'Null', '~', '=',
  '0', '1', '-1', '1.5', '1e3', '0x1F', '0o17', '010', '1_000', '1:20', '.inf', '-.inf', '.nan', '.5',
  '2001-12-14', '1.16.5', 'v1.16.2', '100m', '256Mi', '1Gi', '15m', '08', '12:30:00',
  '- a', '? x', ': y', 'a: b', 'a #b', '#c', '&anchor', '*alias', '!tag', '|', '>', '%x', '@x', '`x',
  '"quoted"', "'single'", '{a}', '[a]', 'a,b', '${SOVEREIGN_FQDN}', 'gitea.${SOVEREIGN_FQDN}',
  'https://charts.jetstack.io', 'oci://ghcr.io/x', 'key:value', 'trailing ', ' leading', 'tab\tin',
  'line1\nline2', 'line1\nline2\n', 'line1\n\n', '\nleading newline', '  indented\nblock', 'x\r\ny',
  'unicode ✓ ü', '\u2028', 'emoji 🚀', 'a\u0000b', 'ends with colon:', '<<', 'backslash \\ here',
];

describe('toYaml', () => {
  test.each(tricky)('string %j reads back as the same string in YAML 1.1 and 1.2', (s) => {
    const doc = { k: s, list: [s], [s || 'empty-key']: 1 };
    for (const v of ['1.1', '1.2'] as const) {
      expect(readBack(toYaml(doc), v)).toEqual(doc);
    }
  });

  test('numbers, booleans, null and empty collections keep their types', () => {
    const doc = { int: 3, neg: -2, float: 0.25, t: true, f: false, nil: null, emptyObj: {}, emptyList: [], nested: [[], {}, [1, [2]]] };
    expect(readBack(toYaml(doc), '1.1')).toEqual(doc);
  });

  test('null survives (Helm reads it as "remove the chart default")', () => {
    expect(toYaml({ hubble: { metrics: { enabled: null } } })).toBe('hubble:\n  metrics:\n    enabled: null\n');
  });

  test('undefined keys are omitted', () => {
    expect(toYaml({ a: 1, b: undefined } as unknown as JsonValue)).toBe('a: 1\n');
  });

  test('multi-line strings become block literals with the right chomping', () => {
    expect(toYaml({ s: 'a\nb\n' })).toBe('s: |\n  a\n  b\n');
    expect(toYaml({ s: 'a\nb' })).toBe('s: |-\n  a\n  b\n');
    expect(toYaml({ s: 'a\n\n' })).toBe('s: |+\n  a\n\n');
  });

  test('lists of objects use the compact k8s style', () => {
    expect(toYaml({ dependsOn: [{ name: 'a', namespace: 'b' }] })).toBe('dependsOn:\n  - name: a\n    namespace: b\n');
  });

  test('non-finite numbers are rejected instead of written as invalid YAML', () => {
    expect(() => toYaml({ x: Number.NaN })).toThrow(/finite/);
    expect(() => toYaml({ x: Infinity })).toThrow(/finite/);
  });

  test('streams separate documents with ---', () => {
    const text = toYamlStream([{ a: 1 }, { b: 2 }]);
    expect(parseAllDocuments(text).map((d) => d.toJS())).toEqual([{ a: 1 }, { b: 2 }]);
  });

  // Random JSON-like documents round-trip exactly under both YAML versions.
  const jsonLike: fc.Arbitrary<JsonValue> = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.oneof(fc.string(), fc.constantFrom(...tricky), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom(...tricky.filter((t) => t))), tie('value'), { maxKeys: 4 }),
    ),
  })).value as fc.Arbitrary<JsonValue>;

  test('random documents round-trip (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), jsonLike, { maxKeys: 5 }), (doc) => {
        const normal = JSON.parse(JSON.stringify(doc)); // -0 → 0, as JSON would
        for (const v of ['1.1', '1.2'] as const) {
          expect(readBack(toYaml(normal), v)).toEqual(normal);
        }
      }),
      { numRuns: 300 },
    );
  });
});
