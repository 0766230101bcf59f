/**
 * A user program that throws, fails to load, or exports the wrong thing: the CLI reports it as
 * the user's error (with the user's stack), never as an internal error, exits non-zero, and
 * leaves the previous output byte-identical.
 */
import * as fs from 'fs';
import * as path from 'path';
import { cli, programFile, snapshotTree, validSovereign } from './harness';
import { tempDir } from '../support/tools';

interface ProgramCase {
  readonly name: string;
  /** Source of the program (CommonJS); `LIB` is replaced by the library's src/ path. */
  readonly source: string;
  readonly code: number;
  readonly stderr: RegExp;
}

const LIB = path.join(__dirname, '..', '..', 'src');
const leakyBlueprint = (method: 'overlays' | 'chartValues', body: string) => `
const { Blueprint, blueprintSpec, helmChart } = require(LIB + '/blueprint');
const { Sovereign, use } = require(LIB + '/sovereign');
const { strictObject } = require(LIB + '/values');
class Broken extends Blueprint {
  ${method}() { ${body} }
}
Broken.spec = blueprintSpec({ name: 'broken', version: '1.0.0', section: 'pts-test', card: { title: 'b', summary: 'b' },
  upstream: [helmChart('broken', '1.0.0', 'https://charts.example.test')], namespace: 'broken', values: strictObject({}), defaults: {} });
module.exports = new Sovereign({ fqdn: 'bad.sovereign.test', org: { name: 'Acme', email: 'ops@acme.test' }, includeKit: false, blueprints: [use(Broken)] });
`;

const cases: ProgramCase[] = [
  { name: 'throws a TypeError while loading', source: 'const x = undefined;\nx.fqdn;\n', code: 3, stderr: /^error in your program: .*program-case-\d+\.js threw while loading:\nTypeError: Cannot read properties of undefined \(reading 'fqdn'\)\n\s+at .*program-case-\d+\.js:2/ },
  { name: 'throws an Error from its default export', source: "module.exports = () => { throw new Error('no FQDN configured for stage'); };\n", code: 3, stderr: /^error in your program: .*program-case-\d+\.js: its default export threw:\nError: no FQDN configured for stage\n\s+at .*program-case-\d+\.js:1/ },
  { name: 'throws a value that is not an Error', source: "throw 'boom';\n", code: 3, stderr: /^error in your program: .*threw while loading:\nboom/ },
  { name: 'has a syntax error', source: 'module.exports = {\n', code: 3, stderr: /^error in your program: .*threw while loading:\n[\s\S]*SyntaxError/ },
  { name: 'requires a module that does not exist', source: "require('./no-such-helper');\n", code: 3, stderr: /^error in your program: .*threw while loading:\nError: Cannot find module '\.\/no-such-helper'/ },
  { name: 'exports something that is not a Sovereign', source: "module.exports = { fqdn: 'x.example.com' };\n", code: 2, stderr: /^error: .*program-case-\d+\.js must export a Sovereign \(or a function returning one\): module\.exports, export default, or export const sovereign/ },
  { name: 'exports a function that returns nothing', source: 'module.exports = () => undefined;\n', code: 2, stderr: /must export a Sovereign \(or a function returning one\)/ },
  { name: 'builds an invalid Sovereign at load (reported as invalid input, not as a crash)', source: "const { Sovereign } = require(LIB + '/sovereign');\nmodule.exports = new Sovereign({ fqdn: 'NOPE', org: { name: 'Acme', email: 'ops@acme.test' }, includeKit: false });\n", code: 1, stderr: /^error: sovereign\.fqdn: must be a lowercase fully-qualified domain name/ },
  { name: 'a Blueprint whose overlays() throws during synth', source: leakyBlueprint('overlays', "throw new Error('overlay bug in my Blueprint');"), code: 3, stderr: /^error in your program: .*program-case-\d+\.js: a Blueprint of your program threw while synthesizing:\nError: overlay bug in my Blueprint\n[\s\S]*at Broken\.overlays \(.*program-case-\d+\.js:/ },
  { name: 'a Blueprint whose chartValues() throws a TypeError during synth', source: leakyBlueprint('chartValues', 'return this.values.missing.deep;'), code: 3, stderr: /^error in your program: .*a Blueprint of your program threw while synthesizing:\nTypeError: Cannot read properties of undefined \(reading 'deep'\)\n[\s\S]*at Broken\.chartValues \(.*program-case-\d+\.js:/ },
];

describe('bad input: a user program that throws', () => {
  let work: string;
  let out: string;
  let before: Record<string, string>;
  let n = 0;

  beforeAll(async () => {
    work = tempDir('catalyst-program-');
    out = path.join(work, 'out');
    expect((await cli(['synth', '--app', programFile(work, validSovereign), '--out', out])).code).toBe(0);
    fs.writeFileSync(path.join(out, 'README.foreign.md'), 'not ours\n');
    before = snapshotTree(out);
  });

  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const file = path.join(work, `program-case-${++n}.js`);
    // Programs that use the library get `LIB` on their first line; the others keep their line numbers.
    fs.writeFileSync(file, c.source.includes('LIB') ? `const LIB = ${JSON.stringify(LIB)};${c.source}` : c.source);
    const r = await cli(['synth', '--app', file, '--out', out]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.stderr).toMatch(c.stderr);
    expect(r.code).toBe(c.code);
    expect(r.stdout).toBe('');
    expect(snapshotTree(out)).toEqual(before);
  });

  test('--app pointing at no file is a usage error (exit 2), output untouched', async () => {
    const r = await cli(['synth', '--app', path.join(work, 'missing.js'), '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: --app .*missing\.js: no such file/);
    expect(snapshotTree(out)).toEqual(before);
  });
});
