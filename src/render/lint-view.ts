/**
 * lint's output: a table with a summary line, the EgressLintReport envelope for -o json|yaml
 * (design §5's conventions: stable fields, additions only), and the one-line hint `who` prints.
 */
import type { LintCode } from '../engine/lint/index.ts';
import { SEVERITIES, type LintFinding, type Severity } from '../model/lint.ts';
import type { Finding } from '../model/reasons.ts';
import { refText } from './explain-view.ts';
import { lintFix, lintMessage } from './lint-messages.ts';
import { messageOf } from './messages.ts';
import { API_VERSION, findingJson } from './report.ts';
import { renderTable } from './table.ts';

type Findings = readonly LintFinding<LintCode>[];

export function lintSummary(findings: Findings): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

export function renderLint(findings: Findings): string {
  if (findings.length === 0) return 'No findings.\n';
  const rows = findings.map((f) => [f.severity, f.code, refText(f.object), lintMessage(f), lintFix(f)]);
  return `${renderTable(['SEVERITY', 'CODE', 'OBJECT', 'MESSAGE', 'FIX'], rows)}${countText(findings.length)}: ${severityText(findings, false)}\n`;
}

/**
 * `who`'s pointer to lint, for stderr: `2 lint findings (1 error, 1 warning): run kubectl egress lint`;
 * undefined when there is nothing to point at.
 */
export function lintHint(findings: Findings): string | undefined {
  if (findings.length === 0) return undefined;
  return `${findings.length} lint ${findings.length === 1 ? 'finding' : 'findings'} (${severityText(findings, true)}): run kubectl egress lint\n`;
}

/** `warnings` are the read problems that make the view partial (the same as `who` reports). */
export function lintReport(findings: Findings, warnings: readonly Finding[]): Record<string, unknown> {
  return {
    apiVersion: API_VERSION,
    kind: 'EgressLintReport',
    items: findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      object: f.object,
      message: lintMessage(f),
      fix: lintFix(f),
      data: f.data,
    })),
    summary: lintSummary(findings),
    warnings: warnings.map(messageOf),
    warningDetails: warnings.map(findingJson),
  };
}

/** `1 error, 2 warnings, 0 info`; without the zeros when `skipZero`. */
function severityText(findings: Findings, skipZero: boolean): string {
  const counts = lintSummary(findings);
  return SEVERITIES.filter((s) => !skipZero || counts[s] > 0)
    .map((s) => `${counts[s]} ${s}${counts[s] === 1 || s === 'info' ? '' : 's'}`)
    .join(', ');
}

function countText(n: number): string {
  return `${n} ${n === 1 ? 'finding' : 'findings'}`;
}
