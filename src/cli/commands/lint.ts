/**
 * `kubectl egress lint`: configuration mistakes that change egress identity (design §7), each with
 * a stable code, a severity, the object to change and the fix. Exit 1 when a finding is at least as
 * severe as --fail-on, so CI can gate on it.
 */
import type { Argv } from 'yargs';
import { everyValue, lastValue } from '../argv.ts';
import { atLeast, lint } from '../../engine/lint/index.ts';
import { selectPods } from '../../engine/select.ts';
import { SEVERITIES } from '../../model/lint.ts';
import { lintReport, renderLint } from '../../render/lint-view.ts';
import { messageOf } from '../../render/messages.ts';
import { serialize } from '../../render/serialize.ts';
import { EXIT } from '../../errors.ts';
import type { Io } from '../io.ts';
import {
  listValues,
  oneOf,
  toOutput,
  toQuery,
  toSelectionOptions,
  toSourceOptions,
  withQueryFlags,
  withSelectionFlags,
  withSourceFlags,
} from '../options.ts';
import { resolveDestinations } from '../destinations.ts';
import { addressRange } from '../../engine/allowlist/cidr-set.ts';
import { UsageError } from '../../errors.ts';
import { loadSnapshot } from '../source.ts';

export const LINT_OUTPUTS = ['table', 'json', 'yaml'] as const;
/** --fail-on takes a severity: the findings at it or above fail the run. */
export const LINT_FAIL_ON = SEVERITIES;

export const lintExamples: [string, string][] = [
  ['$0 lint -A', 'Every check; the pod checks in every namespace'],
  ['$0 lint -A -f cluster.yaml -o json', 'Offline, from a snapshot file, as JSON'],
  ['$0 lint -A --fail-on warning', 'In CI: exit 1 on warnings as well as errors'],
  [
    '$0 lint -n shop --to 203.0.113.10 --allowed 34.76.10.20,34.76.10.31',
    "Workloads a partner's allowlist admits from some nodes only",
  ],
];

export function lintBuilder(y: Argv) {
  return withQueryFlags(withSelectionFlags(withSourceFlags(y)))
    .option('allowed', {
      type: 'string',
      coerce: everyValue,
      requiresArg: true,
      describe:
        'A CIDR or address the firewall at --to allows (repeatable or comma-separated): workloads it admits from some nodes only are findings',
    })
    .option('output', {
      alias: 'o',
      type: 'string',
      coerce: lastValue,
      requiresArg: true,
      default: 'table',
      describe: `Output format: ${LINT_OUTPUTS.join('|')}`,
    })
    .option('fail-on', {
      type: 'string',
      coerce: lastValue,
      requiresArg: true,
      default: 'error',
      describe: `Exit 1 when a finding is at least this severe: ${LINT_FAIL_ON.join('|')}`,
    })
    .example(lintExamples);
}

type LintArgs = Parameters<typeof toSourceOptions>[0] & {
  output?: string;
  failOn?: string;
  to?: string[];
  allowed?: string[];
};

export async function lintCommand(args: LintArgs, io: Io): Promise<number> {
  const source = toSourceOptions(args);
  const selection = toSelectionOptions(args);
  const output = toOutput(LINT_OUTPUTS, args.output ?? 'table');
  const failOn = oneOf(LINT_FAIL_ON, args.failOn ?? 'error', '--fail-on');
  const { snapshot, defaultNamespace } = await loadSnapshot(source, selection, io);
  const pods = selectPods(snapshot, { ...selection, namespace: selection.namespace ?? defaultNamespace });
  const allowlist = await toAllowlist(args, io);
  const findings = lint({ snapshot, pods, ...(allowlist ? { allowlist } : {}) });
  // Only what makes the view partial: the other snapshot warnings are what lint reports as findings.
  const partial = snapshot.warnings.filter((w) => w.code === 'READ_FORBIDDEN' || w.code === 'READ_UNKNOWN_VERSION');
  if (output === 'table') {
    for (const warning of partial) io.stderr(`Warning: ${messageOf(warning)}\n`);
    io.stdout(renderLint(findings));
  } else {
    io.stdout(serialize(lintReport(findings, partial), output));
  }
  return findings.some((f) => atLeast(f.severity, failOn)) ? EXIT.findings : EXIT.ok;
}

/** --allowed and --to come together: the allowlist a firewall at that destination holds. */
async function toAllowlist(args: LintArgs, io: Io) {
  const allowed = listValues(args.allowed ?? [], 'allowed');
  const to = args.to ?? [];
  if (allowed.length === 0 && to.length === 0) return undefined;
  if (allowed.length === 0 || to.length === 0)
    throw new UsageError(
      '--allowed and --to go together: the addresses a firewall allows, and the destination it guards',
    );
  const ranges = allowed.map((a) => {
    const range = addressRange(a);
    if (!range) throw new UsageError(`--allowed: "${a}" is not an IP address or CIDR`);
    return range;
  });
  return { query: toQuery(args, await resolveDestinations(to, io)), allowed: ranges };
}
