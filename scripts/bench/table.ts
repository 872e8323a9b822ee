/**
 * Output micro-benchmark (issue 13): what `who` does between the engine's decisions and stdout, on
 * the cluster engine.ts generates — 2,000 nodes, 150,000 pods in 300 Deployments (1,200 workload
 * groups with 4 destinations), 200 CiliumEgressGatewayPolicies. Predicts once without trace, then
 * times each path from decisions to output: the table by workload, plain and wide, the table by
 * pod, the `-o json` report as `who` writes it, and the lint hint `who` prints after its table.
 * Prints the median of BENCH_TABLE_RUNS (3) runs of each, measurements only.
 * Run: node scripts/bench/table.ts (Node ≥ 22.18 runs TypeScript as is).
 */
import { buildSnapshot } from '../../src/engine/snapshot.ts';
import { parseDestination } from '../../src/config/destinations.ts';
import { lint } from '../../src/engine/lint/index.ts';
import { predict } from '../../src/engine/predict.ts';
import { selectPods } from '../../src/engine/select.ts';
import { streamedEgressReport } from '../../src/render/report.ts';
import { writeReport } from '../../src/render/serialize.ts';
import { renderWho } from '../../src/render/who-view.ts';
import { benchCluster, DESTINATIONS, NODES } from './bench-cluster.ts';

const RUNS = Number(process.env.BENCH_TABLE_RUNS ?? 3);

/** `label: median ms of RUNS runs (what the last run made)`, or how the first run failed. */
function report<T>(label: string, run: () => T, describe: (result: T) => string): void {
  const samples: number[] = [];
  let result: T;
  try {
    for (let i = 0; i < RUNS; i++) {
      const start = process.hrtime.bigint();
      result = run();
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  } catch (error) {
    // A path that cannot finish at this size (a stack overflow, say) is a measurement too.
    return console.log(`  ${label}: failed: ${(error as Error).message}`);
  }
  samples.sort((a, b) => a - b);
  console.log(`  ${label}: ${samples[Math.floor(samples.length / 2)]!.toFixed(0)} ms (${describe(result!)})`);
}

const snapshot = buildSnapshot(benchCluster(), {});
const pods = selectPods(snapshot, { allNamespaces: true, selector: [] });
const destinations = DESTINATIONS.map((d) => {
  const parsed = parseDestination(d);
  if (parsed.kind !== 'resolved') throw new Error(`destination ${d}`);
  return parsed.destination;
});
const decisions = predict(snapshot, pods, { destinations, trace: false });
const groups = new Set(
  decisions.map((d) => `${d.namespace}/${d.workload.kind}/${d.workload.name}/${d.destination.text}`),
).size;

// Written as `who -o json` writes it, to a sink that only counts, so no disk or pipe is timed.
function jsonReport(): number {
  let length = 0;
  writeReport(streamedEgressReport(snapshot, decisions), 'json', (text) => {
    length += text.length;
  });
  return length;
}

const lines = (text: string) => `${text.split('\n').length - 1} lines`;
console.log(
  `output: ${decisions.length} decisions in ${groups} workload groups (${pods.length} pods × ${destinations.length} destinations on ${NODES} nodes), median of ${RUNS} runs`,
);
report('who table by workload', () => renderWho(decisions, { by: 'workload', wide: false }), lines);
report('who table by workload, wide', () => renderWho(decisions, { by: 'workload', wide: true }), lines);
report('who table by pod', () => renderWho(decisions, { by: 'pod', wide: false }), lines);
report('who -o json report', jsonReport, (length) => `${(length / 1e6).toFixed(0)} MB`);
report(
  "lint (who's hint)",
  () => lint({ snapshot, pods }),
  (findings) => `${findings.length} findings`,
);
