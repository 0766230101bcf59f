/**
 * A test double of function-patch-and-transform (and classic P&T) for the transforms and patch
 * types the Compositions use: renders the composed resources of a Composition for one XR, so
 * tests can assert what Crossplane would create (names, gates, values). A template whose
 * FromComposite patch fails (Required source missing, map key missing, regexp no match) is left
 * out, as the function leaves it out of the desired state.
 */
import { ComposedTemplate, CompositionSpec, Patch, parseFieldPath, PathSegment, Transform } from '../../constructs/crossplane';

type Json = unknown;

class PatchFailed extends Error {}

function segments(path: string): PathSegment[] {
  const s = parseFieldPath(path);
  if (typeof s === 'string') throw new Error(`bad path ${path}: ${s}`);
  return s;
}

export function getPath(obj: Json, path: string): Json {
  let cur: Json = obj;
  for (const seg of segments(path)) {
    if (cur === undefined || cur === null) return undefined;
    cur = 'index' in seg ? (cur as Json[])[seg.index] : (cur as Record<string, Json>)[seg.field];
  }
  return cur;
}

export function setPath(obj: Record<string, Json>, path: string, value: Json): void {
  const segs = segments(path);
  let cur: Record<string, Json> | Json[] = obj;
  segs.forEach((seg, i) => {
    const last = i === segs.length - 1;
    const key = 'index' in seg ? seg.index : seg.field;
    if (last) {
      (cur as Record<string | number, Json>)[key] = value;
      return;
    }
    const nextIsIndex = 'index' in segs[i + 1];
    let next = (cur as Record<string | number, Json>)[key];
    if (next === undefined || next === null) {
      next = nextIsIndex ? [] : {};
      (cur as Record<string | number, Json>)[key] = next;
    }
    cur = next as Record<string, Json>;
  });
}

function goSprintf(fmt: string, args: readonly Json[]): string {
  let n = 0;
  return fmt.replace(/%%|%(?:\[(\d+)\])?s/g, (m, idx: string | undefined) => {
    if (m === '%%') return '%';
    const v = idx ? args[Number(idx) - 1] : args[n++];
    return String(v);
  });
}

export function applyTransform(t: Transform, input: Json): Json {
  switch (t.type) {
    case 'map': {
      const key = String(input);
      if (!(key in t.map)) throw new PatchFailed(`map: no key ${key}`);
      return t.map[key];
    }
    case 'convert':
      if (t.convert.toType === 'string') return typeof input === 'string' ? input : String(input);
      if (t.convert.toType === 'int64' || t.convert.toType === 'int') {
        const n = Number(input);
        if (!Number.isInteger(n)) throw new PatchFailed(`convert: ${String(input)} is not an integer`);
        return n;
      }
      throw new Error(`convert to ${t.convert.toType} not simulated`);
    case 'string': {
      const s = t.string;
      switch (s.type) {
        case 'Format':
          return goSprintf(s.fmt, [input]);
        case 'Replace':
          return String(input).split(s.replace.search).join(s.replace.replace);
        case 'Regexp': {
          const m = new RegExp(s.regexp.match).exec(String(input));
          if (!m) throw new PatchFailed(`regexp ${s.regexp.match} had no match for ${String(input)}`);
          return m[s.regexp.group ?? 0];
        }
        case 'Convert':
          if (s.convert === 'ToJson') return JSON.stringify(input);
          throw new Error(`string convert ${s.convert} not simulated`);
        default:
          throw new Error(`string transform ${s.type} not simulated`);
      }
    }
    default:
      throw new Error(`transform ${t.type} not simulated`);
  }
}

function applyFromComposite(p: Patch, xr: Json, target: Record<string, Json>): void {
  if (p.type === 'FromCompositeFieldPath') {
    let v = getPath(xr, p.fromFieldPath);
    if (v === undefined) {
      if (p.policy?.fromFieldPath === 'Required') throw new PatchFailed(`required ${p.fromFieldPath} missing`);
      return;
    }
    for (const t of p.transforms ?? []) v = applyTransform(t, v);
    setPath(target, p.toFieldPath, v);
  } else if (p.type === 'CombineFromComposite') {
    const vars = p.combine.variables.map((x) => getPath(xr, x.fromFieldPath));
    if (vars.some((x) => x === undefined)) {
      if (p.policy?.fromFieldPath === 'Required') throw new PatchFailed('required combine variable missing');
      return;
    }
    setPath(target, p.toFieldPath, goSprintf(p.combine.string.fmt, vars));
  }
}

export interface Rendered {
  readonly name: string;
  readonly object: Record<string, Json>;
}

/** The composed resources Crossplane would apply for `xr` (ToComposite patches are not simulated). */
export function renderComposition(spec: CompositionSpec, xr: Json): Rendered[] {
  const templates: readonly ComposedTemplate[] = spec.mode === 'Pipeline' ? (spec.pipeline[0].input as unknown as { resources: ComposedTemplate[] }).resources : spec.resources;
  const out: Rendered[] = [];
  for (const t of templates) {
    const object = JSON.parse(JSON.stringify(t.base)) as Record<string, Json>;
    try {
      for (const p of t.patches ?? []) applyFromComposite(p, xr, object);
      out.push({ name: t.name, object });
    } catch (e) {
      if (!(e instanceof PatchFailed)) throw e;
    }
  }
  return out;
}

/** An XR as Crossplane would build it from a claim (parameters already defaulted). */
export function xrFor(parameters: Json, providerConfig: string, extra: Record<string, Json> = {}): Json {
  return {
    metadata: { name: 'claim-abcde', uid: '0b7f6c1e-1111-4a4a-9999-222233334444', labels: {}, annotations: {} },
    spec: { parameters, providerConfigRef: { name: providerConfig } },
    status: {},
    ...extra,
  };
}
