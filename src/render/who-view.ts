/**
 * `who` tables: grouped by workload and destination (default) or one row per pod (`--by pod`).
 */
import type { Decision } from '../model/decision.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { destinationLabel } from '../config/destinations.ts';
import { messageOf } from './messages.ts';
import { SET_SHOWN_IN_TABLES, sourceText } from './source-text.ts';
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

/** Where who looked: the namespace (undefined: all), the selector, files or the cluster. */
export interface WhoScope {
  namespace?: string;
  selectorText?: string;
  fromFiles: boolean;
}

/**
 * Why who has no row, as kubectl's "No resources found in NS namespace." says where it looked: an
 * input with no pods, a namespace the input has no pods in (and the ones it has), a namespace the
 * cluster does not have (its Namespace list was read), or a selector that matches nothing.
 */
export function noPodsMessage(snapshot: Snapshot, scope: WhoScope): string {
  const where = scope.namespace === undefined ? '' : ` in namespace "${scope.namespace}"`;
  const matching = scope.selectorText ? ` match -l ${scope.selectorText}` : '';
  if (scope.fromFiles) {
    const held = [...new Set(snapshot.pods.map((p) => p.namespace))].sort();
    if (held.length === 0) return 'No pods in the input.\n';
    return `No pods${matching || ''}${where} in the input (its pods are in namespace${held.length > 1 ? 's' : ''} ${held.join(', ')}).\n`;
  }
  const namespacesRead = !snapshot.gaps.some((g) => g.resource === 'namespaces');
  if (scope.namespace !== undefined && namespacesRead && !(scope.namespace in snapshot.namespaceLabels)) {
    return `No pods found: namespace "${scope.namespace}" does not exist.\n`;
  }
  return `No pods${matching ? matching : ' found'}${where || ' in any namespace'}.\n`;
}

function byPod(decisions: readonly Decision[], wide: boolean): Iterable<string> {
  const head = [
    'NAMESPACE',
    'POD',
    'NODE',
    'DESTINATION',
    'SOURCE IP',
    'IDENTITY',
    'VIA',
    'POLICY',
    ...(wide ? ['POD IP', 'GATEWAY', 'REASON'] : []),
  ];
  const rows = decisions.map((d) => [
    d.namespace,
    d.pod,
    d.node ?? '<none>',
    destinationCell(d),
    sourceCell(d),
    d.identity,
    d.via,
    d.policy.verdict,
    ...(wide ? [d.podIP ?? '<none>', gatewayCell(d), reasonCell([d])] : []),
  ]);
  return tablePieces(head, rows);
}

function byWorkload(decisions: readonly Decision[], wide: boolean): Iterable<string> {
  // Each group grows in place, in the order of its first decision: one pass over the decisions.
  const groups = Map.groupBy(decisions, (d) =>
    [d.namespace, d.workload.kind, d.workload.name, destinationLabel(d.destination), d.destination.name ?? ''].join(
      '\u0000',
    ),
  );
  const head = [
    'NAMESPACE',
    'WORKLOAD',
    'PODS',
    'DESTINATION',
    'SOURCE IP',
    'VIA',
    'POLICY',
    ...(wide ? ['IDENTITY', 'NODES', 'GATEWAY', 'REASON'] : []),
  ];
  const rows = [...groups.values()].map((group) => {
    const first = group[0]!;
    return [
      first.namespace,
      `${first.workload.kind}/${first.workload.name}`,
      String(new Set(group.map((d) => d.pod)).size),
      destinationCell(first),
      unique(group.map(sourceCell)),
      unique(group.map((d) => d.via)),
      unique(group.map((d) => d.policy.verdict)),
      ...(wide
        ? [
            unique(group.map((d) => d.identity)),
            unique(group.map((d) => d.node ?? '<none>')),
            unique(group.map(gatewayCell)),
            reasonCell(group),
          ]
        : []),
    ];
  });
  return tablePieces(head, rows);
}

function destinationCell(d: Decision): string {
  const label = destinationLabel(d.destination);
  return d.destination.name ? `${label} (${d.destination.name})` : label;
}

/**
 * The egress policy verdicts under the table (stderr): how many pod-destination pairs each verdict
 * has; nothing where no policy isolates any pod and none is unknown.
 */
export function policySummary(decisions: readonly Decision[]): string {
  const counts = { allowed: 0, denied: 0, unknown: 0 };
  for (const d of decisions) counts[d.policy.verdict]++;
  if (counts.denied === 0 && counts.unknown === 0 && decisions.every((d) => d.policy.decidedBy.length === 0)) return '';
  const parts = (['allowed', 'denied', 'unknown'] as const)
    .filter((v) => counts[v] > 0)
    .map((v) => `${counts[v]} ${v}`);
  return `Egress policy (pod and destination pairs): ${parts.join(', ')}${counts.unknown > 0 ? ' (explain POD says why)' : ''}\n`;
}

function gatewayCell(d: Decision): string {
  return d.gateway ? `${d.gateway.node} (${d.gateway.policy})` : '<none>';
}

/** MARK after a source IP: the answer rests on an assumption or has a caveat (its warnings). */
function sourceCell(d: Decision): string {
  return `${sourceText(d, SET_SHOWN_IN_TABLES)}${d.warnings.length > 0 ? MARK : ''}`;
}

const MARK = '*';

/**
 * What the marked rows rest on, for stderr under the table: each warning once per code (on a
 * cluster off any cloud every node has one), with how many more alike there are.
 */
export function whoLegend(decisions: readonly Decision[]): string {
  const byCode = new Map<string, Set<string>>();
  for (const warning of decisions.flatMap((d) => d.warnings)) {
    const messages = byCode.get(warning.code) ?? new Set<string>();
    byCode.set(warning.code, messages.add(messageOf(warning)));
  }
  if (byCode.size === 0) return '';
  const lines = [...byCode.values()].map((messages) => {
    const [first, ...more] = [...messages];
    return `  ${first}${more.length > 0 ? ` (and ${more.length} more like it)` : ''}\n`;
  });
  return `${MARK} the answer rests on an assumption (see explain or -o json):\n${lines.join('')}`;
}

function reasonCell(group: readonly Decision[]): string {
  return unique(
    group.map((d) => (d.reasons.at(-1) ? messageOf(d.reasons.at(-1)!) : '')),
    '; ',
  );
}

/**
 * A workload's distinct values in one cell, sorted: the first few, then how many more. A DaemonSet
 * on 2,000 nodes has 2,000 node IPs, which as one cell would widen every row of the table past
 * reading; `--by pod`, `-o json` and `allowlist` list each.
 */
const SHOWN_IN_GROUPS = 5;

function unique(values: readonly string[], separator = ', '): string {
  const distinct = [...new Set(values)].sort();
  if (distinct.length <= SHOWN_IN_GROUPS) return distinct.join(separator);
  return `${distinct.slice(0, SHOWN_IN_GROUPS).join(separator)} (+${distinct.length - SHOWN_IN_GROUPS} more; --by pod lists each)`;
}
