/**
 * A small, deterministic YAML emitter for plain JSON-like data (what Kubernetes manifests are).
 *
 * Why not the `yaml` library: it builds a document AST per object and costs ~70 µs per small
 * manifest; this emitter writes strings directly. It quotes conservatively, so every scalar
 * reads back as the same type under YAML 1.1 (go-yaml, used by kubectl and Flux) and YAML 1.2.
 *
 * Speed matters here: at 150,000 objects serialisation took seconds. Hence one pass appending to
 * a single string (V8 concatenates by reference, flattening once at the end), lines built from
 * cached pieces (150,000 objects use fewer than 1,000 distinct keys and 25,000 distinct strings),
 * `for...in` over plain objects, character-code scans instead of regular expressions, and no
 * path bookkeeping unless an error needs one.
 */

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [k: string]: JsonValue | undefined };

type JsonObject = { readonly [k: string]: JsonValue | undefined };

/** Indentation by depth (two spaces a level), and the `- ` line start of a list item at that depth. */
const INDENTS: string[] = [''];
const DASHES: string[] = ['- '];

function growIndents(depth: number): void {
  while (INDENTS.length <= depth) {
    const ind = INDENTS[INDENTS.length - 1] + '  ';
    INDENTS.push(ind);
    DASHES.push(ind + '- ');
  }
}

/**
 * The output of the document being written. Module state, not a parameter, so that the hot
 * recursion appends in place; `toYaml` saves and restores it in case a getter in the input
 * calls back into the emitter.
 */
let buf = '';

/** Makes V8 copy the pieces of `s` into one flat string (see `emitting`). */
const FLATTEN = /^$/;

/** Words YAML 1.1 resolves to booleans or null (in any letter case); quoted so they stay strings. */
const RESERVED_WORDS = new Set([
  'y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null', '~', '=',
]);

/**
 * Per ASCII character code, 1 if it may appear in a plain scalar (BODY) or start one (START).
 * Everything else, including all non-ASCII, forces quoting.
 */
const BODY = new Uint8Array(128);
const START = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./${}:@=+,()'<>^*- ") BODY[c.charCodeAt(0)] = 1;
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_/$.') START[c.charCodeAt(0)] = 1;

const C_SPACE = 32;
const C_PLUS = 43;
const C_MINUS = 45;
const C_DOT = 46;
const C_SLASH = 47;
const C_0 = 48;
const C_9 = 57;
const C_COLON = 58;
const C_E = 69;
const C_UNDERSCORE = 95;
const C_e = 101;

function isDigit(c: number): boolean {
  return c >= C_0 && c <= C_9;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Quantities such as 100m, 256Mi, 15m, 10Gi: digits then letters, never a YAML number. */
function isQuantity(s: string): boolean {
  const n = s.length;
  let c = s.charCodeAt(0);
  if (c < 49 || c > C_9) return false;
  let i = 1;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  if (i === n) return false;
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    if (!isLetter(c)) return false;
  }
  return true;
}

