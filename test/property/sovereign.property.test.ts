/**
 * Property-based tests (fast-check) of the whole pipeline (issue 8):
 *
 *  1. Random valid Sovereign definitions — random subsets of the switchable kit (an entry is
 *     switched off only together with everything that depends on it), random Organizations,
 *     Environments and Applications of test Blueprints, random values and modes — always
 *     synthesize, re-synthesize byte-identically, and pass the audit with zero findings.
 *  2. Random mutations of valid props (a field replaced by a value of the wrong type or shape,
 *     or removed) either synthesize or fail with a CatalystError whose issues all carry a
 *     `sovereign…` path and a message — never a TypeError or another internal error.
 *
 * Runs are bounded (15 full pipelines with the audit, 200 mutations) so the file stays under
 * 30 s; a failure prints the seed and the shrunk counterexample.
 */
import fc from 'fast-check';
import { KIT, KitKey } from '../../blueprints/kit';
import { auditFiles, formatTable } from '../../src/audit';
import { BlueprintClass, resolveRef } from '../../src/blueprint';
import { isCatalystError } from '../../src/errors';
import { orgSlugProblem } from '../../src/naming';
import { Sovereign, SovereignProps, use } from '../../src/sovereign';
import { synthesize } from '../../src/synth';
import { app, ApplicationProps } from '../../src/tenants';
import { fakeBlueprint } from '../support/fake-blueprints';

const Db = fakeBlueprint('db');
const Web = fakeBlueprint('web', '1.0.0', [{ blueprint: Db, version: '^1', alias: 'database' }]);
const Cache = fakeBlueprint('cache');
/** A Blueprint the user adds next to the kit. */
const Extra = fakeBlueprint('extra');

const KIT_KEYS = Object.keys(KIT) as KitKey[];
const KEY_OF = new Map<BlueprintClass, KitKey>(KIT_KEYS.map((k) => [KIT[k] as BlueprintClass, k]));

/** Kit entries that depend directly on each kit entry (from the classes' static specs). */
const DEPENDANTS: ReadonlyMap<KitKey, readonly KitKey[]> = (() => {
  const m = new Map<KitKey, KitKey[]>(KIT_KEYS.map((k) => [k, []]));
  for (const k of KIT_KEYS) {
    for (const d of KIT[k].spec.depends ?? []) {
      const cls = resolveRef(typeof d === 'object' && 'blueprint' in d ? d.blueprint : d);
      const dk = KEY_OF.get(cls);
      if (dk) m.get(dk)!.push(k);
    }
  }
  return m;
})();

/** `seeds` plus everything that (transitively) depends on them: what must be off together. */
function offClosure(seeds: readonly KitKey[]): Set<KitKey> {
  const off = new Set<KitKey>();
  const visit = (k: KitKey) => {
    if (off.has(k)) return;
    off.add(k);
    for (const d of DEPENDANTS.get(k) ?? []) visit(d);
  };
  seeds.forEach(visit);
  return off;
}

const replicas = fc.integer({ min: 1, max: 5 });
const mode = fc.constantFrom<'a' | 'b'>('a', 'b');
const fakeValues = fc.record({ replicas, mode }, { requiredKeys: [] });

/** Applications of one Environment: any of db, web (which brings db along), cache, with random values. */
const applications: fc.Arbitrary<ApplicationProps[]> = fc
  .record({ db: fc.option(fakeValues, { nil: undefined }), web: fc.option(fakeValues, { nil: undefined }), cache: fc.option(fakeValues, { nil: undefined }) })
  .map(({ db, web, cache }) => {
    const out: ApplicationProps[] = [];
    if (db || web) out.push(app('db', Db, { values: db ?? {} }));
    if (web) out.push(app('web', Web, { values: web }));
    if (cache) out.push(app('cache', Cache, { values: cache }));
    return out;
  });

const orgName = fc.stringMatching(/^[a-z][a-z0-9]{3,9}$/).filter((n) => orgSlugProblem(n) === undefined);
const organization = fc.record({
  name: orgName,
  environments: fc.subarray(['dev', 'stg', 'prod'] as const, { maxLength: 2 }).chain((types) =>
    fc.tuple(...types.map(() => applications)).map((apps) => types.map((type, i) => ({ type, applications: apps[i] })))),
});

/**
 * fast-check builds records with a null prototype; a user's program builds ordinary objects.
 * (src/values.ts isPlainObject does not merge null-prototype objects: reported separately.)
 */
function plain<T>(v: T): T {
  if (Array.isArray(v)) return v.map(plain) as unknown as T;
  if (v && typeof v === 'object' && (Object.getPrototypeOf(v) === null || Object.getPrototypeOf(v) === Object.prototype)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) as T;
  }
  return v;
}

