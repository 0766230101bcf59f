/**
 * The main thread's end of `catalyst synth`'s writer thread (src/synth-worker.ts); the
 * synthesis that feeds it is `synthesizeInto` (src/synth.ts).
 *
 * Values are sent by structured clone, which keeps what the YAML emitter sees of them; one it
 * cannot clone (a function) is rendered here, so the emitter's own error names it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { FileRecipe, renderOutcome } from './render';
import type { FromWriter, ToWriter, Verdict, WriterData, WriterFile } from './synth-protocol';

/** Files per message. */
const BATCH = 8;

/**
 * Files sent but not yet taken in by the writer thread beyond which the main thread renders a
 * file itself (the writer thread then only checks and writes it): both threads stay busy, and
 * the main thread does not finish building only to wait for a long queue of rendering.
 */
const BACKLOG = 2 * BATCH;

/** The writer thread's script. Absent when the library runs from its TypeScript sources (tests). */
const WORKER_SCRIPT = path.join(__dirname, 'synth-worker.js');

/** Writer threads not yet exited. */
const live = new Set<SynthWriter>();

/**
 * Aborts every writer thread still running. The CLI calls it last: a thread left running would
 * keep the process alive, and its output must not be committed by nobody's decision.
 */
export async function stopWriterThreads(): Promise<void> {
  await Promise.all([...live].map((w) => w.abort()));
}

/** The main thread's end of the writer thread. */
export class SynthWriter {
  /** Starts the writer thread for `outDir`; undefined when the library runs from its TypeScript sources. */
  static start(outDir: string): SynthWriter | undefined {
    return fs.existsSync(WORKER_SCRIPT) ? new SynthWriter(outDir) : undefined;
  }

  /** Files sent so far. */
  sent = 0;
  /** Milliseconds the main thread spent rendering files itself. */
  renderMs = 0;
  private readonly worker: Worker;
  private readonly replies: FromWriter[] = [];
  private batch: WriterFile[] = [];
  private waiting: ((m: FromWriter | Error) => void) | undefined;
  private failure: Error | undefined;
  private finished = false;

  /** Files posted to the writer thread. */
  private posted = 0;
  private readonly progress: Int32Array;

  private constructor(outDir: string) {
    const progress = new SharedArrayBuffer(4);
    this.progress = new Int32Array(progress);
    const data: WriterData = { out: outDir, progress };
    this.worker = new Worker(WORKER_SCRIPT, { workerData: data });
    live.add(this);
    this.worker.on('message', (m: FromWriter) => this.deliver(m));
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => {
      live.delete(this);
      if (!this.finished) this.fail(new Error(`the writer thread stopped (exit code ${code})`));
    });
  }

  private deliver(m: FromWriter): void {
    if (m.t !== 'verdict') this.finished = true;
    const w = this.waiting;
    this.waiting = undefined;
    if (w) w(m);
    else this.replies.push(m);
  }

  private fail(e: Error): void {
    this.failure ??= e;
    const w = this.waiting;
    this.waiting = undefined;
    w?.(e);
  }

  private post(m: ToWriter): void {
    this.worker.postMessage(m);
  }

  private next(): Promise<FromWriter> {
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = (m) => (m instanceof Error ? reject(m) : resolve(m));
    });
  }

  /**
   * Sends one file. Never throws for its content: a problem is the writer thread's to report, in
   * order. Files go in small batches: a message costs more than cloning a small file.
   */
  send(file: string, recipe: FileRecipe): void {
    this.sent++;
    // JSON of values that may have toJSON() is made here: a structured clone would drop the method.
    const here = ('json' in recipe && !recipe.plain) || this.posted - Atomics.load(this.progress, 0) > BACKLOG;
    if (here && !('text' in recipe)) {
      const t = performance.now();
      this.batch.push({ path: file, recipe: renderOutcome(file, recipe) });
      this.renderMs += performance.now() - t;
    } else {
      this.batch.push({ path: file, recipe });
    }
    if (this.batch.length >= BATCH) this.flush();
  }

  private flush(): void {
    const files = this.batch;
    if (!files.length) return;
    this.batch = [];
    this.posted += files.length;
    try {
      this.post({ t: 'files', files });
    } catch {
      // Something in the batch cannot be cloned (a function, a symbol): one by one, rendering that one here.
      for (const f of files) {
        try {
          this.post({ t: 'files', files: [f] });
        } catch {
          this.post({ t: 'files', files: [{ path: f.path, recipe: renderOutcome(f.path, f.recipe as FileRecipe) }] });
        }
      }
    }
  }

  fluxComplete(): void {
    this.flush();
    this.post({ t: 'flux' });
  }

  /** Everything is sent: the writer thread's findings. */
  async end(): Promise<Verdict> {
    this.flush();
    this.post({ t: 'end' });
    const m = await this.next();
    if (m.t !== 'verdict') throw new Error(`writer thread: expected a verdict, got ${m.t}`);
    return m.verdict;
  }

  /** Puts the output in place of the target. */
  async commit(): Promise<void> {
    this.post({ t: 'commit' });
    const m = await this.next();
    if (m.t === 'failed') throw Object.assign(new Error(m.error.message), { stack: m.error.stack });
  }

  /** Discards what was written; the target stays as it was. Never throws. */
  async abort(): Promise<void> {
    if (this.finished) return;
    this.batch = [];
    try {
      this.post({ t: 'abort' });
      await this.next();
    } catch {
      // the thread is gone: its temporary directory is removed by the next write (removeLeftovers)
    } finally {
      this.finished = true;
      await this.worker.terminate().catch(() => undefined);
    }
  }
}