/** `[-+]?[0-9_.]*[eE][-+]?[0-9]+`: YAML 1.1 parsers with a loose float pattern read `e0` or `E5` as numbers. */
function looksLikeExponent(s: string): boolean {
  const n = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  if (c === C_PLUS || c === C_MINUS) c = s.charCodeAt(++i);
  while (i < n && (isDigit(c) || c === C_UNDERSCORE || c === C_DOT)) c = s.charCodeAt(++i);
  if (c !== C_e && c !== C_E) return false;
  c = s.charCodeAt(++i);
  if (c === C_PLUS || c === C_MINUS) c = s.charCodeAt(++i);
  if (i >= n) return false;
  for (; i < n; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

/** Whether `s` reads back as the same string when written plain, under YAML 1.1 and 1.2. */
function isPlainSafe(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  // Every reserved word is ASCII and at most 5 long; a longer or non-ASCII string fails below anyway.
  if (n <= 5 && RESERVED_WORDS.has(s.toLowerCase())) return false;
  const first = s.charCodeAt(0);
  if (first >= 49 && first <= C_9 && isQuantity(s)) return true;
  if (first >= 128 || START[first] === 0) return false;
  let prev = first;
  for (let i = 1; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || BODY[c] === 0) return false;
    // ': ' reads as a mapping. (' #' starts a comment, but '#' is not a plain character at all.)
    if (c === C_SPACE && prev === C_COLON) return false;
    prev = c;
  }
  if (prev === C_SPACE || prev === C_COLON) return false;
  if (looksLikeExponent(s)) return false;
  // A leading '.' can read as .inf/.nan/.5 or '.' (NaN in YAML 1.1); only relative paths stay plain.
  if (first === C_DOT) {
    if (n >= 3 && s.charCodeAt(1) === C_SLASH) return true;
    if (n >= 4 && s.charCodeAt(1) === C_DOT && s.charCodeAt(2) === C_SLASH) return true;
    return false;
  }
  return true;
}

/**
 * Manifests repeat the same few thousand strings (names, namespaces, labels, keys); remembering
 * the written form per string makes quoting cost a map lookup. Bounded so a huge unique input
 * cannot grow it; long strings (scripts, certificates) are rarely repeated and are not kept.
 */
const CACHE_LIMIT = 100_000;
const CACHE_MAX_LENGTH = 128;
/** String scalars as written, with the line break that ends them. */
const scalarLineCache = new Map<string, string>();
/** Keys as written, followed by ': ' (the value on the same line) or by ':\n' (a nested collection). */
const keySpaceCache = new Map<string, string>();
const keyBreakCache = new Map<string, string>();

function plainOrQuoted(s: string): string {
  // JSON string syntax is a subset of YAML's double-quoted scalar syntax.
  return isPlainSafe(s) ? s : JSON.stringify(s);
}

function cached(cache: Map<string, string>, s: string, suffix: string): string {
  let v = cache.get(s);
  if (v === undefined) {
    v = plainOrQuoted(s) + suffix;
    if (s.length <= CACHE_MAX_LENGTH) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(s, v);
    }
  }
  return v;
}

function numberScalar(value: number): string {
  if (!Number.isFinite(value)) throw new InvalidValue(String(value));
  return String(value);
}

/** Control characters that only a double-quoted scalar can carry (and '\r', which a literal would lose). */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32) {
      if (c !== 9 && c !== 10) return true;
    } else if (c >= 0x7f) {
      if (c <= 0x9f || c === 0x2028 || c === 0x2029 || c === 0xfeff) return true;
    }
  }
  return false;
}

/** A multi-line string as a block literal, or undefined when it must be double-quoted. */
function blockLiteral(s: string, indent: string): string | undefined {
  if (hasControl(s)) return undefined;
  const lines = s.split('\n');
  // Auto-detected indentation would break on a leading space in the first content line.
  const firstContent = lines.find((l) => l.length > 0);
  if (firstContent === undefined || firstContent[0] === ' ' || firstContent[0] === '\t') return undefined;
  // Trailing whitespace on a line is legal in a literal but invisible; keep those quoted.
  for (const l of lines) {
    const last = l.charCodeAt(l.length - 1);
    if (last === C_SPACE || last === 9) return undefined;
  }
  let chomp: string;
  let end = lines.length;
  if (s.charCodeAt(s.length - 1) === 10) {
    end--;
    chomp = end > 0 && lines[end - 1] === '' ? '+' : '';
  } else {
    chomp = '-';
  }
  let out = `|${chomp}\n`;
  for (let i = 0; i < end; i++) {
    if (i > 0) out += '\n';
    if (lines[i].length > 0) out += indent + lines[i];
  }
  return out;
}

/** A string after `key: ` or `- `, with its line break; `depth` is the depth of the value's own lines. */
function stringLine(s: string, depth: number): string {
  if (s.includes('\n')) {
    growIndents(depth);
    const block = blockLiteral(s, INDENTS[depth]);
    if (block !== undefined) return block + '\n';
  }
  return cached(scalarLineCache, s, '\n');
}

/**
 * A value the emitter cannot write: what JSON cannot hold (a function, a symbol, a bigint,
 * `undefined` in a list, a non-finite number), or an object with nothing of its own to write.
 * Such values come from the program, never from the library: synthesis reports this as a
 * problem of the program, naming the file and the object (see renderProblem in render.ts).
 */
