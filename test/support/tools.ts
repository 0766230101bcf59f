/**
 * Test helpers: synthesize into a temp dir, run the real kubectl/helm from .tools/.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { writeAtomically } from '../../src/output';
import { Sovereign } from '../../src/sovereign';
import { synthesize, SynthResult } from '../../src/synth';

export const ROOT = path.resolve(__dirname, '..', '..');
export const KUBECTL = path.join(ROOT, '.tools', 'kubectl');
export const HELM = path.join(ROOT, '.tools', 'helm');

export function tempDir(prefix = 'catalyst-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Every file below `dir`: relative path → content (a symlink as `-> target`, not followed). */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isSymbolicLink()) out[path.relative(dir, p)] = `-> ${fs.readlinkSync(p)}`;
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** Synthesizes a Sovereign into a fresh temp dir; returns the dir and the result. */
export function synthToDisk(sov: Sovereign): { dir: string; result: SynthResult } {
  const result = synthesize(sov);
  const dir = path.join(tempDir(), 'out');
  writeAtomically(dir, result.files);
  return { dir, result };
}

export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string>; readonly [k: string]: unknown };
  readonly [k: string]: unknown;
}

/** Parses a YAML stream into objects (YAML 1.1 semantics, as go-yaml reads it). */
export function parseStream(text: string): K8sObject[] {
  return parseAllDocuments(text, { version: '1.1' })
    .map((d) => {
      if (d.errors.length) throw new Error(d.errors.map((e) => e.message).join('\n'));
      return d.toJS() as K8sObject;
    })
    .filter((o) => o !== null);
}

/** Runs the real `kubectl kustomize DIR` and returns the objects it builds. */
export function kustomize(dir: string): K8sObject[] {
  const out = execFileSync(KUBECTL, ['kustomize', dir], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return parseStream(out);
}

/** Every object of a synthesized file, parsed. */
export function objectsOf(result: SynthResult, file: string): K8sObject[] {
  const text = result.files.get(file);
  if (text === undefined) throw new Error(`no file ${file}; have:\n${[...result.files.keys()].join('\n')}`);
  return parseStream(text);
}

export function objectId(o: K8sObject): string {
  return `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}
