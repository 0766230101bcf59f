/**
 * cdktf's index loads `archiver` (with lodash, readable-stream, glob, …: about 200 modules, 5%
 * of the instructions of the example's `catalyst synth`) for TerraformAsset's zip archives.
 * cdktf builds those in a child process (cdktf/lib/private/fs.js run as a script, which loads its
 * own archiver); the copy its index loads into this process is never called. Importing this
 * module before cdktf puts a stand-in for that copy into the module cache: the real package
 * loads on first use.
 */
import { Module } from 'module';
import * as path from 'path';

export function deferArchiver(): void {
  // Only under Node's own CommonJS loader (jest, bundlers and ESM loaders keep their own caches).
  if (require.cache !== (Module as unknown as { _cache: unknown })._cache) return;
  let file: string;
  try {
    // Resolved as cdktf/lib/private/fs.js resolves it: the path is the module cache key.
    const cdktfPrivate = path.join(path.dirname(require.resolve('cdktf')), 'private');
    file = require.resolve('archiver', { paths: [cdktfPrivate] });
  } catch {
    return;
  }
  if (require.cache[file]) return;
  let real: unknown;
  const load = (): object => {
    if (real === undefined) {
      if (require.cache[file] === standIn) delete require.cache[file];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      real = require(file);
    }
    return real as object;
  };
  const standIn = new Module(file, module);
  standIn.filename = file;
  standIn.paths = (Module as unknown as { _nodeModulePaths: (dir: string) => string[] })._nodeModulePaths(path.dirname(file));
  // archiver's export is a function with properties (create, registerFormat, …): forward both.
  standIn.exports = new Proxy(function archiver() {}, {
    apply: (_target, thisArg, args) => Reflect.apply(load() as (...a: unknown[]) => unknown, thisArg, args),
    get: (_target, key) => Reflect.get(load(), key),
    has: (_target, key) => Reflect.has(load(), key),
  });
  standIn.loaded = true;
  require.cache[file] = standIn;
}

deferArchiver();