export class UnwritableValueError extends Error {
  constructor(
    /** What the value is, as a sentence says it: `a bigint`, `a symbol`, `undefined`, `NaN`, `an object with only inherited keys`. */
    readonly what: string,
    /** Where it is inside the document (`data.n`, `spec.ports[0]`); empty for the document itself. */
    readonly valuePath: string,
    /** Which document of a stream (from 0); undefined for a single document. */
    readonly document: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'UnwritableValueError';
  }
}

/**
 * An invalid value found during emission. The path to it is collected while the error unwinds,
 * so that emission tracks no path at all; emitting() turns it into an UnwritableValueError.
 */
class InvalidValue {
  /** Path segments, outermost first: keys, and list indices as numbers. */
  readonly segments: Array<string | number> = [];
  /** Which document of a stream. */
  document: number | undefined;
  constructor(readonly typeName: string) {}

  path(): string {
    let p = '';
    for (const s of this.segments) p = typeof s === 'number' ? `${p}[${s}]` : p ? `${p}.${s}` : s;
    return p;
  }

  error(): UnwritableValueError {
    const p = this.path();
    const t = this.typeName;
    // Non-finite numbers keep the message they always had (the reference emitter's).
    const nonFinite = t === 'NaN' || t === 'Infinity' || t === '-Infinity';
    const message = nonFinite
      ? `cannot write ${t} as YAML: only finite numbers are allowed`
      : t === INHERITED_ONLY
        ? 'cannot write an object whose only keys are inherited as a YAML list item'
        : `cannot write ${t} at ${p || '<root>'} as YAML`;
    const what = nonFinite || t === 'undefined' || t === INHERITED_ONLY ? t : `a ${t}`;
    return new UnwritableValueError(what, p, this.document, message);
  }
}

const INHERITED_ONLY = 'an object with only inherited keys';

/** Ports, replica counts, percentages: most numbers in manifests are small integers. */
const SMALL_INT_LINES: string[] = [];
for (let n = 0; n < 1024; n++) SMALL_INT_LINES.push(`${n}\n`);

/** A scalar other than a string, with its line break; InvalidValue for what JSON cannot hold. */
function otherScalarLine(v: unknown): string {
  if (typeof v === 'number') {
    // -0 passes too, and is written `0` either way.
    if (v >= 0 && v < 1024 && Number.isInteger(v)) return SMALL_INT_LINES[v];
    return numberScalar(v) + '\n';
  }
  if (v === null) return 'null\n';
  if (v === true) return 'true\n';
  if (v === false) return 'false\n';
  throw new InvalidValue(typeof v);
}

/** Whether an object has no key with a value (inherited enumerable keys count, as `for...in` sees them). */
function isEmptyObject(v: JsonObject): boolean {
  for (const k in v) {
    if (v[k] !== undefined) return false;
  }
  return true;
}

/** Whether nothing enumerable is inherited from Object.prototype (then `for...in` sees own keys only). */
let cleanObjectPrototype = true;

/**
 * Writes the entries of a non-empty object at `depth`. The first line starts with `firstLine`
 * instead of the indentation: a list item writes its first key on the dash line.
 */
function emitObject(obj: JsonObject, depth: number, firstLine: string): void {
  const ind = INDENTS[depth];
  const inner = depth + 1;
  if (INDENTS.length <= inner) growIndents(inner);
  let lead = firstLine;
  let key = '';
  try {
    const proto = Object.getPrototypeOf(obj);
    if (cleanObjectPrototype && (proto === Object.prototype || proto === null)) {
      // for...in over a plain object gives Object.keys' keys in its order, and V8 reads the
      // values by field index from the enumeration cache: no keyed lookup per property.
      for (key in obj) {
        const v = obj[key];
        if (v === undefined) continue;
        emitEntry(lead, key, v, inner);
        lead = ind;
      }
    } else {
      const keys = Object.keys(obj);
      for (let i = 0; i < keys.length; i++) {
        key = keys[i];
        const v = obj[key];
        if (v === undefined) continue;
        emitEntry(lead, key, v, inner);
        lead = ind;
      }
    }
  } catch (e) {
    if (e instanceof InvalidValue) e.segments.unshift(key);
    throw e;
  }
  if (lead === firstLine && firstLine !== ind) {
    // Only inherited keys: there is no first line to put the dash on. Plain data never gets here.
    throw new InvalidValue(INHERITED_ONLY);
  }
}

