/**
 * The engine's entry point: snapshot + query → one decision per selected pod and destination,
 * sorted by namespace, pod and destination (design §5). Pure and deterministic.
 */
import type { Decision, Destination, Query } from '../model/decision.ts';
import type { PodInfo, Snapshot } from '../model/snapshot.ts';
import { byName } from './memo.ts';
import type { PacketContext } from './packet.ts';
import { runPipeline } from './pipeline.ts';
import { StepMemo } from './replay.ts';
import { comparePods } from './select.ts';

export function predict(snapshot: Snapshot, pods: readonly PodInfo[], query: Query): Decision[] {
  const nodes = byName(snapshot.nodes);
  const destinations = [...query.destinations].sort(compareDestinations);
  const decisions: Decision[] = [];
  const memo = new StepMemo(destinations);
  // Walking pods and destinations in order yields decisions in order: no sort of the (much longer) result.
  for (const pod of [...pods].sort(comparePods)) {
    const node = pod.nodeName ? nodes.get(pod.nodeName) : undefined;
    // One context per pod, moved along its destinations: no step keeps it.
    const ctx: PacketContext = { snapshot, query, pod, node, destination: destinations[0]!, memo };
    for (const [at, destination] of destinations.entries()) {
      ctx.destination = destination;
      ctx.destinationIndex = at;
      decisions.push(runPipeline(ctx));
    }
  }
  return decisions;
}

export function compareDestinations(a: Destination, b: Destination): number {
  const x = a.range;
  const y = b.range;
  if (x.family !== y.family) return x.family - y.family;
  if (x.first !== y.first) return x.first < y.first ? -1 : 1;
  if (x.last !== y.last) return x.last < y.last ? 1 : -1;
  return (a.name ?? '').localeCompare(b.name ?? '');
}
