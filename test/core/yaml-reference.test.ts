/**
 * The emitter in src/yaml.ts is tuned for speed (caches, character-code scans, one string built
 * in place, paths only computed on error). This pins it to a plain reference: the emitter as it
 * was before the tuning, written for clarity, must give the same bytes, and the same error, for
 * every input.
 */
import * as fc from 'fast-check';
import { JsonValue, toYaml, toYamlStream } from '../../src/yaml';

// ---- reference emitter (straightforward; regular expressions, arrays, paths tracked always) ----

const INDENT = '  ';
const RESERVED_WORDS = new Set(['y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null', '~', '=']);
const PLAIN_BODY = /^[A-Za-z0-9_./${}:@=+,()'<>^*\- ]*$/;
const PLAIN_START = /^[A-Za-z_/$.]/;
const QUANTITY = /^[1-9][0-9]*[A-Za-z]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

function refPlainSafe(s: string): boolean {
  if (s.length === 0) return false;
  if (RESERVED_WORDS.has(s.toLowerCase())) return false;
  if (QUANTITY.test(s)) return true;
  if (!PLAIN_START.test(s)) return false;
  if (!PLAIN_BODY.test(s)) return false;
  if (s.endsWith(' ') || s.endsWith(':')) return false;
  if (s.includes(': ') || s.includes(' #')) return false;
  if (/^[-+]?[0-9_.]*[eE][-+]?[0-9]+$/.test(s)) return false;
  if (s[0] === '.' && !/^\.\.?\/./.test(s)) return false;
  return true;
}

function refScalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as YAML: only finite numbers are allowed`);
    return String(value);
  }
  return refPlainSafe(value) ? value : JSON.stringify(value);
}

function refBlockLiteral(s: string, indent: string): string | undefined {
  if (!s.includes('\n') || CONTROL.test(s) || s.includes('\r')) return undefined;
  const lines = s.split('\n');
  const firstContent = lines.find((l) => l.length > 0);
  if (firstContent === undefined || firstContent[0] === ' ' || firstContent[0] === '\t') return undefined;
  if (lines.some((l) => /[ \t]$/.test(l))) return undefined;
  let chomp: string;
  let body = lines;
  if (s.endsWith('\n')) {
    body = lines.slice(0, -1);
    chomp = body.length > 0 && body[body.length - 1] === '' ? '+' : '';
  } else {
    chomp = '-';
  }
  return `|${chomp}\n${body.map((l) => (l.length === 0 ? '' : indent + l)).join('\n')}`;
}

function refIsEmptyCollection(v: JsonValue): boolean {
  if (Array.isArray(v)) return v.length === 0;
  if (v === null || typeof v !== 'object') return false;
  for (const k in v) {
    if ((v as Record<string, JsonValue | undefined>)[k] !== undefined) return false;
  }
  return true;
}

function refEmit(value: JsonValue, indent: string, out: string[], path: string): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i] as JsonValue;
      const p = `${path}[${i}]`;
      if (item !== null && typeof item === 'object' && !refIsEmptyCollection(item)) {
        if (Array.isArray(item)) {
          out.push(`${indent}-\n`);
          refEmit(item, indent + INDENT, out, p);
        } else {
          const lines: string[] = [];
          refEmit(item, indent + INDENT, lines, p);
          lines[0] = `${indent}- ${lines[0].slice(indent.length + INDENT.length)}`;
          out.push(...lines);
        }
      } else {
        out.push(`${indent}- ${refInline(item, indent + INDENT, p)}\n`);
      }
    }
    return;
  }
  const obj = value as { readonly [k: string]: JsonValue | undefined };
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v === undefined) continue;
    const p = path ? `${path}.${key}` : key;
    const k = refPlainSafe(key) ? key : JSON.stringify(key);
    if (v !== null && typeof v === 'object' && !refIsEmptyCollection(v)) {
      out.push(`${indent}${k}:\n`);
      refEmit(v, indent + INDENT, out, p);
    } else {
      out.push(`${indent}${k}: ${refInline(v, indent + INDENT, p)}\n`);
    }
  }
}

function refInline(v: JsonValue, childIndent: string, path: string): string {
  if (Array.isArray(v)) return '[]';
  if (v !== null && typeof v === 'object') return '{}';
  if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
    throw new Error(`cannot write ${typeof v} at ${path || '<root>'} as YAML`);
  }
  if (typeof v === 'string' && v.includes('\n')) {
    const block = refBlockLiteral(v, childIndent);
    if (block !== undefined) return block;
  }
  return refScalar(v as string | number | boolean | null);
}

function refToYaml(value: JsonValue): string {
  if (value !== null && typeof value === 'object' && !refIsEmptyCollection(value)) {
    const out: string[] = [];
    refEmit(value, '', out, '');
    return out.join('');
  }
  return `${refInline(value, INDENT, '')}\n`;
}

function refToYamlStream(values: readonly JsonValue[]): string {
  return values.map((v) => refToYaml(v)).join('---\n');
}

// ---- comparison ----

type Outcome = { readonly text: string } | { readonly error: string };

function outcome(f: () => string): Outcome {
  try {
    return { text: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function expectSame(value: JsonValue): void {
  expect(outcome(() => toYaml(value))).toEqual(outcome(() => refToYaml(value)));
}

/** Characters that decide quoting: plain ones, indicators, digits and exponent letters, breaks, controls, non-ASCII. */
const ALPHABET = [
  'a', 'e', 'E', 'y', 'Y', 'n', 'o', 'x', '0', '1', '9', '_', '.', '/', '-', '+', ':', ' ', '#', '$', '{', '}',
  '~', '=', '@', ',', '(', "'", '"', '\\', '!', '&', '*', '?', '|', '>', '%', '`', '[', '\n', '\r', '\t',
  '\u0000', '\u007f', '\u0085', '\u00e9', '\u2028', '\ufeff', '\u212a',
];

const interesting = [
  '', ' ', 'yes', 'No', 'ON', 'off', 'y', 'n', 'true', 'False', 'null', 'NULL', '~', '=', 'Yes ', 'nO',
  '0', '1', '-1', '+1', '1.5', '1e3', '1E3', 'e3', 'E3', '_e3', '.e3', '._1E+2', 'e', 'e+', '1e', 'xe3', '0x1F', '0o17',
  '010', '1_000', '1:20', '.inf', '-.inf', '.nan', '.5', '.', '..', './', '../', './x', '../x', './/', '.../x',
  '2001-12-14', '1.16.5', 'v1.16.2', '100m', '256Mi', '1Gi', '15m', '08', '1m2', '0m', '12:30:00', '1 m',
  '- a', '? x', ': y', 'a: b', 'a:b', 'a #b', 'a#b', '#c', '&anchor', '*alias', '!tag', '|', '>', '%x', '@x', '`x',
  '"quoted"', "'single'", '{a}', '[a]', 'a,b', '${SOVEREIGN_FQDN}', '$${X}', 'gitea.${SOVEREIGN_FQDN}',
  'https://charts.jetstack.io', 'oci://ghcr.io/x', 'key:value', 'trailing ', ' leading', 'tab\tin', 'ends:',
  'line1\nline2', 'line1\nline2\n', 'line1\n\n', '\nleading newline', '\n', '\n\n', 'a\n\nb', '  indented\nblock',
  '\tx\ny', 'x \ny', 'x\t\ny', 'x\ny ', 'x\r\ny', 'x\u0085\ny', 'x\ny\u2028', 'unicode ✓ ü', '\u2028', 'emoji 🚀',
  'a\u0000b', '<<', 'backslash \\ here', 'K', '\u212a', 'İ', 'x'.repeat(200), `${'y'.repeat(130)}: z`,
  `${'line\n'.repeat(3)}`, 'app.kubernetes.io/name', 'kustomize.toolkit.fluxcd.io/v1',
];

const str = fc.oneof(
  fc.constantFrom(...interesting),
  fc.array(fc.constantFrom(...ALPHABET), { maxLength: 8 }).map((cs) => cs.join('')),
  fc.string(),
  fc.string({ unit: 'binary' }),
);

const num = fc.oneof(
  fc.integer(),
  fc.integer({ min: -5, max: 1100 }),
  fc.double(),
  fc.constantFrom(0, -0, 1023, 1024, 0.5, 1e21, 1e-7, -1, 2 ** 31, -(2 ** 31), Number.MAX_SAFE_INTEGER, NaN, Infinity, -Infinity),
);

/** Mostly valid JSON-like values, sometimes with what JSON cannot hold (to compare the errors). */
const value: fc.Arbitrary<JsonValue> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(str, num, fc.boolean(), fc.constant(null)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(str, fc.oneof({ weight: 6, arbitrary: tie('value') }, { weight: 1, arbitrary: fc.constant(undefined) }), { maxKeys: 4 }),
    fc.constantFrom<unknown>([], {}, [[]], [{}], { a: undefined }, [{ a: undefined }], [[], [1]]),
  ),
})).value as fc.Arbitrary<JsonValue>;

