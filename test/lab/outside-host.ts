/**
 * The "outside" of a lab whose nodes live in network namespaces (netns-node.ts): one namespace
 * holding the bridge every node's eth0 is plugged into, the echo host's addresses on it, and the
 * `kubectl egress serve-echo` listeners tests send their probes to. It is every node's default gateway.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, terminate } from '../support/lab.ts';
import { quiet, sh } from './host.ts';
import type { Step } from './netns-node.ts';
import { waitUntil } from './node-lab.ts';

const REPO = join(import.meta.dirname, '..', '..');
/** The echo's second port on its first address: what a port-restricted allow leaves out. */
export const OTHER_PORT = 8081;

export interface OutsideSpec {
  netns: string;
  bridge: string;
  /** Addresses on the bridge, with their prefix length ("198.51.100.10/24"). */
  addresses: string[];
  /** Routes back into the lab (pod CIDRs whose addresses leave unchanged), as [destination, via]. */
  routes?: [string, string][];
}

/** Makes the outside namespace and its bridge; the namespace (with everything in it) goes on undo. */
export function startOutside(spec: OutsideSpec, undo: Step[]): void {
  sh('ip', ['netns', 'add', spec.netns]);
  undo.push(() => quiet('ip', ['netns', 'delete', spec.netns]));
  const inNs = (...args: string[]) => sh('ip', ['-n', spec.netns, ...args]);
  inNs('link', 'add', spec.bridge, 'type', 'bridge');
  for (const address of spec.addresses) inNs('addr', 'add', address, 'dev', spec.bridge);
  for (const link of ['lo', spec.bridge]) inNs('link', 'set', link, 'up');
  for (const [destination, via] of spec.routes ?? []) inNs('route', 'add', destination, 'via', via);
}

/** serve-echo at ip:port in the outside namespace; resolves with its URL once it listens. */
export async function startEcho(dir: string, netns: string, ip: string, undo: Step[], port = 8080): Promise<string> {
  const log = join(dir, `serve-echo-${ip}-${port}.log`);
  const echo = startProcess(
    'ip',
    [
      'netns',
      'exec',
      netns,
      process.execPath,
      join(REPO, 'dist', 'kubectl-egress.mjs'),
      'serve-echo',
      '--listen',
      `${ip}:${port}`,
    ],
    log,
  );
  undo.push(() => terminate(echo));
  await waitUntil('serve-echo', () => readFileSync(log, 'utf8').includes('serving'), log, 20_000);
  return `http://${ip}:${port}/`;
}
