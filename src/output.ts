/**
 * Writes synthesized files atomically: everything goes to a fresh temporary directory beside
 * the target, which then replaces the target in two renames. A failure at any point leaves the
 * previous output as it was.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FileMap } from './synth';

export interface WriteOptions {
  /** Test hook: called after each file is written to the temporary directory. */
  readonly afterFile?: (relPath: string) => void;
}

export function writeAtomically(outDir: string, files: FileMap, options: WriteOptions = {}): void {
  const target = path.resolve(outDir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.tmp-`));
  try {
    for (const [rel, content] of files) {
      const file = path.join(tmp, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
      options.afterFile?.(rel);
    }
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const old = fs.existsSync(target) ? `${tmp}.old` : undefined;
  if (old) fs.renameSync(target, old);
  try {
    fs.renameSync(tmp, target);
  } catch (e) {
    if (old) fs.renameSync(old, target);
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  if (old) fs.rmSync(old, { recursive: true, force: true });
}
