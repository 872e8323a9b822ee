/**
 * Where a list of the agents' pods per node stops being cheaper than one list of every agent pod
 * (src/cluster/agent-pods.ts NODE_LISTS_UP_TO), measured in one process against the cluster of
 * KUBECONFIG (the benchmark's: 2,000 Cilium agent pods in kube-system): the whole list, then lists
 * per node for growing numbers of nodes, each figure the median of 3, alternating.
 * Run: node scripts/bench/cutover.ts
 */
import { homedir } from 'node:os';
import { delimiter } from 'node:path';
import { ApiClient } from '../../src/cluster/http.ts';
import { loadKubeconfig } from '../../src/cluster/kubeconfig.ts';
import { listAll } from '../../src/cluster/list.ts';
import { PODS } from '../../src/cluster/resources.ts';
import { readAgentPods } from '../../src/cluster/agent-pods.ts';
import { nodeName } from './scale-objects.ts';

const client = new ApiClient(loadKubeconfig({}, { env: process.env, home: homedir(), pathDelimiter: delimiter }), {
  timeoutMs: 0,
});
const COUNTS = (process.env['CUTOVER_NODES'] ?? '1,10,40,100,300,500,700,1000').split(',').map(Number);
const namespace = 'kube-system';

async function timed(read: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await read();
  return performance.now() - start;
}

// As the read makes both (src/cluster/read.ts): the whole list in one request, in protobuf.
const whole = () => listAll(client, PODS, 'v1', { namespace, chunkSize: 0 });
// As the read makes them (16 at a time); no DaemonSet is passed, so it never falls back to the whole list.
const perNode = (count: number) =>
  readAgentPods(
    namespace,
    Promise.resolve([]),
    Promise.resolve(Array.from({ length: count }, (_, n) => nodeName(n * 2))),
    {
      all: whole,
      mayList: async () => true,
      onNode: (node) =>
        listAll(client, PODS, 'v1', {
          namespace,
          chunkSize: 0,
          fieldSelector: `spec.nodeName=${node}`,
          fromWatchCache: true,
        }),
    },
  );

const samples = new Map<string, number[]>();
const add = (label: string, ms: number) => samples.set(label, [...(samples.get(label) ?? []), ms]);
await whole();
for (let run = 0; run < 3; run++) {
  add('every pod of kube-system', await timed(whole));
  for (const count of COUNTS) add(`${count} lists per node`, await timed(() => perNode(count)));
}
for (const [label, values] of samples)
  console.log(`  ${label}: ${(values.sort((a, b) => a - b)[1]! / 1000).toFixed(2)} s`);
