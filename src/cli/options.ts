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
import type { IpRange } from '../model/net.ts';
import { UsageError } from '../errors.ts';
import { everyValue, FlagError, lastValue, valuesToCheck } from './argv.ts';

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
  /** explain's pod by name: the live read looks at the agents on its node only. */
  pod?: string;
  /** explain's destinations: the live read looks up the pod's namespace's pods at these addresses. */
  destinations?: readonly IpRange[];
}

const CLASS_HELP = Object.entries(DESTINATION_CLASSES)
  .map(([name, c]) => `${name} (${c.address})`)
  .join(', ');

export function withSourceFlags<T>(y: Argv<T>) {
  return y
    .option('filename', {
      alias: 'f',
      type: 'string',
      coerce: everyValue,
      requiresArg: true,
      describe:
        'Read objects from a YAML/JSON file, a directory of them, or - for stdin, instead of the cluster (repeatable or comma-separated)',
    })
    .option('kubeconfig', {
      type: 'string',
      coerce: lastValue,
      requiresArg: true,
      describe: 'Path to the kubeconfig file',
    })
    .option('context', {
      type: 'string',
      coerce: lastValue,
      requiresArg: true,
      describe: 'The kubeconfig context to use',
    })
    .option('cluster', {
      type: 'string',
      coerce: lastValue,
      requiresArg: true,
      describe: "The kubeconfig cluster to use (replaces the context's)",
    })
    .option('user', {
      type: 'string',
      coerce: lastValue,
      requiresArg: true,
      describe: "The kubeconfig user to use (replaces the context's)",
    })
    .option('request-timeout', {
      type: 'string',
      coerce: lastValue,
      requiresArg: true,
      default: '0',
      describe:
        'How long to wait for each API request (1s, 2m, 3h; 0: no overall bound, but 30s to connect, 10s for TLS and 32s for the answer to start, as kubectl)',
    })
    .option('chunk-size', {
      type: 'string',
      coerce: lastValue,
      requiresArg: true,
      default: '500',
      describe: 'List the pods asked about in pages of this many (0 disables paging)',
    })
    .option('default-snat', {
      type: 'boolean',
      default: true,
      describe: 'GKE default SNAT is on; pass --no-default-snat for clusters created with --disable-default-snat',
    })
    .option('datapath', {
      type: 'string',
      coerce: lastValue,
      requiresArg: true,
      describe: `Use these datapath mechanisms instead of detecting them (comma-separated): ${DATAPATH_NAMES.join(', ')}`,
    });
}

export function withSelectionFlags<T>(y: Argv<T>) {
  return y
    .option('namespace', {
      alias: 'n',
      type: 'string',
      coerce: lastValue,
      requiresArg: true,
      describe: 'The namespace (default: the context\'s, or "default")',
    })
    .option('all-namespaces', {
      alias: 'A',
      type: 'boolean',
      default: false,
      describe: 'Look at pods in all namespaces',
    })
    .option('selector', {
      alias: 'l',
      type: 'string',
      coerce: lastValue,
      requiresArg: true,
      describe: 'Label selector, e.g. -l app=web,tier!=db',
    });
}

export function withQueryFlags<T>(y: Argv<T>) {
  return withAddressFlags(y).option('to', {
    type: 'string',
    coerce: everyValue,
    requiresArg: true,
    describe: `Destination HOST[:PORT][/PROTO]: HOST an IP, CIDR, hostname or class: ${CLASS_HELP}; IPv6 with a port in brackets; PROTO tcp (default), udp or sctp (repeatable or comma-separated; default: ${DEFAULT_DESTINATIONS.join(', ')})`,
  });
}

/** What the cluster does not show about addresses; verify takes these but not --to (its destination is --echo). */
export function withAddressFlags<T>(y: Argv<T>) {
  return y
    .option('nat-ip', {
      type: 'string',
      coerce: valuesToCheck,
      requiresArg: true,
      describe: 'The address NATed internet traffic leaves with (Cloud NAT, NAT gateway); give it once',
    })
    .option('vpc-cidr', {
      type: 'string',
      coerce: everyValue,
      requiresArg: true,
      describe: 'A VPC/VNet range, which the cluster does not show (repeatable or comma-separated)',
    });
}

export function withOutputFlag<T>(y: Argv<T>) {
  return y.option('output', {
    alias: 'o',
    type: 'string',
    coerce: lastValue,
    requiresArg: true,
    default: 'table',
    describe: `Output format: ${OUTPUT_FORMATS.join('|')}`,
  });
}

interface RawArgs {
  filename?: string[];
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  requestTimeout?: string;
  chunkSize?: string;
  datapath?: string;
  defaultSnat?: boolean;
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  natIp?: string[];
  vpcCidr?: string[];
  output?: string;
}

export function toSourceOptions(args: RawArgs): SourceOptions {
  const chunkSize = wholeNumber(args.chunkSize ?? '500', 'chunk-size', 0);
  const options: SourceOptions = {
    files: listValues(args.filename ?? [], 'filename'),
    noDefaultSnat: args.defaultSnat === false,
    chunkSize,
    requestTimeoutMs: parseRequestTimeout(args.requestTimeout ?? '0', 'request-timeout'),
  };
  for (const key of ['kubeconfig', 'context', 'cluster', 'user'] as const) {
    const value = args[key];
    if (value) options[key] = value;
  }
  if (args.datapath !== undefined) options.datapath = toDatapathNames(args.datapath);
  if (options.files.length > 0 && (options.kubeconfig || options.context || options.cluster || options.user)) {
    throw new UsageError(
      '--filename reads objects from files; it cannot be combined with --kubeconfig, --context, --cluster or --user',
    );
  }
  return options;
}

