/**
 * Messages between `catalyst synth`'s main thread (src/synth-writer.ts) and its writer thread
 * (src/synth-worker.ts). Types only.
 */
import type { FileRecipe, RenderFailure } from './render';
import type { TokenHit } from './tokens';

/** The writer thread's `workerData`. */
export interface WriterData {
  /** The output directory (`--out`). */
  readonly out: string;
  /** One Int32: how many files the writer thread has taken in so far (it stores, the main thread loads). */
  readonly progress: SharedArrayBuffer;
}

/** A file: its recipe, or why rendering it on the main thread failed. */
export interface WriterFile {
  readonly path: string;
  readonly recipe: FileRecipe | RenderFailure;
}

/** Main thread → writer thread, in this order: files, `flux` once, more files, `end`, then `commit` or `abort`. */
export type ToWriter =
  /** Files, in the order synthesis made them. */
  | { readonly t: 'files'; readonly files: readonly WriterFile[] }
  /** Every file of the Flux tree has been sent. */
  | { readonly t: 'flux' }
  /** Everything has been sent: reply with a `verdict`. */
  | { readonly t: 'end' }
  | { readonly t: 'commit' }
  | { readonly t: 'abort' };

/** A problem found in a file, and the file's position in the order files were sent. */
export interface FileProblem {
  readonly seq: number;
  readonly message: string;
  /** The file, relative to the output directory. */
  readonly path: string;
  /** The program's problem (a value YAML cannot hold), not the library's. */
  readonly user?: boolean;
}

export interface Verdict {
  /** The first file (in the order sent) that could not be rendered. */
  readonly renderError?: FileProblem;
  /** The first Flux-tree file with a substitution Flux would not make (see substitutionProblem). */
  readonly substitution?: FileProblem;
  /** How many files came before the `flux` message (all of them if it never came). */
  readonly fluxFiles: number;
  /** Token-like strings, by file, files sorted by path. */
  readonly tokens: ReadonlyArray<readonly [string, readonly TokenHit[]]>;
  readonly files: number;
  readonly bytes: number;
  readonly serialiseMs: number;
  /** Writing into the temporary directory failed (the output cannot be committed). */
  readonly writeError?: { readonly message: string; readonly stack?: string };
}

/** Writer thread → main thread. */
export type FromWriter =
  | { readonly t: 'verdict'; readonly verdict: Verdict }
  | { readonly t: 'done' }
  | { readonly t: 'failed'; readonly error: { readonly message: string; readonly stack?: string } };