/** A random valid Sovereign definition. */
const validProps: fc.Arbitrary<SovereignProps> = fc
  .record({
    fqdn: fc.constantFrom('omantel.omani.works', 'acme.example.test', 'a1.b2.c3.sovereign.test'),
    fqdnMode: fc.constantFrom<'substitute' | 'literal' | undefined>('substitute', 'literal', undefined),
    off: fc.subarray(KIT_KEYS, { maxLength: 6 }),
    hubble: fc.record({ relay: fc.boolean(), ui: fc.boolean() }),
    extra: fc.option(fakeValues, { nil: undefined }),
    organizations: fc.uniqueArray(organization, { maxLength: 2, selector: (o) => o.name }),
  })
  .map(({ fqdn, fqdnMode, off, hubble, extra, organizations }): SovereignProps => {
    const disabled = offClosure(off);
    const kit: Record<string, unknown> = Object.fromEntries([...disabled].map((k) => [k, false]));
    if (!disabled.has('cilium')) kit.cilium = { values: { hubble } };
    return plain({
      fqdn,
      org: { name: 'Acme', email: 'ops@acme.test' },
      ...(fqdnMode ? { fqdnMode } : {}),
      gitops: { url: 'https://git.acme.test/platform/sovereign.git' },
      kit: kit as SovereignProps['kit'],
      blueprints: extra ? [use(Extra, { values: extra })] : [],
      organizations,
    });
  });

/** Every file, for a byte-identical comparison. */
function filesOf(props: SovereignProps): [string, string][] {
  return [...synthesize(new Sovereign(props)).files.entries()];
}

describe('random valid Sovereigns', () => {
  test('synthesize, re-synthesize byte-identically, and pass the audit', () => {
    fc.assert(
      fc.property(validProps, (props) => {
        const first = filesOf(props);
        const second = filesOf(props);
        expect(second.length).toBe(first.length);
        expect(second).toEqual(first);
        const findings = auditFiles(new Map(first));
        expect(findings.length === 0 ? '' : formatTable(findings)).toBe('');
      }),
      { numRuns: 15 },
    );
  });

  test('switching a kit entry off switches off exactly its dependants, and the rest still installs', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KIT_KEYS), (key) => {
        const off = offClosure([key]);
        const sov = new Sovereign({ fqdn: 'acme.example.test', org: { name: 'Acme', email: 'ops@acme.test' }, kit: Object.fromEntries([...off].map((k) => [k, false])) });
        const names = new Set(sov.blueprints.map((b) => b.name));
        for (const k of KIT_KEYS) expect(names.has(KIT[k].spec.name)).toBe(!off.has(k));
      }),
      { numRuns: 20 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Mutations
// ---------------------------------------------------------------------------------------------

type Path = readonly (string | number)[];

/** Copies plain objects and arrays; keeps classes and functions as they are. */
function copy<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copy) as unknown as T;
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)])) as T;
  }
  return v;
}

/** Every path to a property of a plain object or array inside `v`. */
function paths(v: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(v)) {
    v.forEach((x, i) => out.push([...prefix, i], ...paths(x, [...prefix, i])));
  } else if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    for (const [k, x] of Object.entries(v)) out.push([...prefix, k], ...paths(x, [...prefix, k]));
  }
  return out;
}

const REMOVE = Symbol('remove');
/** Values of the wrong type or shape, or out of range. */
const weird = fc.constantFrom<unknown>(
  REMOVE, null, undefined, 0, -1, 1.5, Number.NaN, '', ' ', 'x', 'UPPER_case', '-', 'a'.repeat(300), true, false, [], [1], {}, { a: 1 }, () => 1,
);

function mutate(props: SovereignProps, path: Path, value: unknown): unknown {
  const root = copy(props) as unknown as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = root;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value === REMOVE) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else {
    node[last] = value;
  }
  return root;
}

/** Small valid props (most of the kit off, so a successful synth stays fast), for mutating. */
const smallProps: fc.Arbitrary<SovereignProps> = validProps.map((p) => ({
  ...p,
  kit: { ...Object.fromEntries([...offClosure(['flux', 'spire', 'keycloak', 'cnpg'].filter((k) => k in KIT) as KitKey[])].map((k) => [k, false])), ...p.kit },
}));

describe('random mutations of valid props', () => {
  test('synthesize or fail with path-bearing CatalystErrors, never an internal error', () => {
    const mutation = smallProps.chain((props) => {
      const all = paths(props);
      return fc.tuple(fc.constant(props), fc.constantFrom(...all), weird);
    });
    fc.assert(
      fc.property(mutation, ([props, path, value]) => {
        const mutated = mutate(props, path, value);
        try {
          synthesize(new Sovereign(mutated as SovereignProps));
        } catch (e) {
          if (!isCatalystError(e)) {
            throw new Error(`mutating ${path.join('.')} to ${String(value === REMOVE ? '(removed)' : typeof value === 'function' ? 'a function' : JSON.stringify(value))} threw ${(e as Error)?.stack ?? String(e)}`);
          }
          expect(e.issues.length).toBeGreaterThan(0);
          for (const issue of e.issues) {
            expect(issue.path).toMatch(/^sovereign(\.|\[|$)/);
            expect(issue.message.trim().length).toBeGreaterThan(5);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
