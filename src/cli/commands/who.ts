/**
 * `kubectl egress who`: each workload's (or pod's) egress identity per destination.
 */
import type { Argv } from 'yargs';
import { lastValue } from '../argv.ts';
import { lint } from '../../engine/lint/index.ts';
import { predictEach } from '../../engine/predict.ts';
import { selectPods } from '../../engine/select.ts';
import { streamedEgressReport } from '../../render/report.ts';
import { reportPieces } from '../../render/serialize.ts';
import { datapathHeader } from '../../render/datapath-view.ts';
import { noPodsMessage, policySummary, whoLegend, whoPieces } from '../../render/who-view.ts';
import { renderDecisionNames } from '../../render/names.ts';
import { lintHint } from '../../render/lint-view.ts';
import { messageOf } from '../../render/messages.ts';
import { resolveDestinations } from '../destinations.ts';
import type { Io } from '../io.ts';
import {
  oneOf,
  OUTPUT_FORMATS,
  toOutput,
  toQuery,
  toSelectionOptions,
  toSourceOptions,
  withQueryFlags,
  withSelectionFlags,
  withSourceFlags,
} from '../options.ts';
import { collectPaced, writePaced } from '../pace.ts';
import { loadSnapshot } from '../source.ts';

export const whoExamples: [string, string][] = [
  ['$0 who -A', 'Every workload in the cluster, to the default destinations'],
  ['$0 who -n shop --to 203.0.113.10 --to internet', 'The shop namespace, to a partner firewall and the internet'],
  ['$0 who -A -f snapshot.yaml --to 8.8.8.8 -o json', 'Offline, from a file, as the JSON contract'],
  ['$0 who -l app=web --by pod -o wide', 'One row per pod, with the reason'],
];

/** --by: one table row per workload, or per pod. */
export const WHO_GROUPINGS = ['workload', 'pod'] as const;

/** kubectl's -o name lists the workloads (or pods, --by pod) answered for, to pipe into kubectl. */
export const WHO_OUTPUTS = [...OUTPUT_FORMATS, 'name'] as const;

export function whoBuilder(y: Argv) {
  return withQueryFlags(withSelectionFlags(withSourceFlags(y)))
    .option('output', {
      alias: 'o',
      type: 'string',
      coerce: lastValue,
      requiresArg: true,
      default: 'table',
      describe: `Output format: ${WHO_OUTPUTS.join('|')} (name: the workloads, or pods with --by pod)`,
    })
    .option('by', {
      type: 'string',
      coerce: lastValue,
      default: 'workload',
      requiresArg: true,
      describe: `Group table rows by workload or pod: ${WHO_GROUPINGS.join('|')}`,
    })
    .example(whoExamples);
}

type WhoArgs = Parameters<typeof toSourceOptions>[0] & { to?: string[]; by?: string };

export async function whoCommand(args: WhoArgs, io: Io): Promise<number> {
  const source = toSourceOptions(args);
  const selection = toSelectionOptions(args);
  const output = toOutput(WHO_OUTPUTS, args.output ?? 'table');
  const by = oneOf(WHO_GROUPINGS, args.by ?? 'workload', '--by');
  const query = toQuery(args, await resolveDestinations(args.to ?? [], io));
  const { snapshot, defaultNamespace } = await loadSnapshot(source, selection, io);
  const namespace = selection.namespace ?? defaultNamespace;
  const pods = selectPods(snapshot, { ...selection, namespace });
  // Paced: a large cluster's decisions take seconds, and Ctrl-C must not wait for them.
  const decisions = await collectPaced(predictEach(snapshot, pods, { ...query, trace: false }));
  if (output === 'json' || output === 'yaml') {
    await writePaced(reportPieces(streamedEgressReport(snapshot, decisions), output), io.stdout);
    return 0;
  }
  for (const warning of snapshot.warnings) io.stderr(`Warning: ${messageOf(warning)}\n`);
  if (pods.length === 0) {
    // On stderr, as kubectl's "No resources found": stdout stays empty for scripts.
    io.stderr(
      noPodsMessage(snapshot, {
        ...(selection.allNamespaces ? {} : { namespace }),
        ...(selection.selectorText ? { selectorText: selection.selectorText } : {}),
        fromFiles: source.files.length > 0,
      }),
    );
    return 0;
  }
  if (output === 'name') {
    io.stdout(renderDecisionNames(decisions, by));
    return 0;
  }
  io.stdout(datapathHeader(snapshot.datapath));
  await writePaced(whoPieces(decisions, { by, wide: output === 'wide' }), io.stdout);
  io.stderr(whoLegend(decisions));
  io.stderr(policySummary(decisions));
  // A pointer, not a verdict: lint's findings never change who's answer or exit code.
  const hint = lintHint(lint({ snapshot, pods }));
  if (hint) io.stderr(hint);
  return 0;
}
