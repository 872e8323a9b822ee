/**
 * Flags shared by the commands, kubectl's names first, and the typed options they parse into.
 */
import type { Argv } from 'yargs';
import { DEFAULT_DESTINATIONS, DESTINATION_CLASSES } from '../config/destinations.ts';
import { parseLabelSelector } from '../config/label-selector-text.ts';
import { DATAPATH_NAMES } from '../engine/registry/mechanisms.ts';
import { parseCidr, parseIp } from '../net/ip.ts';
import type { Destination, Query } from '../model/decision.ts';
import type { LabelSelector } from '../model/selector.ts';
import { UsageError } from '../errors.ts';

export const OUTPUT_FORMATS = ['table', 'wide', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface SourceOptions {
  files: string[];
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  requestTimeoutMs: number;
  chunkSize: number;
  noDefaultSnat: boolean;
  datapath?: string[];
}

export interface SelectionOptions {
  namespace?: string;
  allNamespaces: boolean;
  selector: LabelSelector;
  selectorText?: string;
}

const CLASS_HELP = Object.entries(DESTINATION_CLASSES).map(([name, c]) => `${name} (${c.address})`).join(', ');

export function withSourceFlags<T>(y: Argv<T>) {
  return y
    .option('filename', { alias: 'f', type: 'string', array: true, requiresArg: true, describe: 'Read objects from a YAML/JSON file, a directory of them, or - for stdin, instead of the cluster (repeatable)' })
    .option('kubeconfig', { type: 'string', requiresArg: true, describe: 'Path to the kubeconfig file' })
    .option('context', { type: 'string', requiresArg: true, describe: 'The kubeconfig context to use' })
    .option('cluster', { type: 'string', requiresArg: true, describe: 'The kubeconfig cluster to use (replaces the context\'s)' })
    .option('user', { type: 'string', requiresArg: true, describe: 'The kubeconfig user to use (replaces the context\'s)' })
    .option('request-timeout', { type: 'string', requiresArg: true, default: '0', describe: 'How long to wait for each API request (1s, 2m, 3h; 0: no overall bound, but 30s to connect, 10s for TLS and 32s for the answer to start, as kubectl)' })
    .option('chunk-size', { type: 'number', requiresArg: true, default: 500, describe: 'List large collections in pages of this many objects (0 disables paging)' })
    .option('default-snat', { type: 'boolean', default: true, describe: 'GKE default SNAT is on; pass --no-default-snat for clusters created with --disable-default-snat' })
    .option('datapath', { type: 'string', requiresArg: true, describe: `Use these datapath mechanisms instead of detecting them (comma-separated): ${DATAPATH_NAMES.join(', ')}` });
}

export function withSelectionFlags<T>(y: Argv<T>) {
  return y
    .option('namespace', { alias: 'n', type: 'string', requiresArg: true, describe: 'The namespace (default: the context\'s, or "default")' })
    .option('all-namespaces', { alias: 'A', type: 'boolean', default: false, describe: 'Look at pods in all namespaces' })
    .option('selector', { alias: 'l', type: 'string', requiresArg: true, describe: 'Label selector, e.g. -l app=web,tier!=db' });
}

export function withQueryFlags<T>(y: Argv<T>) {
  return withAddressFlags(y)
    .option('to', { type: 'string', array: true, requiresArg: true, describe: `Destination: IP, CIDR, hostname or class: ${CLASS_HELP} (repeatable; default: ${DEFAULT_DESTINATIONS.join(', ')})` });
}

/** What the cluster does not show about addresses; verify takes these but not --to (its destination is --echo). */
export function withAddressFlags<T>(y: Argv<T>) {
  return y
    .option('nat-ip', { type: 'string', requiresArg: true, describe: 'The address NATed internet traffic leaves with (Cloud NAT, NAT gateway)' })
    .option('vpc-cidr', { type: 'string', array: true, requiresArg: true, describe: 'A VPC/VNet range, which the cluster does not show (repeatable)' });
}

export function withOutputFlag<T>(y: Argv<T>) {
  return y.option('output', { alias: 'o', type: 'string', requiresArg: true, default: 'table', describe: `Output format: ${OUTPUT_FORMATS.join('|')}` });
}

interface RawArgs {
  filename?: string[];
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  requestTimeout?: string;
  chunkSize?: number;
  datapath?: string;
  defaultSnat?: boolean;
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  natIp?: string;
  vpcCidr?: string[];
  output?: string;
}

export function toSourceOptions(args: RawArgs): SourceOptions {
  const chunkSize = args.chunkSize ?? 500;
  if (!Number.isInteger(chunkSize) || chunkSize < 0) throw new UsageError(`--chunk-size: "${args.chunkSize}" is not a whole number >= 0`);
  const options: SourceOptions = {
    files: args.filename ?? [], noDefaultSnat: args.defaultSnat === false, chunkSize,
    requestTimeoutMs: parseRequestTimeout(args.requestTimeout ?? '0'),
  };
  for (const key of ['kubeconfig', 'context', 'cluster', 'user'] as const) {
    const value = args[key];
    if (value) options[key] = value;
  }
  if (args.datapath !== undefined) options.datapath = toDatapathNames(args.datapath);
  if (options.files.length > 0 && (options.kubeconfig || options.context || options.cluster || options.user)) {
    throw new UsageError('--filename reads objects from files; it cannot be combined with --kubeconfig, --context, --cluster or --user');
  }
  return options;
}

function toDatapathNames(text: string): string[] {
  const names = text.split(',').map((n) => n.trim()).filter(Boolean);
  const unknown = names.find((n) => !DATAPATH_NAMES.includes(n));
  if (unknown || names.length === 0) throw new UsageError(`--datapath: "${unknown ?? text}" is not one of ${DATAPATH_NAMES.join(', ')}`);
  return names;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** kubectl's --request-timeout: a Go duration (1s, 2m, 1h30m) or a bare number of seconds; 0 = none. */
export function parseRequestTimeout(text: string): number {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new UsageError(`--request-timeout: "${text}" is not a duration (e.g. 5s, 2m, 1h; 0 for no overall bound)`);
  }
  return parts.reduce((ms, p) => ms + Number(p[1]) * DURATION_UNITS[p[2]!]!, 0);
}

export function toSelectionOptions(args: RawArgs): SelectionOptions {
  if (args.allNamespaces && args.namespace) throw new UsageError('--namespace and --all-namespaces cannot be used together');
  const parsed = parseLabelSelector(args.selector ?? '');
  if ('error' in parsed) throw new UsageError(parsed.error);
  const options: SelectionOptions = { allNamespaces: args.allNamespaces === true, selector: args.selector ? parsed.selector : [] };
  if (args.namespace) options.namespace = args.namespace;
  if (args.selector) options.selectorText = args.selector;
  return options;
}

/** The query's facts the cluster cannot show: --nat-ip and --vpc-cidr. */
export function toQuery(args: RawArgs, destinations: Destination[]): Query {
  const query: Query = { destinations };
  if (args.natIp !== undefined) {
    if (!parseIp(args.natIp)) throw new UsageError(`--nat-ip: "${args.natIp}" is not an IP address`);
    query.natIP = args.natIp;
  }
  const vpc = (args.vpcCidr ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const bad = vpc.find((c) => !parseCidr(c));
  if (bad) throw new UsageError(`--vpc-cidr: "${bad}" is not a CIDR`);
  if (vpc.length > 0) query.vpcCIDRs = vpc;
  return query;
}

export function toOutputFormat(args: RawArgs): OutputFormat {
  return oneOf(OUTPUT_FORMATS, args.output ?? 'table', '--output');
}

/** `value` if it is one of `allowed`; else a usage error naming the flag and the choices. */
export function oneOf<T extends string>(allowed: readonly T[], value: string, flag: string): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw new UsageError(`${flag}: "${value}" is not one of ${allowed.join(', ')}`);
  return found;
}