const invalid = fc.constantFrom<unknown>(undefined, () => 1, Symbol('s'), BigInt(1), NaN, -Infinity);

/** A value with one invalid leaf somewhere inside, after and before valid content. */
const withInvalid: fc.Arbitrary<JsonValue> = fc
  .tuple(value, invalid, fc.array(fc.oneof(str, fc.nat(3)), { maxLength: 4 }))
  .map(([base, bad, route]) => {
    let v: unknown = bad;
    for (const step of [...route].reverse()) v = typeof step === 'number' ? [...Array<number>(step).fill(1), v] : { [step]: v };
    return (route.length === 0 ? v : { before: base, [typeof route[0] === 'string' ? route[0] : 'list']: v, after: base }) as JsonValue;
  });

describe('toYaml matches the reference emitter', () => {
  test('every string of up to three interesting characters, as value, list item and key', () => {
    const strings = [''];
    let level = [''];
    for (let n = 0; n < 3; n++) {
      level = level.flatMap((s) => ALPHABET.map((c) => s + c));
      strings.push(...level);
    }
    const mismatches: string[] = [];
    for (const s of strings) {
      const doc = { k: s, l: [s], [s]: 1 };
      if (toYaml(doc) !== refToYaml(doc)) mismatches.push(s);
    }
    expect(mismatches).toEqual([]);
  });

  test('interesting strings at every position and depth', () => {
    for (const s of interesting) {
      for (const doc of [s, [s], { [s]: s }, [[s]], [{ [s]: [s] }], { a: { b: [{ c: s, [s]: [[s]] }] } }] as JsonValue[]) expectSame(doc);
    }
  });

  test('random documents (property)', () => {
    fc.assert(fc.property(value, (v) => expectSame(v)), { numRuns: 3000 });
  });

  test('random streams (property)', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 5 }), (vs) => {
        expect(outcome(() => toYamlStream(vs))).toEqual(outcome(() => refToYamlStream(vs)));
      }),
      { numRuns: 500 },
    );
  });

  test('invalid values anywhere give the same error, path included (property)', () => {
    fc.assert(fc.property(withInvalid, (v) => expectSame(v)), { numRuns: 1000 });
  });

  test('errors name the path the reference names', () => {
    expect(() => toYaml({ a: [{ b: { c: [1, [2, undefined]] } }] } as unknown as JsonValue)).toThrow('cannot write undefined at a[0].b.c[1][1] as YAML');
    // Empty keys make odd paths; they stay the reference's odd paths.
    expectSame({ a: [{ b: { '': { c: [1, [2, undefined]] } } }] } as unknown as JsonValue);
    expectSame({ '': { c: [undefined] } } as unknown as JsonValue);
    expectSame([() => 1] as unknown as JsonValue);
    expectSame(Symbol('x') as unknown as JsonValue);
  });

  test('more distinct strings than the caches hold', () => {
    const big: Record<string, string> = {};
    for (let i = 0; i < 105_000; i++) big[`k${i}${i % 7 === 0 ? ': x' : ''}`] = i % 3 === 0 ? `v${i}` : `${i}e${i % 10}`;
    expect(toYaml(big)).toBe(refToYaml(big));
    // Again, now that the caches were cleared and refilled.
    expect(toYaml(big)).toBe(refToYaml(big));
  });

  test('objects that are not plain data are read as the reference reads them', () => {
    class WithProto {
      own = 1;
    }
    (WithProto.prototype as unknown as Record<string, unknown>).inherited = 2;
    const inheritedOnly = Object.create({ inherited: 1 }) as JsonValue;
    for (const doc of [new WithProto(), { a: new WithProto() }, { a: inheritedOnly }, inheritedOnly, new Date(0), { d: new Date(0) }, [1, , 3]]) {
      expectSame(doc as JsonValue);
    }
    // eslint-disable-next-line no-sparse-arrays
    expect(toYamlStream([{ a: 1 }, , { b: 2 }] as JsonValue[])).toBe(refToYamlStream([{ a: 1 }, , { b: 2 }] as JsonValue[]));
  });

  test('an enumerable property added to Object.prototype is read as the reference reads it', () => {
    const docs = [{ a: 1 }, { a: { b: [{ c: 1 }] } }, {}, { e: {} }] as JsonValue[];
    const before = docs.map((d) => outcome(() => toYaml(d)));
    (Object.prototype as unknown as Record<string, unknown>).polluted = 'x';
    try {
      for (const d of docs) expectSame(d);
      // An empty object in a list then has nothing to put on the dash line: both refuse it
      // (the reference by crashing, this one by saying why).
      expect(() => refToYaml([{}])).toThrow();
      expect(() => toYaml([{}])).toThrow('only keys are inherited');
    } finally {
      delete (Object.prototype as unknown as Record<string, unknown>).polluted;
    }
    expect(docs.map((d) => outcome(() => toYaml(d)))).toEqual(before);
  });

  test('a getter that writes YAML itself does not disturb the document being written', () => {
    const doc = { a: 1, get b() { return toYaml({ inner: [1, 2] }); }, c: [3] } as unknown as JsonValue;
    expect(toYaml(doc)).toBe(refToYaml(doc));
  });
});
