/**
 * allowlist's output: a table per destination with its notes in words, the EgressAllowlist
 * envelope for -o json|yaml, and -o plain (one CIDR per line, for `gcloud`/`aws`/`az`).
 */
import type { Allowlist, AllowlistNote, AllowlistNoteCode } from '../model/allowlist.ts';
import { findingJson, API_VERSION } from './report.ts';
import { refText } from './explain-view.ts';
import { messageOf } from './messages.ts';
import { renderTable } from './table.ts';
import { destinationLabel } from '../config/destinations.ts';

const NOTE_TEXT: Record<AllowlistNoteCode, string> = {
  NODE_IPS_CHANGE_WITH_NODES:
    "node IPs change when nodes are added or replaced (autoscaling, upgrades): allow the nodes' subnet, or send this traffic through a NAT or an egress gateway",
  POD_IPS_CHANGE_ON_RESTART:
    "the pod IP leaves unchanged and changes on every restart: the list holds the nodes' whole pod CIDRs",
  PART_UNKNOWN: 'the address is unknown on some nodes',
  DROPPED_ON_SOME_NODES: 'the traffic is dropped on some nodes, which need no address',
  DENIED_BY_POLICY:
    'egress policy denies this traffic from pods on some nodes: it never leaves them, so no address is listed for them',
  POLICY_VERDICT_UNKNOWN:
    'whether egress policy lets this traffic out is unknown on some nodes; their addresses are listed in case it does',
  NO_ELIGIBLE_NODE: 'no node admits these pods now; a node added for them would bring new addresses',
  SCHEDULING_NOT_VISIBLE:
    'the pod spec (node selector, affinity, tolerations) is not in the input: only the nodes they run on now are covered',
  NODE_HAS_NO_POD_CIDR:
    'the pod IP leaves unchanged but the node shows no pod CIDR: other pods there get other addresses',
  EGRESS_IP_PENDING:
    'an egress object selects these pods but has no IP assigned yet: once it has one, the traffic leaves with that address instead of the ones listed',
};

export function noteMessage(note: AllowlistNote): string {
  const pools = note.pools ? ` (node pools: ${note.pools.join(', ')})` : '';
  const reasons = note.reasons?.length ? `: ${note.reasons.map(messageOf).join('; ')}` : '';
  return `${NOTE_TEXT[note.code]}${pools}${reasons} [${note.subjects.join(', ')}]`;
}

export function renderAllowlists(lists: readonly Allowlist[]): string {
  return lists.map(renderOne).join('\n');
}

function renderOne(list: Allowlist): string {
  const label = destinationLabel(list.destination);
  const dest = list.destination.name ? `${label} (${list.destination.name})` : label;
  const workloads = list.workloads.map((w) => `${w.kind}/${w.name}`).join(', ');
  const header = `Destination:  ${dest}\nWorkloads:    ${workloads || '<none>'} (${list.pods.length} pod${list.pods.length === 1 ? '' : 's'}; running on ${list.currentNodes.length} node${list.currentNodes.length === 1 ? '' : 's'}, may run on ${list.eligibleNodes.length})\n`;
  // The OBJECT column only where an egress object (EgressIP, Egress, …) gave an address.
  const objects = list.sources.some((s) => s.object);
  const rows = list.sources.map((s) => [
    s.address,
    s.origin,
    ...(objects ? [refText(s.object)] : []),
    s.gateway ?? '',
    s.nodes.join(', '),
    s.current ? 'yes' : 'no',
  ]);
  const head = ['ADDRESS', 'ORIGIN', ...(objects ? ['OBJECT'] : []), 'GATEWAY', 'NODES', 'IN USE NOW'];
  const table = rows.length > 0 ? renderTable(head, rows) : 'No address needed.\n';
  const notes = list.notes.map((n) => `  - ${noteMessage(n)}\n`).join('');
  const verdict = list.complete ? 'complete' : 'INCOMPLETE: the set above may not be enough (see the notes)';
  return `${header}${table}Allow:        ${list.cidrs.join(' ') || '<nothing>'}\nSet:          ${verdict}\n${notes ? `Notes:\n${notes}` : ''}`;
}

export function renderPlain(list: Allowlist): string {
  return list.cidrs.map((c) => `${c}\n`).join('');
}

export function allowlistReport(lists: readonly Allowlist[]): Record<string, unknown> {
  return {
    apiVersion: API_VERSION,
    kind: 'EgressAllowlist',
    items: lists.map((l) => ({
      destination: l.destination.text,
      ...(l.destination.name ? { destinationName: l.destination.name } : {}),
      workloads: l.workloads,
      pods: l.pods,
      currentNodes: l.currentNodes,
      eligibleNodes: l.eligibleNodes,
      cidrs: l.cidrs,
      complete: l.complete,
      sources: l.sources,
      notes: l.notes.map((n) => ({
        code: n.code,
        message: NOTE_TEXT[n.code],
        subjects: n.subjects,
        ...(n.pools ? { pools: n.pools } : {}),
        ...(n.reasons ? { reasons: n.reasons.map(findingJson) } : {}),
      })),
    })),
  };
}
