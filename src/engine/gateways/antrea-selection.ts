/**
 * Which Antrea Egresses select a pod (docs/egress.md "AppliedTo"; antrea-controller's
 * EgressGroups): podSelector alone selects across namespaces, namespaceSelector alone every pod of
 * the namespaces it matches, both together the pods matching both. hostNetwork pods have no OVS
 * port, so no Egress flow applies to them.
 */
import type { AntreaEgress, AntreaEgressLayer } from '../../model/layers/antrea.ts';
import type { PodInfo } from '../../model/snapshot.ts';
import { tableKind, type EngineContext } from '../core/context.ts';
import { matchesSelector } from '../core/label-selector.ts';
import { compareText } from '../../config/text-order.ts';

/** Why the selection is not known: a string, so inputs holding it intern. */
export type SelectionUnknown = `namespace:${string}` | `group:${string}`;

export interface Selection {
  /** The Egresses selecting the pod, in name order; one shared array per distinct set. */
  egresses: readonly AntreaEgress[];
  unknown: SelectionUnknown | undefined;
}

const SHARED = tableKind(() => new Map<string, readonly AntreaEgress[]>());

export function egressesSelecting(ctx: EngineContext, layer: AntreaEgressLayer, pod: PodInfo): Selection {
  const selecting: AntreaEgress[] = [];
  let unknown: SelectionUnknown | undefined;
  const namespaceLabels = ctx.snapshot.namespaceLabels[pod.namespace];
  for (const egress of layer.egresses) {
    const to = egress.appliedTo;
    if (!to) continue;
    if (to.group !== undefined) {
      unknown ??= `group:${egress.name}`;
      continue;
    }
    if (to.podSelector && !matchesSelector(pod.labels, to.podSelector)) continue;
    if (to.namespaceSelector && !namespaceLabels) {
      unknown ??= `namespace:${pod.namespace}`;
      continue;
    }
    if (to.namespaceSelector && !matchesSelector(namespaceLabels!, to.namespaceSelector)) continue;
    selecting.push(egress);
  }
  selecting.sort((a, b) => compareText(a.name, b.name));
  const key = selecting.map((e) => e.name).join('\n');
  const shared = ctx.table(SHARED);
  if (!shared.has(key)) shared.set(key, selecting);
  return { egresses: shared.get(key)!, unknown };
}
