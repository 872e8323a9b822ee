/**
 * `who` tables: grouped by workload and destination (default) or one row per pod (`--by pod`).
 */
import type { Decision } from '../model/decision.ts';
import { messageOf } from './messages.ts';
import { tablePieces } from './table.ts';

export interface WhoViewOptions {
  by: 'workload' | 'pod';
  wide: boolean;
}

export function renderWho(decisions: readonly Decision[], options: WhoViewOptions): string {
  return [...whoPieces(decisions, options)].join('');
}

/** renderWho's text a piece at a time: `--by pod` of 150,000 pods takes tens of seconds to lay out. */
export function whoPieces(decisions: readonly Decision[], options: WhoViewOptions): Iterable<string> {
  if (decisions.length === 0) return ['No pods found.\n'];
  return options.by === 'pod' ? byPod(decisions, options.wide) : byWorkload(decisions, options.wide);
}

function byPod(decisions: readonly Decision[], wide: boolean): Iterable<string> {
  const head = ['NAMESPACE', 'POD', 'NODE', 'DESTINATION', 'SOURCE IP', 'IDENTITY', 'VIA', ...(wide ? ['POD IP', 'GATEWAY', 'REASON'] : [])];
  const rows = decisions.map((d) => [
    d.namespace, d.pod, d.node ?? '<none>', destinationCell(d), sourceCell(d), d.identity, d.via,
    ...(wide ? [d.podIP ?? '<none>', gatewayCell(d), reasonCell([d])] : []),
  ]);
  return tablePieces(head, rows);
}

function byWorkload(decisions: readonly Decision[], wide: boolean): Iterable<string> {
  // Each group grows in place, in the order of its first decision: one pass over the decisions.
  const groups = Map.groupBy(decisions, (d) => [d.namespace, d.workload.kind, d.workload.name, d.destination.text, d.destination.name ?? ''].join('\u0000'));
  const head = ['NAMESPACE', 'WORKLOAD', 'PODS', 'DESTINATION', 'SOURCE IP', 'VIA', ...(wide ? ['IDENTITY', 'NODES', 'GATEWAY', 'REASON'] : [])];
  const rows = [...groups.values()].map((group) => {
    const first = group[0]!;
    return [
      first.namespace, `${first.workload.kind}/${first.workload.name}`, String(new Set(group.map((d) => d.pod)).size),
      destinationCell(first), unique(group.map(sourceCell)), unique(group.map((d) => d.via)),
      ...(wide ? [unique(group.map((d) => d.identity)), unique(group.map((d) => d.node ?? '<none>')), unique(group.map(gatewayCell)), reasonCell(group)] : []),
    ];
  });
  return tablePieces(head, rows);
}

function destinationCell(d: Decision): string {
  return d.destination.name ? `${d.destination.text} (${d.destination.name})` : d.destination.text;
}

function gatewayCell(d: Decision): string {
  return d.gateway ? `${d.gateway.node} (${d.gateway.policy})` : '<none>';
}

function sourceCell(d: Decision): string {
  return d.sourceIP ?? `<${d.identity}>`;
}

function reasonCell(group: readonly Decision[]): string {
  return unique(group.map((d) => (d.reasons.at(-1) ? messageOf(d.reasons.at(-1)!) : '')), '; ');
}

function unique(values: readonly string[], separator = ', '): string {
  return [...new Set(values)].sort().join(separator);
}
