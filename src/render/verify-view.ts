/**
 * verify's output: a comparison table with a summary line (cyclonus's "0 wrong, … correct"), and
 * the EgressVerification envelope of design §5 for -o json|yaml.
 */
import type { Verdict, VerdictKind } from '../model/verification.ts';
import { API_VERSION, reportItem } from './report.ts';
import { sourceText } from './source-text.ts';
import { renderTable } from './table.ts';

const VERDICT_TEXT: Record<Verdict['code'], string> = {
  OBSERVED_AS_PREDICTED: 'the echo saw the predicted address',
  OBSERVED_OTHER_ADDRESS: 'the echo saw another address than predicted',
  DROPPED_AS_PREDICTED: 'the traffic was dropped, as predicted',
  PREDICTED_DROP_BUT_REACHED: 'the traffic was predicted dropped but reached the echo',
  DENIED_AS_PREDICTED: 'the probe could not connect: egress policy denies it, as predicted',
  PREDICTED_DENIED_BUT_REACHED: 'egress policy was predicted to deny the traffic, but it reached the echo',
  PREDICTION_UNKNOWN: 'the prediction is unknown, so nothing to compare',
  PREDICTION_HAS_NO_ADDRESS: 'the prediction names no address (an interface the API does not show)',
  PROBE_POD_IP_UNKNOWN: 'the probe pod IP, which the echo should have seen, never showed in its status',
  NOTHING_OBSERVED: 'the echo endpoint could not be reached',
  PROBE_NOT_REPRESENTATIVE:
    "labels the probe cannot wear (a controller's) or adds (its run id) change the answer for it, so what it sees is not the workload's",
  PROBE_ERROR: 'the probe could not run',
};

export function summary(verdicts: readonly Verdict[]): Record<VerdictKind, number> {
  const counts: Record<VerdictKind, number> = { match: 0, mismatch: 0, inconclusive: 0, error: 0 };
  for (const v of verdicts) counts[v.verdict]++;
  return counts;
}

export function summaryLine(verdicts: readonly Verdict[]): string {
  const c = summary(verdicts);
  return `${c.match} match, ${c.mismatch} mismatch, ${c.inconclusive} inconclusive, ${c.error} error (${verdicts.length} probe${verdicts.length === 1 ? '' : 's'})\n`;
}

export function renderVerify(verdicts: readonly Verdict[]): string {
  if (verdicts.length === 0) return 'No pods to probe.\n';
  const rows = verdicts.map((v) => [
    v.plan.namespace,
    `${v.plan.pod}${v.plan.members.length > 1 ? ` (+${v.plan.members.length - 1})` : ''}`,
    v.plan.node,
    predictedCell(v),
    v.observation.sourceIP ?? '<none>',
    v.verdict,
    v.observation.code === 'OBSERVED'
      ? VERDICT_TEXT[v.code]
      : `${VERDICT_TEXT[v.code]}: ${v.observation.code} ${v.observation.detail}`.trim(),
  ]);
  return (
    renderTable(['NAMESPACE', 'POD', 'NODE', 'PREDICTED', 'OBSERVED', 'VERDICT', 'REASON'], rows) +
    summaryLine(verdicts)
  );
}

/** For `pod-ip` the probe's own address is what counts, and the cell says so. */
function predictedCell(v: Verdict): string {
  if (v.plan.decision.identity === 'pod-ip') return v.expected ? `${v.expected} (probe pod IP)` : '<probe pod IP>';
  return sourceText(v.plan.decision);
}

export function verificationReport(verdicts: readonly Verdict[]): Record<string, unknown> {
  return {
    apiVersion: API_VERSION,
    kind: 'EgressVerification',
    items: verdicts.map((v) => ({
      ...reportItem(v.plan.decision),
      members: v.plan.members,
      predicted: { sourceIP: v.expected, sourceIPs: v.expectedSet, identity: v.plan.decision.identity },
      observed: v.observation.code === 'OBSERVED' ? { sourceIP: v.observation.sourceIP } : null,
      verdict: v.verdict,
      verdictReason: {
        code: v.code,
        message: VERDICT_TEXT[v.code],
        observation: v.observation.code,
        detail: v.observation.detail,
      },
      probe: v.observation.probe,
    })),
    summary: summary(verdicts),
  };
}
