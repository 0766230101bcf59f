/**
 * One harness for every bad-input case (issue 8): each case is a small program (a function that
 * builds a Sovereign, or a module for the CLI) and the issues it must produce. For every case:
 *
 *  1. building + synthesizing throws a CatalystError (never a TypeError or another internal error);
 *  2. every issue has a field path (`sovereign.…` unless the case is about a class definition)
 *     and a message that says what was wrong and what is allowed; the expected issues are there
 *     (and, with `exactly`, nothing else);
 *  3. `catalyst synth --app <program> --out DIR` exits non-zero, prints each issue as
 *     `error: <path>: <message>`, and leaves the previous DIR byte-identical.
 */
import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../src/cli';
import { CatalystError, isCatalystError, Issue } from '../../src/errors';
import { Sovereign, use } from '../../src/sovereign';
import { synthesize } from '../../src/synth';
import { fakeBlueprint } from '../support/fake-blueprints';
import { tempDir } from '../support/tools';

export const FQDN = 'bad.sovereign.test';
export const ORG = { name: 'Acme', email: 'ops@acme.test' } as const;

/** What one issue must look like. */
export interface ExpectedIssue {
  /** The exact field path, or a pattern for it. */
  readonly path: string | RegExp;
  /** What was wrong and what is allowed. */
  readonly message: RegExp;
}

export interface BadInputCase {
  readonly name: string;
  /** The user's program: builds the Sovereign (and may throw while doing so). */
  readonly make: () => unknown;
  readonly issues: readonly ExpectedIssue[];
  /** Only these issues, nothing else. @default true */
  readonly exactly?: boolean;
  /** Issue paths start with this instead of `sovereign` (class-definition errors). */
  readonly pathRoot?: RegExp;
}

/**
 * Words that say what is allowed or what to do instead. `duplicate … also declared at …` counts:
 * it names the other declaration, and the rule (names are unique) follows from the word.
 */
const GUIDANCE = /\b(duplicate|must|allowed|allow|expected|use|add|remove|give|pick|rename|enable|disable|at most|at least|is required|only|set|split|list|let|restrict|one of|such as|needs?|shorter|odd|reserved|not inside|overlaps|has room|installs)\b/i;

let sequence = 0;

/** Runs the CLI in-process, capturing its output. */
export async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** Every file below `dir` with its bytes, for byte-identical comparisons. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else out[r] = fs.readFileSync(path.join(dir, r)).toString('base64');
    }
  };
  walk('');
  return out;
}

/**
 * A program file for `--app` that builds its Sovereign with `make` (kept in a global the module
 * reads when the CLI calls its default export). The CLI loads it exactly as a user's program.
 */
export function programFile(dir: string, make: () => unknown): string {
  const key = `__catalystBadInput${++sequence}`;
  (globalThis as Record<string, unknown>)[key] = make;
  const file = path.join(dir, `program-${sequence}.js`);
  fs.writeFileSync(file, `module.exports = () => globalThis[${JSON.stringify(key)}]();\n`);
  return file;
}

/** A small valid Sovereign: what the output directory holds before each bad case runs. */
export function validSovereign(): Sovereign {
  return new Sovereign({ fqdn: FQDN, org: ORG, includeKit: false, blueprints: [use(fakeBlueprint('good'))] });
}

/** Runs `fn` and returns what it threw (or fails if it did not throw). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected the program to fail, but it synthesized');
}

function matches(issue: Issue, e: ExpectedIssue): boolean {
  const pathOk = typeof e.path === 'string' ? issue.path === e.path : e.path.test(issue.path);
  return pathOk && e.message.test(issue.message);
}

/** The checks on a CatalystError common to direct and CLI runs. */
export function checkError(c: BadInputCase, error: unknown): asserts error is CatalystError {
  if (!isCatalystError(error)) {
    throw new Error(`expected a CatalystError, got ${(error as Error)?.name}: ${(error as Error)?.stack ?? String(error)}`);
  }
  expect(error.issues.length).toBeGreaterThan(0);
  const root = c.pathRoot ?? /^sovereign(\.|\[|$)/;
  for (const issue of error.issues) {
    expect(issue.path).toMatch(root);
    expect(issue.message.length).toBeGreaterThan(10);
    expect(issue.message).toMatch(GUIDANCE);
  }
  for (const e of c.issues) {
    const found = error.issues.some((i) => matches(i, e));
    if (!found) throw new Error(`no issue matches path ${String(e.path)} and message ${String(e.message)}; got:\n${error.issues.map((i) => `${i.path}: ${i.message}`).join('\n')}`);
  }
  if (c.exactly ?? true) expect(error.issues).toHaveLength(c.issues.length);
}

/** Registers the tests of one category. */
export function badInputSuite(category: string, cases: readonly BadInputCase[]): void {
  describe(`bad input: ${category}`, () => {
    let work: string;
    let out: string;
    let before: Record<string, string>;

    beforeAll(async () => {
      work = tempDir('catalyst-bad-input-');
      out = path.join(work, 'out');
      const r = await cli(['synth', '--app', programFile(work, validSovereign), '--out', out]);
      if (r.code !== 0) throw new Error(`the valid baseline did not synthesize: ${r.stderr}`);
      // A foreign file in the output (a Flux repo checkout) must survive too.
      fs.writeFileSync(path.join(out, 'README.foreign.md'), 'not ours\n');
      before = snapshotTree(out);
    });

    test('case names are unique', () => {
      expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    });

    describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      test('synth throws a CatalystError with path-bearing issues that say what is allowed', () => {
        checkError(c, thrown(() => synthesize(c.make() as Sovereign)));
      });

      test('the CLI exits 1, prints every issue, and leaves the previous output byte-identical', async () => {
        const r = await cli(['synth', '--app', programFile(work, c.make), '--out', out]);
        expect(r.code).toBe(1);
        expect(r.stdout).toBe('');
        const error = thrown(() => synthesize(c.make() as Sovereign));
        checkError(c, error);
        for (const issue of error.issues) expect(r.stderr).toContain(`error: ${issue.path}: ${issue.message}\n`);
        expect(snapshotTree(out)).toEqual(before);
      });
    });
  });
}
