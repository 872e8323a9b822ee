/**
 * The two cache primitives of a predict call. Both compare keys by identity (objects) or value
 * (strings, numbers, booleans), so two keys are equal only when every part is the same.
 */

const END = Symbol('end');
type Level = Map<unknown, unknown>;

function descend(level: Level, part: unknown): Level {
  let next = level.get(part) as Level | undefined;
  if (!next) level.set(part, (next = new Map()));
  return next;
}

/**
 * Values computed once per key: a kind (one per call site) and up to four parts. The parts are
 * parameters, not a list, so a lookup allocates nothing (it runs for every packet).
 */
export class KeyedCache {
  private readonly root: Level = new Map();

  get<V>(compute: () => V, kind: unknown, a?: unknown, b?: unknown, c?: unknown, d?: unknown): V {
    const level = descend(descend(descend(descend(descend(this.root, kind), a), b), c), d);
    if (level.has(END)) return level.get(END) as V;
    const value = compute();
    level.set(END, value);
    return value;
  }
}

/**
 * One canonical object per distinct content: an input whose every field holds the same value (by
 * identity for objects) as an earlier one's is replaced by that earlier object. A verdict cached by
 * the canonical input is then keyed by every field the computation can read, and by nothing else.
 */
export class Interner {
  private readonly root: Level = new Map();

  intern<T extends object>(kind: string, input: T): T {
    let level = descend(this.root, kind);
    const fields = input as Record<string, unknown>;
    for (const key of Object.keys(fields).sort()) level = descend(descend(level, key), fields[key]);
    const found = level.get(END) as T | undefined;
    if (found) return found;
    level.set(END, input);
    return input;
  }
}
