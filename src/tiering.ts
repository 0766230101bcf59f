/**
 * When V8's optimizing compiler (TurboFan) may run during a `catalyst` command.
 *
 * A small synthesis is over before TurboFan's background compiles pay off. On the 2-core
 * reference machine they compete with the main thread: for the whole catalog (580 objects),
 * CPU time was ~730 → ~530 ms without TurboFan and wall time 0–16% less (medians of 25
 * interleaved runs, three sittings). A synthesis of 157,000 objects is ~20% slower without it,
 * though. So the
 * CLI starts with TurboFan off, and `produceFiles` turns it on once an output grows large.
 * Flags the user gave Node for the compilers are left alone.
 */
import * as v8 from 'v8';

/** Node/V8 options that choose the compilers: the user decided, we do not toggle. */
const USER_CHOSE = /--(?:no-)?(?:turbofan|opt|maglev|sparkplug)\b|--always-(?:turbofan|opt|sparkplug)|--jitless/;

let deferred = false;

/**
 * Turns TurboFan off until allowOptimization() and returns the V8 flags now set (none if the
 * user's Node options choose the compilers). Call it before loading anything that should start
 * without TurboFan; V8 rejects code caches made under other flags (src/compile-cache.ts keys by them).
 */
export function deferOptimization(): readonly string[] {
  if (deferred) return ['--no-turbofan'];
  if (USER_CHOSE.test(`${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`)) return [];
  v8.setFlagsFromString('--no-turbofan');
  deferred = true;
  return ['--no-turbofan'];
}

/** A long run after all: TurboFan optimizes hot code from now on. No-op unless deferred. */
export function allowOptimization(): void {
  if (!deferred) return;
  deferred = false;
  v8.setFlagsFromString('--turbofan');
}
