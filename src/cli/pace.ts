/**
 * Long phases (reading a large -f file, predicting, writing the report) give the event loop a
 * turn every few tens of milliseconds, so that Ctrl-C and SIGTERM (entry/bin.ts) are handled
 * within a second instead of when the phase ends. The engine stays synchronous and pure: the
 * drivers here pull its results a piece at a time.
 */
import { performance } from 'node:perf_hooks';

const EVERY_MS = 50;

export class Pacer {
  private last = performance.now();

  /** Cheap enough to call for every item (a clock read, tens of nanoseconds). */
  due(): boolean {
    return performance.now() - this.last >= EVERY_MS;
  }

  /** A turn of the event loop (signal handlers run in it). */
  async turn(): Promise<void> {
    await turn();
    this.last = performance.now();
  }
}

/** One turn of the event loop, between two long synchronous steps. */
export function turn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/** The items of a (lazy) iterable in an array, with event loop turns while they are made. */
export async function collectPaced<T>(items: Iterable<T>, pacer = new Pacer()): Promise<T[]> {
  const all: T[] = [];
  for (const item of items) {
    all.push(item);
    if (pacer.due()) await pacer.turn();
  }
  return all;
}

/** Writes each piece, with event loop turns between them. */
export async function writePaced(
  pieces: Iterable<string>,
  write: (text: string) => void,
  pacer = new Pacer(),
): Promise<void> {
  for (const piece of pieces) {
    write(piece);
    if (pacer.due()) await pacer.turn();
  }
}
