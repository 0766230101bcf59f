/**
 * The writer thread of `catalyst synth` (started by src/synth-writer.ts). It receives each file
 * as a recipe while the main thread builds the next Blueprint, renders it, checks it (Flux
 * substitutions, token-like strings) and writes it into the output's temporary directory. The
 * main thread decides from the verdict whether to commit or abort. Loads only the renderer, the
 * token scan and the output writer, never the library.
 */
import { parentPort, workerData } from 'worker_threads';
import { OutputWriter } from './output';
import { FileRecipe, RenderFailure, renderOutcome, substitutionProblem } from './render';
import type { ToWriter, Verdict, WriterData } from './synth-protocol';
import { scanTokens, TokenHit } from './tokens';

interface FileState {
  /** Position in the order files were sent. */
  readonly seq: number;
  readonly bytes: number;
  readonly tokens: readonly TokenHit[];
  readonly substitution?: string;
  readonly renderError?: string;
  /** renderError is the program's problem (see renderProblem). */
  readonly userError?: boolean;
}

const port = parentPort!;
const { out, progress: progressBuffer } = workerData as WriterData;
const progress = new Int32Array(progressBuffer);
/** By path; a path added again keeps its first position (as in a Map) and its last content. */
const files = new Map<string, FileState>();
let writer: OutputWriter | undefined;
let writeError: { message: string; stack?: string } | undefined;
/** Files sent before the `flux` message. */
let fluxFiles: number | undefined;
let seq = 0;
let serialiseMs = 0;

try {
  writer = new OutputWriter(out);
} catch (e) {
  writeError = describe(e);
}

function describe(e: unknown): { message: string; stack?: string } {
  return { message: (e as Error)?.message ?? String(e), stack: (e as Error)?.stack };
}

function addFile(path: string, recipe: FileRecipe | RenderFailure): void {
  const n = seq++;
  const t = performance.now();
  const outcome = 'error' in recipe ? recipe : renderOutcome(path, recipe);
  serialiseMs += performance.now() - t;
  if ('error' in outcome) {
    files.set(path, { seq: n, bytes: 0, tokens: [], renderError: outcome.error, userError: outcome.user });
    return;
  }
  const text = outcome.text;
  files.set(path, {
    seq: n,
    bytes: Buffer.byteLength(text),
    tokens: scanTokens(text),
    substitution: fluxFiles === undefined ? substitutionProblem(path, text) : undefined,
  });
  if (writer && !writeError) {
    try {
      writer.add(path, text);
    } catch (e) {
      writeError = describe(e);
    }
  }
}

/** What the main thread needs to decide: the first problem of each kind, in the order files were sent. */
function verdict(): Verdict {
  let renderError: Verdict['renderError'];
  let substitution: Verdict['substitution'];
  let bytes = 0;
  const tokens: Array<[string, readonly TokenHit[]]> = [];
  for (const [path, f] of files) {
    bytes += f.bytes;
    if (f.renderError !== undefined && (renderError === undefined || f.seq < renderError.seq)) renderError = { seq: f.seq, message: f.renderError, path, user: f.userError };
    if (f.substitution !== undefined) substitution ??= { seq: f.seq, message: f.substitution, path };
    if (f.tokens.length) tokens.push([path, f.tokens]);
  }
  tokens.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { renderError, substitution, fluxFiles: fluxFiles ?? seq, tokens, files: files.size, bytes, serialiseMs, writeError };
}

port.on('message', (m: ToWriter) => {
  switch (m.t) {
    case 'files':
      for (const f of m.files) {
        addFile(f.path, f.recipe);
        Atomics.add(progress, 0, 1);
      }
      break;
    case 'flux':
      fluxFiles = seq;
      break;
    case 'end':
      port.postMessage({ t: 'verdict', verdict: verdict() });
      break;
    case 'commit':
      try {
        if (writeError || !writer) throw new Error(writeError?.message ?? 'no output writer');
        writer.commit();
        port.postMessage({ t: 'done' });
      } catch (e) {
        port.postMessage({ t: 'failed', error: describe(e) });
      }
      port.close();
      break;
    case 'abort':
      try {
        // The skeleton of directories stays for the next synth: failures are frequent while editing.
        writer?.abort(true);
      } finally {
        port.postMessage({ t: 'done' });
        port.close();
      }
      break;
  }
});
