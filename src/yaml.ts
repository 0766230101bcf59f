/**
 * A small, deterministic YAML emitter for plain JSON-like data (what Kubernetes manifests are).
 *
 * Why not the `yaml` library: it builds a document AST per object and costs ~70 µs per small
 * manifest; this emitter writes strings directly. It quotes conservatively, so every scalar
 * reads back as the same type under YAML 1.1 (go-yaml, used by kubectl and Flux) and YAML 1.2.
 */

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [k: string]: JsonValue | undefined };

const INDENT = '  ';

/** Words YAML 1.1 resolves to booleans or null; quoted so they stay strings. */
const RESERVED_WORDS = new Set([
  'y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null', '~', '=',
]);

/** Characters safe inside a plain scalar (anything else forces quoting). */
const PLAIN_BODY = /^[A-Za-z0-9_./${}:@=+,()'<>^*\- ]*$/;
/** Characters that may start a plain scalar. */
const PLAIN_START = /^[A-Za-z_/$.]/;
/** Quantities such as 100m, 256Mi, 15m, 10Gi: digits then letters, never a YAML number. */
const QUANTITY = /^[1-9][0-9]*[A-Za-z]+$/;
/** Control characters that only a double-quoted scalar can carry. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

/**
 * Manifests repeat the same few thousand strings (names, namespaces, labels); remembering the
 * verdict per string makes quoting cost a map lookup. Bounded so a huge unique input cannot grow it.
 */
const plainCache = new Map<string, boolean>();

function isPlainSafe(s: string): boolean {
  let v = plainCache.get(s);
  if (v === undefined) {
    v = computePlainSafe(s);
    if (plainCache.size > 50_000) plainCache.clear();
    plainCache.set(s, v);
  }
  return v;
}

function computePlainSafe(s: string): boolean {
  if (s.length === 0) return false;
  if (RESERVED_WORDS.has(s.toLowerCase())) return false;
  if (QUANTITY.test(s)) return true;
  if (!PLAIN_START.test(s)) return false;
  if (!PLAIN_BODY.test(s)) return false;
  if (s.endsWith(' ') || s.endsWith(':')) return false;
  if (s.includes(': ') || s.includes(' #')) return false;
  // YAML 1.1 parsers with a loose float pattern read `e0` or `E5` as numbers.
  if (/^[-+]?[0-9_.]*[eE][-+]?[0-9]+$/.test(s)) return false;
  // A leading '.' can read as .inf/.nan/.5 or '.' (NaN in YAML 1.1); only relative paths stay plain.
  if (s[0] === '.' && !/^\.\.?\/./.test(s)) return false;
  return true;
}

function quote(s: string): string {
  // JSON string syntax is a subset of YAML's double-quoted scalar syntax.
  return JSON.stringify(s);
}

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new Error(`cannot write ${value} as YAML: only finite numbers are allowed`);
    }
    return String(value);
  }
  return isPlainSafe(value) ? value : quote(value);
}

/** A multi-line string as a block literal, or undefined when it must be double-quoted. */
function blockLiteral(s: string, indent: string): string | undefined {
  if (!s.includes('\n') || CONTROL.test(s) || s.includes('\r')) return undefined;
  const lines = s.split('\n');
  // Auto-detected indentation would break on a leading space in the first content line.
  const firstContent = lines.find((l) => l.length > 0);
  if (firstContent === undefined || firstContent[0] === ' ' || firstContent[0] === '\t') return undefined;
  // Trailing whitespace on a line is legal in a literal but invisible; keep those quoted.
  if (lines.some((l) => /[ \t]$/.test(l))) return undefined;
  let chomp: string;
  let body = lines;
  if (s.endsWith('\n')) {
    body = lines.slice(0, -1);
    chomp = body.length > 0 && body[body.length - 1] === '' ? '+' : '';
  } else {
    chomp = '-';
  }
  const out = body.map((l) => (l.length === 0 ? '' : indent + l));
  return `|${chomp}\n${out.join('\n')}`;
}

function isEmptyCollection(v: JsonValue): boolean {
  if (Array.isArray(v)) return v.length === 0;
  if (v === null || typeof v !== 'object') return false;
  for (const k in v) {
    if ((v as Record<string, JsonValue | undefined>)[k] !== undefined) return false;
  }
  return true;
}

function emitKey(key: string): string {
  return isPlainSafe(key) ? key : quote(key);
}

function emit(value: JsonValue, indent: string, out: string[], path: string): void {
  // Called for collections only; the caller has written the key or dash.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i] as JsonValue;
      const p = `${path}[${i}]`;
      if (item !== null && typeof item === 'object' && !isEmptyCollection(item)) {
        if (Array.isArray(item)) {
          out.push(`${indent}-\n`);
          emit(item, indent + INDENT, out, p);
        } else {
          // First key on the dash line, the rest aligned under it.
          const lines: string[] = [];
          emit(item, indent + INDENT, lines, p);
          const first = lines[0];
          lines[0] = `${indent}- ${first.slice(indent.length + INDENT.length)}`;
          out.push(...lines);
        }
      } else {
        out.push(`${indent}- ${inline(item, indent + INDENT, p)}\n`);
      }
    }
    return;
  }
  const obj = value as { readonly [k: string]: JsonValue | undefined };
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v === undefined) continue;
    const p = path ? `${path}.${key}` : key;
    const k = emitKey(key);
    if (v !== null && typeof v === 'object' && !isEmptyCollection(v)) {
      out.push(`${indent}${k}:\n`);
      emit(v, indent + INDENT, out, p);
    } else {
      out.push(`${indent}${k}: ${inline(v, indent + INDENT, p)}\n`);
    }
  }
}

/** A scalar, an empty collection, or a block literal, written after `key: ` or `- `. */
function inline(v: JsonValue, childIndent: string, path: string): string {
  if (Array.isArray(v)) return '[]';
  if (v !== null && typeof v === 'object') return '{}';
  if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
    throw new Error(`cannot write ${typeof v} at ${path || '<root>'} as YAML`);
  }
  if (typeof v === 'string' && v.includes('\n')) {
    const block = blockLiteral(v, childIndent);
    if (block !== undefined) return block;
  }
  return scalar(v as string | number | boolean | null);
}

/** One YAML document (no `---` marker) for a JSON-like value. */
export function toYaml(value: JsonValue): string {
  if (value !== null && typeof value === 'object' && !isEmptyCollection(value)) {
    const out: string[] = [];
    emit(value, '', out, '');
    return out.join('');
  }
  return `${inline(value, INDENT, '')}\n`;
}

/** A multi-document YAML stream: documents separated by `---`. */
export function toYamlStream(values: readonly JsonValue[]): string {
  return values.map((v) => toYaml(v)).join('---\n');
}
