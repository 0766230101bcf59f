/**
 * Small builders for Composition patches and transforms, so a Composition reads as what it does
 * (`fromXR('spec.parameters.region', 'spec.forProvider.location')`) and every patch is a typed
 * value the Composition builder can check.
 */
import { CombinePatch, ConvertType, FieldPathPatch, Transform } from './apiextensions';

export interface PatchOptions {
  readonly transforms?: readonly Transform[];
  /** A missing source keeps the resource from being applied (and out of a pipeline's desired state). */
  readonly required?: boolean;
}

function policy(o: PatchOptions | undefined): Pick<FieldPathPatch, 'policy'> {
  return o?.required ? { policy: { fromFieldPath: 'Required' } } : {};
}

function transforms(o: PatchOptions | undefined): Pick<FieldPathPatch, 'transforms'> {
  return o?.transforms?.length ? { transforms: [...o.transforms] } : {};
}

/** XR field → composed field. */
export function fromXR(fromFieldPath: string, toFieldPath: string, o?: PatchOptions): FieldPathPatch {
  return { type: 'FromCompositeFieldPath', fromFieldPath, toFieldPath, ...transforms(o), ...policy(o) };
}

/** Composed field → XR field (usually `status.*`). */
export function toXR(fromFieldPath: string, toFieldPath: string, o?: PatchOptions): FieldPathPatch {
  return { type: 'ToCompositeFieldPath', fromFieldPath, toFieldPath, ...transforms(o), ...policy(o) };
}

/** Several XR fields formatted into one composed field; skipped while any of them is missing. */
export function combineFromXR(fromFieldPaths: readonly string[], fmt: string, toFieldPath: string, o?: PatchOptions): CombinePatch {
  return {
    type: 'CombineFromComposite',
    combine: { variables: fromFieldPaths.map((fromFieldPath) => ({ fromFieldPath })), strategy: 'string', string: { fmt } },
    toFieldPath,
    ...transforms(o),
    ...policy(o),
  };
}

/** `fmt` with `%s` for the value. */
export function format(fmt: string): Transform {
  return { type: 'string', string: { type: 'Format', fmt } };
}

/** Every occurrence of `search` replaced. */
export function replace(search: string, replacement: string): Transform {
  return { type: 'string', string: { type: 'Replace', replace: { search, replace: replacement } } };
}

/** The match (or a group) of a regular expression; fails when the value does not match. */
export function regexp(match: string, group?: number): Transform {
  return { type: 'string', string: { type: 'Regexp', regexp: { match, ...(group !== undefined ? { group } : {}) } } };
}

/** Value looked up in a map; fails for a key that is not in it. */
export function map(entries: { readonly [key: string]: unknown }): Transform {
  return { type: 'map', map: { ...entries } };
}

/** Type conversion. */
export function convert(toType: ConvertType): Transform {
  return { type: 'convert', convert: { toType } };
}

/**
 * A regular expression matching the decimal integers `min..max` (no leading zeros): the
 * replica gate of a pool's `i`-th server is `atLeast(i, max)` on the replica count.
 */
export function integerRangePattern(min: number, max: number): string {
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) {
    throw new Error(`integerRangePattern(${min}, ${max}): need integers 0 <= min <= max`);
  }
  const alternatives: string[] = [];
  for (let n = min; n <= max; ) {
    // The widest block [n, n + 10^k - 1] aligned on 10^k, inside max, whose numbers share n's
    // leading digits: written as those digits and k times [0-9] (k = 1 for n = 0 gives [0-9]).
    const digits = String(n);
    let k = 0;
    for (;;) {
      const next = k + 1;
      const size = 10 ** next;
      const fits = n % size === 0 && n + size - 1 <= max;
      const noLeadingZero = next < digits.length || (n === 0 && next === 1);
      if (!fits || !noLeadingZero) break;
      k = next;
    }
    alternatives.push(`${digits.slice(0, digits.length - k)}${'[0-9]'.repeat(k)}`);
    n += 10 ** k;
  }
  return `^(${mergeDigitRuns(alternatives).join('|')})$`;
}

/** Collapses consecutive alternatives that differ only in their last digit (`12|13|14` → `1[2-4]`). */
function mergeDigitRuns(alts: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < alts.length) {
    const head = alts[i];
    const m = /^(.*?)([0-9])((?:\[0-9\])*)$/.exec(head);
    if (!m) {
      out.push(head);
      i += 1;
      continue;
    }
    const [, prefix, digit, tail] = m;
    let last = Number(digit);
    let j = i + 1;
    while (j < alts.length) {
      const n = /^(.*?)([0-9])((?:\[0-9\])*)$/.exec(alts[j]);
      if (!n || n[1] !== prefix || n[3] !== tail || Number(n[2]) !== last + 1) break;
      last += 1;
      j += 1;
    }
    out.push(last === Number(digit) ? head : `${prefix}[${digit}-${last}]${tail}`);
    i = j;
  }
  return out;
}
