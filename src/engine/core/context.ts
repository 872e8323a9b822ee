/**
 * Everything one predict call shares, passed explicitly and dropped with it: the snapshot and the
 * query (fixed for the call), values derived from the snapshot's objects, and the verdicts of steps
 * that several packets ask for. Nothing here outlives the call, and nothing is module state.
 */
import type { Query } from '../../model/decision.ts';
import type { NodeInfo, Snapshot } from '../../model/snapshot.ts';
import { Interner, KeyedCache } from './keyed.ts';

/**
 * A value worked out from one object of the snapshot (a node's addresses, a policy's CIDRs). The
 * compute function sees that object and the call's snapshot and query, nothing else, so the object
 * is the whole key.
 */
export interface Derivation<K extends object, V> {
  readonly compute: (key: K, ctx: EngineContext) => V;
}

export function derivation<K extends object, V>(compute: (key: K, ctx: EngineContext) => V): Derivation<K, V> {
  return { compute };
}

export class EngineContext {
  readonly snapshot: Snapshot;
  readonly query: Query;
  /** Whether decisions carry their trace; only explain shows it. */
  readonly trace: boolean;
  /** Verdicts of steps keyed by exactly the facts they are computed from (steps/*.ts). */
  readonly verdicts = new KeyedCache();
  /** Canonical copies of step inputs, so equal inputs share one verdict. */
  readonly inputs = new Interner();
  private readonly derived = new Map<Derivation<object, unknown>, WeakMap<object, unknown>>();
  private nodesByName: Map<string, NodeInfo> | undefined;

  constructor(snapshot: Snapshot, query: Query) {
    this.snapshot = snapshot;
    this.query = query;
    this.trace = query.trace !== false;
  }

  /** The derivation's value for the object, computed the first time it is asked for. */
  of<K extends object, V>(derivation: Derivation<K, V>, key: K): V {
    let values = this.derived.get(derivation as Derivation<object, unknown>);
    if (!values) this.derived.set(derivation as Derivation<object, unknown>, (values = new WeakMap()));
    if (values.has(key)) return values.get(key) as V;
    const value = derivation.compute(key, this);
    values.set(key, value);
    return value;
  }

  node(name: string | undefined): NodeInfo | undefined {
    if (name === undefined) return undefined;
    this.nodesByName ??= new Map(this.snapshot.nodes.map((n) => [n.name, n]));
    return this.nodesByName.get(name);
  }
}
