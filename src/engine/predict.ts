/**
 * The engine's entry point: snapshot + query → one decision per selected pod and destination,
 * sorted by namespace, pod and destination (design §5). Pure and deterministic.
 */
import type { Decision, Destination, Query } from '../model/decision.ts';
import type { PodInfo, Snapshot } from '../model/snapshot.ts';
import { runPipeline } from './pipeline.ts';

export function predict(snapshot: Snapshot, pods: readonly PodInfo[], query: Query): Decision[] {
  const nodes = new Map(snapshot.nodes.map((n) => [n.name, n]));
  const decisions: Decision[] = [];
  for (const pod of pods) {
    const node = pod.nodeName ? nodes.get(pod.nodeName) : undefined;
    for (const destination of query.destinations) {
      decisions.push(runPipeline({ snapshot, query, pod, node, destination }));
    }
  }
  return decisions.sort(compareDecisions);
}

export function compareDecisions(a: Decision, b: Decision): number {
  return a.namespace.localeCompare(b.namespace) || a.pod.localeCompare(b.pod) || compareDestinations(a.destination, b.destination);
}

export function compareDestinations(a: Destination, b: Destination): number {
  const x = a.range;
  const y = b.range;
  if (x.family !== y.family) return x.family - y.family;
  if (x.first !== y.first) return x.first < y.first ? -1 : 1;
  if (x.last !== y.last) return x.last < y.last ? 1 : -1;
  return (a.name ?? '').localeCompare(b.name ?? '');
}
