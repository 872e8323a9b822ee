/**
 * The cache primitives of a predict call. Keys compare by identity (objects) or value (strings,
 * numbers, booleans), so two keys are equal only when every part is the same. Each table has a
 * fixed number of key parts, so a lookup is that many Map reads and allocates nothing (lookups run
 * for every packet): callers look a value up with `find` and work it out only when it is missing,
 * instead of handing over a closure on every call.
 */

/** Values are never undefined: undefined from `find` means "not worked out yet". */
export class Table2<A, B, V extends NonNullable<unknown>> {
  private readonly rows = new Map<A, Map<B, V>>();

  find(a: A, b: B): V | undefined {
    return this.rows.get(a)?.get(b);
  }

  put(a: A, b: B, value: V): V {
    this.row(a).set(b, value);
    return value;
  }

  /** The values under one first part, to look up by the second many times (a pod's packets). */
  row(a: A): Map<B, V> {
    let row = this.rows.get(a);
    if (!row) this.rows.set(a, (row = new Map()));
    return row;
  }
}

export class Table3<A, B, C, V extends NonNullable<unknown>> {
  private readonly rows = new Map<A, Table2<B, C, V>>();

  find(a: A, b: B, c: C): V | undefined {
    return this.rows.get(a)?.find(b, c);
  }

  put(a: A, b: B, c: C, value: V): V {
    let row = this.rows.get(a);
    if (!row) this.rows.set(a, (row = new Table2()));
    return row.put(b, c, value);
  }
}

const END = Symbol('end');
type Level = Map<unknown, unknown>;

function descend(level: Level, part: unknown): Level {
  let next = level.get(part) as Level | undefined;
  if (!next) level.set(part, (next = new Map()));
  return next;
}

/**
 * One canonical object per distinct content: an input whose every field holds the same value (by
 * identity for objects) as an earlier one's is replaced by that earlier object. A verdict cached by
 * the canonical input is then keyed by every field the computation can read, and by nothing else.
 */
export class Interner {
  private readonly root: Level = new Map();

  intern<T extends object>(kind: unknown, input: T): T {
    let level = descend(this.root, kind);
    const fields = input as Record<string, unknown>;
    // Fields in the order the input was built in: inputs built by one function share it, and an
    // input built in another order is only a miss, never a wrong match.
    for (const key in fields) level = descend(descend(level, key), fields[key]);
    const found = level.get(END) as T | undefined;
    if (found) return found;
    level.set(END, input);
    return input;
  }
}
