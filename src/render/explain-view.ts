/**
 * `explain`: the decision trace, one line per layer, with the object (and key) each line read.
 */
import type { Decision } from '../model/decision.ts';
import type { ObjectRef } from '../model/objects.ts';
import { destinationLabel } from '../config/destinations.ts';
import { messageOf } from './messages.ts';
import { sourceText } from './source-text.ts';
import { renderTable } from './table.ts';

export function renderExplain(decisions: readonly Decision[]): string {
  return decisions.map(explainOne).join('\n');
}

function explainOne(d: Decision): string {
  const header = [
    `Pod:          ${d.namespace}/${d.pod} (${d.workload.kind}/${d.workload.name})`,
    `Node:         ${d.node ?? '<none>'}`,
    `Pod IP:       ${d.podIP ?? '<none>'}${d.hostNetwork ? ' (hostNetwork)' : ''}`,
    `Destination:  ${d.destination.name ? `${destinationLabel(d.destination)} (${d.destination.name})` : destinationLabel(d.destination)}`,
    '',
  ].join('\n');
  const rows = d.trace.map((step, i) => [
    String(i + 1),
    step.layer,
    step.outcome,
    messageOf(step),
    refText(step.source),
  ]);
  const trace = renderTable(['STEP', 'LAYER', 'OUTCOME', 'WHY', 'SOURCE'], rows);
  const result = `\nResult:       ${resultText(d)} (identity ${d.identity}, via ${d.via})\nPolicy:       ${policyText(d)}\n`;
  const warnings = d.warnings.map((w) => `Warning:      ${messageOf(w)}\n`).join('');
  return header + trace + result + warnings;
}

/** The egress policy verdict and the rules that decided it. */
function policyText(d: Decision): string {
  const by = d.policy.decidedBy.map((r) => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name} ${r.rule}`);
  return `${d.policy.verdict}${by.length > 0 ? ` (${by.join(', ')})` : ''}`;
}

/** explain lists every address of a set, which who's table shortens. */
function resultText(d: Decision): string {
  return d.sourceIP === null && d.sourceIPs.length > 1
    ? `one of ${d.sourceIPs.join(', ')} per connection`
    : sourceText(d);
}

/** `ConfigMap kube-system/ip-masq-agent key config`: an object as the SOURCE and OBJECT columns show it. */
export function refText(ref: ObjectRef | undefined): string {
  if (!ref) return '';
  const name = ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
  return `${ref.kind} ${name}${ref.key ? ` key ${ref.key}` : ''}`;
}
