/**
 * `kubectl egress explain POD|KIND/NAME --to DEST`: the full decision trace for one pod.
 */
import type { Argv } from 'yargs';
import { lastValue } from '../argv.ts';
import { predict } from '../../engine/predict.ts';
import { inAnswerOrder, selectPods } from '../../engine/select.ts';
import { renderExplain } from '../../render/explain-view.ts';
import { egressReport, findingJson } from '../../render/report.ts';
import { serialize } from '../../render/serialize.ts';
import { InputError } from '../../errors.ts';
import { resolveDestinations } from '../destinations.ts';
import type { Io } from '../io.ts';
import {
  toOutputFormat,
  toQuery,
  toSelectionOptions,
  toSourceOptions,
  withOutputFlag,
  withQueryFlags,
  withSourceFlags,
} from '../options.ts';
import { loadSnapshot } from '../source.ts';
import { parseTarget } from '../target.ts';

export const explainExamples: [string, string][] = [
  ['$0 explain web-7d4b9c-x2x8q --to 8.8.8.8', 'Why this pod reaches 8.8.8.8 with the address it does'],
  ['$0 explain deployment/web -n shop --to metadata', 'The first pod of a Deployment, to the metadata server'],
];

export function explainBuilder(y: Argv) {
  return withOutputFlag(withQueryFlags(withSourceFlags(y)))
    .positional('target', { type: 'string', describe: 'POD, or KIND/NAME (deployment/web, ds/agent, …)' })
    .option('namespace', {
      alias: 'n',
      type: 'string',
      coerce: lastValue,
      requiresArg: true,
      describe: 'The namespace of the pod',
    })
    .example(explainExamples);
}

type ExplainArgs = Parameters<typeof toSourceOptions>[0] & { target?: string; to?: string[] };

export async function explainCommand(args: ExplainArgs, io: Io): Promise<number> {
  const source = toSourceOptions(args);
  const scope = toSelectionOptions({ ...args, allNamespaces: false });
  const output = toOutputFormat(args);
  const target = parseTarget(args.target);
  const query = toQuery(args, await resolveDestinations(args.to ?? [], io));
  const destinations = query.destinations.map((d) => d.range);
  const selection = { ...scope, ...(target.kind === 'Pod' ? { pod: target.name, destinations } : {}) };
  const { snapshot, defaultNamespace } = await loadSnapshot(source, selection, io);
  const namespace = selection.namespace ?? defaultNamespace;
  const pods = selectPods(snapshot, { namespace, allNamespaces: false, selector: [], target });
  const pod = pods[0];
  if (!pod)
    throw new InputError(
      `${target.kind === 'Pod' ? 'pod' : target.kind} "${target.name}" not found in namespace "${namespace}"`,
    );
  if (pods.length > 1)
    io.stderr(`Explaining pod ${pod.name} (1 of ${pods.length} pods of ${target.kind}/${target.name})\n`);
  const decisions = predict(snapshot, inAnswerOrder([pod]), query);
  if (output === 'json' || output === 'yaml') {
    const report = egressReport(snapshot, decisions);
    report.items = report.items.map((item, i) => ({
      ...item,
      trace: decisions[i]!.trace.map((s) => ({ layer: s.layer, outcome: s.outcome, ...findingJson(s) })),
    }));
    io.stdout(serialize(report, output));
  } else io.stdout(renderExplain(decisions));
  return 0;
}
