/**
 * explain's read in one process, timed by request (issue 20: "explain ≤ 0.5 s plus one read of the
 * datapath configuration"): the whole read as `explain POD -n NS` does it, then how long its own
 * pod reads took (the namespace's pods, the agents' pods on the pod's node) against the rest — the
 * datapath configuration every answer needs (nodes, namespaces, the agents' ConfigMaps and
 * DaemonSets, the CRDs), which the read runs beside them. KUBECONFIG says which cluster.
 * Run: node scripts/bench/read-parts.ts NAMESPACE POD
 */
import { homedir } from 'node:os';
import { delimiter } from 'node:path';
import { ApiClient, type ListItems } from '../../src/cluster/http.ts';
import { loadKubeconfig } from '../../src/cluster/kubeconfig.ts';
import { readCluster } from '../../src/cluster/read.ts';
import { DEFAULT_DESTINATIONS, DESTINATION_CLASSES } from '../../src/config/destinations.ts';
import type { IpRange } from '../../src/model/net.ts';
import { singleAddress } from '../../src/net/ip.ts';

type Span = { path: string; start: number; end: number };

/** Records every list and get: its path (with the field selector, if any), start and end. */
class TimedClient extends ApiClient {
  spans: Span[] = [];

  private async timed<T>(path: string, query: Record<string, string | undefined>, call: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await call();
    } finally {
      this.spans.push({
        path: query['fieldSelector'] ? `${path}?${query['fieldSelector']}` : path,
        start,
        end: performance.now(),
      });
    }
  }

  override list<T>(path: string, query: Record<string, string | undefined> = {}, items?: ListItems): Promise<T> {
    return this.timed(path, query, () => super.list<T>(path, query, items));
  }

  override get<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
    return this.timed(path, query, () => super.get<T>(path, query));
  }
}

const [namespace, pod] = process.argv.slice(2);

/** The destinations explain answers for without --to. */
function explainDefaults(): IpRange[] {
  return DEFAULT_DESTINATIONS.map((name) => singleAddress(DESTINATION_CLASSES[name]!.address)!);
}
if (!namespace) throw new Error("usage: read-parts.ts NAMESPACE [POD] (without POD: who -n NAMESPACE's read)");
const kc = loadKubeconfig({}, { env: process.env, home: homedir(), pathDelimiter: delimiter });
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function timedRead(
  scope: Parameters<typeof readCluster>[1],
): Promise<{ ms: number; spans: Span[]; objects: number }> {
  const client = new TimedClient(kc, { timeoutMs: 0 });
  const start = performance.now();
  const { objects } = await readCluster(client, scope);
  return {
    ms: performance.now() - start,
    spans: client.spans.map((s) => ({ ...s, start: s.start - start, end: s.end - start })),
    objects: objects.length,
  };
}

const isPodRead = (s: Span) => /\/pods(\?|$)/.test(s.path);
const lastEnd = (spans: Span[]) => Math.max(0, ...spans.map((s) => s.end));

// A first read warms the code and the server, as the runs before this did; it is shown too,
// as the read a fresh process makes (code not yet optimised). Every read opens its own connections:
// each is made with a new client, whose dispatcher is its own.
const scope = { namespace, chunkSize: 500, ...(pod ? { pod, destinations: explainDefaults() } : {}) };
const first = await timedRead(scope);
// The median of three reads by their time, each shown whole.
const reads = [await timedRead(scope), await timedRead(scope), await timedRead(scope)];
const explain = reads.sort((a, b) => a.ms - b.ms)[1]!;
const what = pod ? "explain's read" : `who -n ${namespace}'s read`;
const pods = explain.spans.filter(isPodRead);
const rest = explain.spans.filter((s) => !isPodRead(s));
const shown =
  pods.length > 4
    ? `${pods.length} lists`
    : `${pods.length} lists: ${pods.map((s) => s.path.replace(/^\/api\/v1\//, '')).join(', ')}`;
console.log(
  `  ${what} in process (${explain.objects} objects, median of 3): ${seconds(explain.ms)}; its pod reads done after ${seconds(lastEnd(pods))} (${shown}), the datapath configuration's ${rest.length} requests after ${seconds(lastEnd(rest))}`,
);
console.log(
  `  the first read in this process (code not yet optimised): ${seconds(first.ms)}; the datapath configuration's requests after ${seconds(lastEnd(first.spans.filter((s) => !isPodRead(s))))}`,
);
const longest = [...rest].sort((a, b) => b.end - b.start - (a.end - a.start)).slice(0, 3);
console.log(
  `  its longest datapath requests: ${longest.map((s) => `${s.path} ${seconds(s.end - s.start)}`).join(', ')}`,
);
