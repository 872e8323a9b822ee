/**
 * Which pods a command looks at: kubectl's -n/-A/-l, and a `POD` or `KIND/NAME` target.
 */
import type { PodInfo, Snapshot } from '../model/snapshot.ts';
import type { LabelSelector } from '../model/selector.ts';
import { matchesSelector } from './core/label-selector.ts';
import { compareText } from '../config/text-order.ts';

export interface PodSelection {
  /** undefined with allNamespaces. */
  namespace?: string;
  allNamespaces: boolean;
  selector: LabelSelector;
  target?: { kind: string; name: string };
}

/** Pods in the order of every answer (by namespace, then name), as the type says. */
export type PodsInOrder = readonly PodInfo[] & { readonly inAnswerOrder: true };

export function selectPods(snapshot: Snapshot, selection: PodSelection): PodsInOrder {
  return inAnswerOrder(
    snapshot.pods
      .filter((p) => selection.allNamespaces || p.namespace === selection.namespace)
      .filter((p) => matchesSelector(p.labels, selection.selector))
      .filter((p) => !selection.target || matchesTarget(p, selection.target)),
  );
}

export function inAnswerOrder(pods: readonly PodInfo[]): PodsInOrder {
  return [...pods].sort(comparePods) as readonly PodInfo[] as PodsInOrder;
}

/** The order of pods in every answer: by namespace, then name. */
export function comparePods(a: PodInfo, b: PodInfo): number {
  return compareText(a.namespace, b.namespace) || compareText(a.name, b.name);
}

function matchesTarget(pod: PodInfo, target: { kind: string; name: string }): boolean {
  if (target.kind === 'Pod') return pod.name === target.name;
  return pod.workload.kind === target.kind && pod.workload.name === target.name;
}