/** One `key: value` entry, its first line starting with `lead`; `inner` is the depth of nested lines. */
function emitEntry(lead: string, key: string, v: JsonValue, inner: number): void {
  if (typeof v === 'string') {
    buf += lead + cached(keySpaceCache, key, ': ') + stringLine(v, inner);
  } else if (typeof v !== 'object' || v === null) {
    buf += lead + cached(keySpaceCache, key, ': ') + otherScalarLine(v);
  } else if (Array.isArray(v)) {
    if (v.length === 0) {
      buf += lead + cached(keySpaceCache, key, ': ') + '[]\n';
    } else {
      buf += lead + cached(keyBreakCache, key, ':\n');
      emitArray(v as readonly JsonValue[], inner);
    }
  } else if (isEmptyObject(v as JsonObject)) {
    buf += lead + cached(keySpaceCache, key, ': ') + '{}\n';
  } else {
    buf += lead + cached(keyBreakCache, key, ':\n');
    emitObject(v as JsonObject, inner, INDENTS[inner]);
  }
}

/** Writes the items of a non-empty list at `depth`. */
function emitArray(arr: readonly JsonValue[], depth: number): void {
  const dash = DASHES[depth];
  const inner = depth + 1;
  if (INDENTS.length <= inner) growIndents(inner);
  let i = 0;
  try {
    for (; i < arr.length; i++) {
      const v = arr[i];
      if (typeof v === 'string') {
        buf += dash + stringLine(v, inner);
      } else if (typeof v !== 'object' || v === null) {
        buf += dash + otherScalarLine(v);
      } else if (Array.isArray(v)) {
        if (v.length === 0) {
          buf += dash + '[]\n';
        } else {
          buf += INDENTS[depth] + '-\n';
          emitArray(v as readonly JsonValue[], inner);
        }
      } else if (isEmptyObject(v as JsonObject)) {
        buf += dash + '{}\n';
      } else {
        emitObject(v as JsonObject, inner, dash);
      }
    }
  } catch (e) {
    if (e instanceof InvalidValue) e.segments.unshift(i);
    throw e;
  }
}

/** Appends one document for `value` to `buf`. */
function emitDocument(value: JsonValue): void {
  if (typeof value === 'object' && value !== null) {
    if (Array.isArray(value)) {
      if (value.length > 0) return emitArray(value as readonly JsonValue[], 0);
      buf += '[]\n';
      return;
    }
    if (!isEmptyObject(value as JsonObject)) return emitObject(value as JsonObject, 0, '');
    buf += '{}\n';
    return;
  }
  buf += typeof value === 'string' ? stringLine(value, 1) : otherScalarLine(value);
}

function emitting(write: () => void): string {
  const saved = buf;
  buf = '';
  cleanObjectPrototype = isEmptyObject(Object.prototype as JsonObject);
  try {
    write();
    const out = buf;
    // The result is a tree of the appended pieces until something flattens it. Do it now, while
    // the pieces are young garbage: a caller that keeps thousands of files in memory would
    // otherwise keep every piece alive, and a regular expression always works on a flat string.
    FLATTEN.test(out);
    return out;
  } catch (e) {
    if (e instanceof InvalidValue) throw e.error();
    throw e;
  } finally {
    buf = saved;
  }
}

/** One YAML document (no `---` marker) for a JSON-like value. */
export function toYaml(value: JsonValue): string {
  return emitting(() => emitDocument(value));
}

/** A multi-document YAML stream: documents separated by `---`. */
export function toYamlStream(values: readonly JsonValue[]): string {
  return emitting(() => {
    for (let i = 0; i < values.length; i++) {
      if (i > 0) buf += '---\n';
      // A hole in a sparse list is an empty document, as Array.prototype.join writes it.
      if (!(i in values)) continue;
      try {
        emitDocument(values[i]);
      } catch (e) {
        if (e instanceof InvalidValue) e.document = i;
        throw e;
      }
    }
  });
}