function toDatapathNames(text: string): string[] {
  const names = text
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const unknown = names.find((n) => !DATAPATH_NAMES.includes(n));
  if (unknown || names.length === 0)
    throw new FlagError('datapath', `"${unknown ?? text}" is not one of ${DATAPATH_NAMES.join(', ')}`);
  return names;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A whole number flag (--chunk-size, --parallel), as typed: yargs' numbers turn "abc" into NaN. */
export function wholeNumber(text: string, flag: string, min: number): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min)
    throw new FlagError(flag, `"${text}" is not a whole number >= ${min}`);
  return Number(text);
}

/**
 * A repeatable flag's values, comma-separated ones split (kubectl's string-slice flags: -f, and
 * our --to, --vpc-cidr, --allowed). An empty value is a mistake, never "use the default".
 */
export function listValues(values: readonly string[], flag: string): string[] {
  const items = values.flatMap((v) => v.split(',')).map((v) => v.trim());
  if (items.some((v) => v === ''))
    throw new FlagError(
      flag,
      `empty value${values.length > 0 ? ` in ${values.map((v) => JSON.stringify(v)).join(', ')}` : ''}`,
    );
  return items;
}

/** kubectl's --request-timeout (and verify's --timeout): a Go duration (1s, 2m, 1h30m) or a bare number of seconds; 0 = none. */
export function parseRequestTimeout(text: string, flag = 'request-timeout'): number {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    const zero = flag === 'request-timeout' ? '; 0 for no overall bound' : '';
    throw new FlagError(flag, `"${text}" is not a duration (e.g. 5s, 2m, 1h${zero})`);
  }
  return parts.reduce((ms, p) => ms + Number(p[1]) * DURATION_UNITS[p[2]!]!, 0);
}

export function toSelectionOptions(args: RawArgs): SelectionOptions {
  if (args.allNamespaces && args.namespace)
    throw new UsageError('--namespace and --all-namespaces cannot be used together');
  const parsed = parseLabelSelector(args.selector ?? '');
  if ('error' in parsed) throw new UsageError(parsed.error);
  const options: SelectionOptions = {
    allNamespaces: args.allNamespaces === true,
    selector: args.selector ? parsed.selector : [],
  };
  if (args.namespace) options.namespace = args.namespace;
  if (args.selector) options.selectorText = args.selector;
  return options;
}

/** The query's facts the cluster cannot show: --nat-ip and --vpc-cidr. */
export function toQuery(args: RawArgs, destinations: Destination[]): Query {
  const query: Query = { destinations };
  const natIPs = args.natIp ?? [];
  // One NAT address per query: the engine has one, and a second --nat-ip (another family, a
  // typo) must not silently replace the first.
  if (natIPs.length > 1)
    throw new FlagError(
      'nat-ip',
      `given ${natIPs.length} times (${natIPs.join(', ')}): give the one address NATed traffic leaves with`,
    );
  const natIP = natIPs[0];
  if (natIP !== undefined) {
    if (!parseIp(natIP)) throw new FlagError('nat-ip', `"${natIP}" is not an IP address`);
    query.natIP = natIP;
  }
  const vpc = listValues(args.vpcCidr ?? [], 'vpc-cidr');
  const bad = vpc.find((c) => !parseCidr(c));
  if (bad) throw new FlagError('vpc-cidr', `"${bad}" is not a CIDR`);
  if (vpc.length > 0) query.vpcCIDRs = vpc;
  return query;
}

export function toOutputFormat(args: RawArgs): OutputFormat {
  return toOutput(OUTPUT_FORMATS, args.output ?? 'table');
}

/** kubectl's template formats: none is implemented, as JSON and jq do the same. */
const TEMPLATE_FORMATS =
  /^(jsonpath|jsonpath-file|jsonpath-as-json|go-template|go-template-file|template|templatefile|custom-columns|custom-columns-file)(=|$)/;

/** A command's -o value; kubectl's formats it does not have are refused with what to use instead. */
export function toOutput<T extends string>(allowed: readonly T[], value: string): T {
  const template = TEMPLATE_FORMATS.exec(value)?.[1];
  if (template !== undefined) {
    const json = allowed.some((a) => a === 'json')
      ? ": use -o json and jq instead, e.g. -o json | jq -r '.items[]'"
      : '';
    throw new FlagError(
      'output',
      `"${template}" is a kubectl format kubectl-egress does not implement${json} (formats: ${allowed.join(', ')})`,
    );
  }
  return oneOf(allowed, value, '--output');
}

/** `value` if it is one of `allowed`; else a usage error naming the flag (`--by`) or command and the choices. */
export function oneOf<T extends string>(allowed: readonly T[], value: string, flag: string): T {
  const found = allowed.find((a) => a === value);
  if (found !== undefined) return found;
  const detail = `"${value}" is not one of ${allowed.join(', ')}`;
  throw flag.startsWith('--') ? new FlagError(flag.slice(2), detail) : new UsageError(`${flag}: ${detail}`);
}
