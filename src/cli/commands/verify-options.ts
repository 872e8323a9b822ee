/** verify's flags and their validation (parse → validate happens here, the run in verify.ts). */
import type { Argv } from 'yargs';
import { lastValue } from '../argv.ts';
import type { Query } from '../../model/decision.ts';
import { UsageError } from '../../errors.ts';
import {
  oneOf,
  parseRequestTimeout,
  toOutput,
  wholeNumber,
  toQuery,
  toSelectionOptions,
  toSourceOptions,
  withAddressFlags,
  withSelectionFlags,
  withSourceFlags,
  type SelectionOptions,
  type SourceOptions,
} from '../options.ts';

/** busybox with wget, pinned; `--image` for mirrors and air-gapped registries. */
export const DEFAULT_PROBE_IMAGE = 'docker.io/library/busybox:1.36.1';

/** --by: one probe per class of pods the engine treats alike, or one per pod. */
export const VERIFY_GROUPINGS = ['class', 'pod'] as const;
export const VERIFY_OUTPUTS = ['table', 'json', 'yaml'] as const;

export function verifyFlags(y: Argv) {
  return withAddressFlags(withSelectionFlags(withSourceFlags(y)))
    .positional('target', { type: 'string', describe: 'KIND/NAME (deployment/web, …) or POD to probe' })
    .option('echo', {
      type: 'string',
      coerce: lastValue,
      requiresArg: true,
      describe:
        "URL of an echo endpoint outside the cluster that answers the caller's IP (serve-echo, agnhost /clientip, …)",
    })
    .option('node', { type: 'string', coerce: lastValue, requiresArg: true, describe: 'Only pods on this node' })
    .option('by', {
      type: 'string',
      coerce: lastValue,
      default: 'class',
      requiresArg: true,
      describe: `One probe per class of alike pods, or per pod: ${VERIFY_GROUPINGS.join('|')}`,
    })
    .option('parallel', {
      type: 'string',
      coerce: lastValue,
      default: '4',
      requiresArg: true,
      describe: 'Probes running at once',
    })
    .option('image', {
      type: 'string',
      coerce: lastValue,
      default: DEFAULT_PROBE_IMAGE,
      requiresArg: true,
      describe: 'Probe image (needs sh and wget)',
    })
    .option('timeout', {
      type: 'string',
      coerce: lastValue,
      default: '30s',
      requiresArg: true,
      describe: 'How long a probe may take to reach the echo',
    })
    .option('start-timeout', {
      type: 'string',
      coerce: lastValue,
      default: '60s',
      requiresArg: true,
      describe: 'How long a probe pod may take to start (scheduling, image pull)',
    })
    .option('settle', {
      type: 'string',
      coerce: lastValue,
      default: '5s',
      requiresArg: true,
      describe:
        'How long a started probe waits before it calls the echo, so policy enforcers and egress agents can program the new pod (0s: not at all)',
    })
    .option('keep', { type: 'boolean', default: false, describe: 'Keep the probe pods afterwards' })
    .option('cleanup', {
      type: 'boolean',
      default: false,
      describe: 'Delete probe pods left by earlier runs, then exit',
    })
    .option('output', {
      alias: 'o',
      type: 'string',
      coerce: lastValue,
      default: 'table',
      requiresArg: true,
      describe: `Output format: ${VERIFY_OUTPUTS.join('|')}`,
    });
}

export type VerifyArgs = Parameters<typeof toSourceOptions>[0] &
  Parameters<typeof toQuery>[0] & {
    target?: string;
    echo?: string;
    node?: string;
    by?: string;
    parallel?: string;
    image?: string;
    timeout?: string;
    startTimeout?: string;
    settle?: string;
    keep?: boolean;
    cleanup?: boolean;
    output?: string;
  };

export interface VerifyOptions {
  /** With the kubeconfig flags even beside -f: verify always needs the cluster, to probe it. */
  source: SourceOptions;
  selection: SelectionOptions;
  query: Omit<Query, 'destinations'>;
  target?: string;
  echoURL: string;
  /** The echo's host and port as `--to` writes them (`HOST:PORT`, IPv6 in brackets): the destination the policy step is asked about. */
  echoHost: string;
  node?: string;
  by: (typeof VERIFY_GROUPINGS)[number];
  parallel: number;
  image: string;
  timeoutSeconds: number;
  startTimeoutSeconds: number;
  settleSeconds: number;
  keep: boolean;
  cleanup: boolean;
  output: (typeof VERIFY_OUTPUTS)[number];
}

export function toVerifyOptions(args: VerifyArgs): VerifyOptions {
  const { kubeconfig, context, cluster, user, ...fileArgs } = args;
  const source = toSourceOptions(fileArgs);
  const clusterFlags = Object.fromEntries(
    Object.entries({ kubeconfig, context, cluster, user }).filter(([, v]) => v),
  ) as Pick<SourceOptions, 'kubeconfig' | 'context' | 'cluster' | 'user'>;
  const selection = toSelectionOptions(args);
  const { destinations: _, ...query } = toQuery(args, []);
  const echo = args.cleanup ? { url: '', host: '' } : parseEcho(args.echo);
  const by = oneOf(VERIFY_GROUPINGS, args.by ?? 'class', '--by');
  const parallel = wholeNumber(args.parallel ?? '4', 'parallel', 1);
  const output = toOutput(VERIFY_OUTPUTS, args.output ?? 'table');
  const timeoutSeconds = Math.ceil(parseRequestTimeout(args.timeout ?? '30s', 'timeout') / 1000);
  if (timeoutSeconds < 1) throw new UsageError('--timeout must be at least 1s');
  const startTimeoutSeconds = Math.ceil(parseRequestTimeout(args.startTimeout ?? '60s', 'start-timeout') / 1000);
  if (startTimeoutSeconds < 1) throw new UsageError('--start-timeout must be at least 1s');
  const settleSeconds = Math.ceil(parseRequestTimeout(args.settle ?? '5s', 'settle') / 1000);
  return {
    source: { ...source, ...clusterFlags },
    selection,
    query,
    echoURL: echo.url,
    echoHost: echo.host,
    by,
    parallel,
    image: args.image ?? DEFAULT_PROBE_IMAGE,
    timeoutSeconds,
    startTimeoutSeconds,
    settleSeconds,
    keep: args.keep === true,
    cleanup: args.cleanup === true,
    output,
    ...(args.target ? { target: args.target } : {}),
    ...(args.node ? { node: args.node } : {}),
  };
}

function parseEcho(text: string | undefined): { url: string; host: string } {
  if (!text)
    throw new UsageError(
      "verify needs --echo URL: an endpoint outside the cluster that answers the caller's IP (see serve-echo)",
    );
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--echo: "${text}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--echo: "${text}" is not an http(s) URL`);
  // The port the probe connects to decides egress policy rules with ports: the URL's, else its scheme's.
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return { url: url.toString(), host: `${url.hostname}:${port}` };
}
