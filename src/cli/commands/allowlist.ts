/**
 * `kubectl egress allowlist KIND/NAME|-l SELECTOR --to DEST`: the addresses a destination must
 * allow for the selected pods, on every node they may run on. Exit 1 when the set is incomplete.
 */
import type { Argv } from 'yargs';
import { lastValue } from '../argv.ts';
import { buildAllowlists } from '../../engine/allowlist/index.ts';
import { selectPods } from '../../engine/select.ts';
import { InputError, UsageError, EXIT } from '../../errors.ts';
import { allowlistReport, renderAllowlists, renderPlain } from '../../render/allowlist-view.ts';
import { serialize } from '../../render/serialize.ts';
import { messageOf } from '../../render/messages.ts';
import { resolveDestinations } from '../destinations.ts';
import type { Io } from '../io.ts';
import {
  toOutput,
  toQuery,
  toSelectionOptions,
  toSourceOptions,
  withQueryFlags,
  withSelectionFlags,
  withSourceFlags,
} from '../options.ts';
import { loadSnapshot } from '../source.ts';
import { parseTarget } from '../target.ts';

export const ALLOWLIST_OUTPUTS = ['table', 'json', 'yaml', 'plain'] as const;

export function allowlistBuilder(y: Argv) {
  return withQueryFlags(withSelectionFlags(withSourceFlags(y)))
    .positional('target', { type: 'string', describe: 'KIND/NAME (deployment/web, …) or POD' })
    .option('output', {
      alias: 'o',
      type: 'string',
      coerce: lastValue,
      default: 'table',
      requiresArg: true,
      describe: `Output format: ${ALLOWLIST_OUTPUTS.join('|')} (plain: one CIDR per line)`,
    })
    .example([
      ['$0 allowlist deployment/web -n shop --to 203.0.113.10', 'What a partner firewall must allow for a Deployment'],
      ['$0 allowlist -l app=etl -n data --to 34.1.2.3 -o plain', 'One CIDR per line, to pipe into gcloud/aws/az'],
    ]);
}

type AllowlistArgs = Parameters<typeof toSourceOptions>[0] & { target?: string; to?: string[]; output?: string };

export async function allowlistCommand(args: AllowlistArgs, io: Io): Promise<number> {
  const source = toSourceOptions(args);
  const selection = toSelectionOptions(args);
  const output = toOutput(ALLOWLIST_OUTPUTS, args.output ?? 'table');
  if (!args.target && !selection.selectorText)
    throw new UsageError('allowlist needs KIND/NAME, POD or -l SELECTOR: which workloads the destination must allow');
  if (!args.to || args.to.length === 0)
    throw new UsageError('allowlist needs --to DEST: the destination whose firewall holds the list');
  const target = args.target ? parseTarget(args.target) : undefined;
  const query = toQuery(args, await resolveDestinations(args.to, io));
  if (output === 'plain' && query.destinations.length > 1)
    throw new UsageError("-o plain lists one destination's set: give one --to");
  const { snapshot, defaultNamespace } = await loadSnapshot(source, selection, io);
  const namespace = selection.namespace ?? defaultNamespace;
  const pods = selectPods(snapshot, { ...selection, namespace, ...(target ? { target } : {}) });
  if (pods.length === 0)
    throw new InputError(
      target
        ? `${target.kind === 'Pod' ? 'pod' : target.kind} "${target.name}" not found in namespace "${namespace}"`
        : `no pods match -l ${selection.selectorText} in namespace "${namespace}"`,
    );
  const lists = buildAllowlists(snapshot, pods, query);
  for (const warning of snapshot.warnings) io.stderr(`Warning: ${messageOf(warning)}\n`);
  if (output === 'json' || output === 'yaml') io.stdout(serialize(allowlistReport(lists), output));
  else io.stdout(output === 'plain' ? renderPlain(lists[0]!) : renderAllowlists(lists));
  const incomplete = lists.filter((l) => !l.complete);
  if (incomplete.length > 0 && output === 'plain')
    io.stderr('error: the set is incomplete: run without -o plain to see why\n');
  return incomplete.length > 0 ? EXIT.findings : EXIT.ok;
}
