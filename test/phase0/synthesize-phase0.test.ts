/**
 * `synthesizePhase0(sov)`: what `catalyst synth` writes under tofu/. Pure, deterministic, keyed
 * `tofu/<stack>/cdk.tf.json`, nothing machine-specific in it, no secret values.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AWS, HETZNER, sovereign } from './support';
import { isCatalystError } from '../../src/errors';
import { synthesizePhase0 } from '../../stacks';
import { ROOT } from '../support/tools';

describe('synthesizePhase0', () => {
  test('one file per stack, keyed tofu/<stack>/cdk.tf.json; none without a cloud', () => {
    expect([...synthesizePhase0(sovereign(HETZNER)).keys()]).toEqual(['tofu/hetzner/cdk.tf.json']);
    expect([...synthesizePhase0(sovereign(AWS)).keys()]).toEqual(['tofu/aws/cdk.tf.json']);
    expect(synthesizePhase0(sovereign()).size).toBe(0);
  });

  test('deterministic: two Sovereigns from the same props give the same bytes', () => {
    const cloud = { ...HETZNER, controlPlane: { count: 3 as const }, workers: { b: { serverType: 'cx32', count: 1 }, a: { serverType: 'cx22', count: 2 } } };
    expect(synthesizePhase0(sovereign(cloud))).toEqual(synthesizePhase0(sovereign(cloud)));
  });

  test('nothing machine-specific: no absolute paths, stack traces, timestamps or backend', () => {
    const text = synthesizePhase0(sovereign(HETZNER)).get('tofu/hetzner/cdk.tf.json')!;
    expect(text).not.toContain(process.cwd());
    expect(text).not.toContain(os.tmpdir());
    expect(text).not.toContain(os.homedir());
    expect(text).not.toMatch(/stackTrace|\d{4}-\d{2}-\d{2}T\d{2}:/);
    const json = JSON.parse(text);
    expect(json['//'].metadata).toMatchObject({ stackName: 'hetzner', version: expect.any(String) });
    expect(json.terraform.backend).toBeUndefined();
  });

  test('writes nothing to disk', () => {
    const before = fs.readdirSync(process.cwd()).sort();
    const tmpBefore = fs.readdirSync(os.tmpdir()).length;
    synthesizePhase0(sovereign(AWS));
    expect(fs.readdirSync(process.cwd()).sort()).toEqual(before);
    expect(fs.existsSync(path.join(process.cwd(), 'cdktf.out'))).toBe(false);
    expect(fs.readdirSync(os.tmpdir()).length).toBe(tmpBefore);
  });

  test('no secret values: secrets are sensitive variables without defaults', () => {
    const json = JSON.parse(synthesizePhase0(sovereign({ ...HETZNER, pullSecret: {}, kubeconfigPostback: { deploymentId: 'x' } })).get('tofu/hetzner/cdk.tf.json')!);
    for (const name of ['hcloud_token', 'registry_pull_token', 'kubeconfig_bearer_token']) {
      expect(json.variable[name].sensitive).toBe(true);
      expect(json.variable[name].default).toBeUndefined();
    }
  });

  test('invalid cloud props surface as a CatalystError with field paths', () => {
    try {
      synthesizePhase0(sovereign({ ...HETZNER, regions: ['fsn1', 'hel1'] }));
      throw new Error('expected an error');
    } catch (e) {
      expect(isCatalystError(e)).toBe(true);
      expect((e as { issues: Array<{ path: string }> }).issues[0].path).toBe('sovereign.cloud.regions');
    }
  });

  test('Phase 0 needs a real Git repository for Flux (the Sovereign default is a placeholder)', () => {
    expect(() => synthesizePhase0(sovereign(HETZNER, { gitops: undefined }))).toThrow(/sovereign\.gitops\.url: Phase 0 bootstraps Flux/);
  });

  test('the Sovereign must contain bp-cilium (Phase 0 installs the CNI it adopts)', () => {
    expect(() => synthesizePhase0(sovereign(HETZNER, { blueprints: [] }))).toThrow(/sovereign\.kit\.cilium/);
  });
});

describe('the cdktf CLI entry (examples/phase0-app.ts, cdktf.json)', () => {
  test('cdktf synth writes the same resources as synthesizePhase0 for the example Sovereign', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { phase0ExampleApp, awsExampleSovereign } = require('../../examples/phase0-app') as typeof import('../../examples/phase0-app');
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-out-'));
    const prev = process.env.CDKTF_OUTDIR;
    process.env.CDKTF_OUTDIR = out;
    try {
      phase0ExampleApp('aws').synth();
    } finally {
      if (prev === undefined) delete process.env.CDKTF_OUTDIR;
      else process.env.CDKTF_OUTDIR = prev;
    }
    const viaCli = JSON.parse(fs.readFileSync(path.join(out, 'stacks', 'aws', 'cdk.tf.json'), 'utf8'));
    const viaLibrary = JSON.parse(synthesizePhase0(awsExampleSovereign()).get('tofu/aws/cdk.tf.json')!);
    expect(viaCli.resource).toEqual(viaLibrary.resource);
    expect(viaCli.variable).toEqual(viaLibrary.variable);
    fs.rmSync(out, { recursive: true, force: true });
    for (const f of ['cdktf.json', 'examples/cdktf.json']) {
      const config = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', f), 'utf8'));
      expect(config).toMatchObject({ language: 'typescript', app: expect.stringMatching(/phase0-app\.ts$/) });
    }
    expect(() => phase0ExampleApp('gcp')).toThrow(/hetzner or aws/);
  });
});

describe('start-up cost', () => {
  test("loading Phase 0 (compiled, under Node's loader) leaves cdktf's archiver unloaded until something uses it", () => {
    const script = `
      const path = require('path');
      const stacks = require(${JSON.stringify(path.join(ROOT, 'lib', 'stacks', 'index.js'))});
      const loaded = () => Object.keys(require.cache).some((f) => f.includes(path.sep + 'archiver-utils' + path.sep));
      const loadedWithStacks = loaded();
      const file = require.resolve('archiver', { paths: [path.join(path.dirname(require.resolve('cdktf')), 'private')] });
      const archiver = require(file);
      const zip = archiver('zip');
      console.log(JSON.stringify({ loadedWithStacks, stackNames: Object.keys(stacks.PHASE0_STACK_NAMES), zip: zip.constructor.name, create: typeof archiver.create, loadedAfterUse: loaded() }));`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ loadedWithStacks: false, stackNames: ['hetzner', 'aws'], zip: 'Archiver', create: 'function', loadedAfterUse: true });
  });
});
