/**
 * The engine's entry point: snapshot + query → one decision per selected pod and destination,
 * sorted by namespace, pod and destination (design §5). Pure and deterministic.
 */
import type { Decision, Destination, Query } from '../model/decision.ts';
import type { PodInfo, Snapshot } from '../model/snapshot.ts';
import { EngineContext } from './core/context.ts';
import { newPacket } from './core/packet.ts';
import { decideOnRoute, routeOf } from './pipeline.ts';
import type { PodsInOrder } from './select.ts';
import { compareText } from '../config/text-order.ts';

export function predict(snapshot: Snapshot, pods: PodsInOrder, query: Query): Decision[] {
  const decide = podDecider(snapshot, query);
  const decisions: Decision[] = [];
  for (const pod of pods) decide(pod, decisions);
  return decisions;
}

/** The same decisions one pod at a time, so that a caller can pause between them (cli/pace.ts). */
export function* predictEach(snapshot: Snapshot, pods: PodsInOrder, query: Query): Generator<Decision> {
  const decide = podDecider(snapshot, query);
  const decisions: Decision[] = [];
  for (const pod of pods) {
    decisions.length = 0;
    decide(pod, decisions);
    yield* decisions;
  }
}

/**
 * Appends a pod's decisions, one per destination in order; walking pods in order yields every
 * decision in order, with no sort of the (much longer) result.
 */
function podDecider(snapshot: Snapshot, query: Query): (pod: PodInfo, into: Decision[]) => void {
  // One context for the call: its indexes and cached verdicts are dropped with it.
  const ctx = new EngineContext(snapshot, query);
  const destinations = [...query.destinations].sort(compareDestinations);
  // One packet state walked for every decision; each decision copies what it keeps.
  const packet = newPacket(ctx.trace);
  return (pod, into) => {
    const node = ctx.node(pod.nodeName);
    // What every packet of the pod shares, once per pod.
    const route = node && routeOf(ctx, pod, node);
    for (const destination of destinations) into.push(decideOnRoute(ctx, pod, route, destination, packet));
  };
}

export function compareDestinations(a: Destination, b: Destination): number {
  const x = a.range;
  const y = b.range;
  if (x.family !== y.family) return x.family - y.family;
  if (x.first !== y.first) return x.first < y.first ? -1 : 1;
  if (x.last !== y.last) return x.last < y.last ? 1 : -1;
  return compareText(a.name ?? '', b.name ?? '');
}
