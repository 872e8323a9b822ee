/**
 * Everything one predict call shares, passed explicitly and dropped with it: the snapshot and the
 * query (fixed for the call), values derived from the snapshot's objects, and the tables of verdicts
 * that several packets ask for. Nothing here outlives the call, and nothing is module state: a
 * derivation or a table kind is only a name for a slot in the context.
 */
import type { Query } from '../../model/decision.ts';
import type { NodeInfo, Snapshot } from '../../model/snapshot.ts';
import { Interner } from './keyed.ts';

let slots = 0;

/**
 * A value worked out from one object of the snapshot (a node's addresses, a policy's CIDRs). The
 * compute function sees that object and the call's snapshot and query, nothing else, so the object
 * is the whole key.
 */
export interface Derivation<K extends object, V> {
  readonly slot: number;
  readonly compute: (key: K, ctx: EngineContext) => V;
}

export function derivation<K extends object, V>(compute: (key: K, ctx: EngineContext) => V): Derivation<K, V> {
  return { slot: slots++, compute };
}

/** A table of verdicts one step keeps for the call (keyed.ts), made the first time it is asked for. */
export interface TableKind<T> {
  readonly slot: number;
  readonly create: () => T;
}

export function tableKind<T>(create: () => T): TableKind<T> {
  return { slot: slots++, create };
}

export class EngineContext {
  readonly snapshot: Snapshot;
  readonly query: Query;
  /** Whether decisions carry their trace; only explain shows it. */
  readonly trace: boolean;
  /** Canonical copies of step inputs, so equal inputs share one verdict. */
  readonly inputs = new Interner();
  private readonly slots: unknown[] = [];
  private nodesByName: Map<string, NodeInfo> | undefined;
  private readonly singleLists = new Map<string, readonly string[]>();
  private lastList: readonly string[] = [];

  constructor(snapshot: Snapshot, query: Query) {
    this.snapshot = snapshot;
    this.query = query;
    this.trace = query.trace !== false;
  }

  /** The derivation's value for the object, computed the first time it is asked for. */
  of<K extends object, V>(derivation: Derivation<K, V>, key: K): V {
    // A Map, not a WeakMap: the context, and every value in it, is dropped after the call anyway.
    const values = (this.slots[derivation.slot] ??= new Map<K, V>()) as Map<K, V>;
    // One read in the common case; a value that is undefined is told from a missing one by has().
    const found = values.get(key);
    if (found !== undefined || values.has(key)) return found as V;
    const value = derivation.compute(key, this);
    values.set(key, value);
    return value;
  }

  table<T>(kind: TableKind<T>): T {
    return (this.slots[kind.slot] ??= kind.create()) as T;
  }

  /** The list of one address, one frozen list per address for the call: decisions by the hundred thousand share it. */
  readonly addressList = (address: string): readonly string[] => {
    // A pod's decisions come one after another and mostly share their address: no map read for those.
    if (this.lastList[0] === address) return this.lastList;
    let list = this.singleLists.get(address);
    if (!list) this.singleLists.set(address, (list = Object.freeze([address])));
    return (this.lastList = list);
  };

  node(name: string | undefined): NodeInfo | undefined {
    if (name === undefined) return undefined;
    this.nodesByName ??= new Map(this.snapshot.nodes.map((n) => [n.name, n]));
    return this.nodesByName.get(name);
  }
}
