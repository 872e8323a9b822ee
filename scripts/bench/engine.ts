/**
 * Engine micro-benchmark (issue 9's in-process half): a generated Cilium cluster of 2,000 nodes,
 * 150,000 pods in 300 Deployments, 200 CiliumEgressGatewayPolicies, 2,000 NetworkPolicies and 200
 * CiliumNetworkPolicies, 4 destinations; times
 * config (raw objects → snapshot) and the engine (predict) and reports heap and peak RSS. Prints
 * measurements only. Run: node scripts/bench/engine.ts (Node ≥ 22.18 runs TypeScript as is).
 */
import { buildSnapshot } from '../../src/engine/snapshot.ts';
import { parseDestination } from '../../src/config/destinations.ts';
import { predict } from '../../src/engine/predict.ts';
import { selectPods } from '../../src/engine/select.ts';
import type { KubeObject } from '../../src/model/objects.ts';
import {
  benchCluster,
  CILIUM_NETWORK_POLICIES,
  DESTINATIONS,
  NETWORK_POLICIES,
  NODES,
  POLICIES,
} from './bench-cluster.ts';

function timed<T>(run: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const result = run();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

// Dropped once the snapshot is built, as `who` drops what it read.
let objects: KubeObject[] | undefined = benchCluster();
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const [snapshot, configMs] = timed(() => buildSnapshot(objects!, {}));
objects = undefined;
const pods = selectPods(snapshot, { allNamespaces: true, selector: [] });
const destinations = DESTINATIONS.map((d) => {
  const parsed = parseDestination(d);
  if (parsed.kind !== 'resolved') throw new Error(`destination ${d}`);
  return parsed.destination;
});
const [decisions, engineMs] = timed(() => predict(snapshot, pods, { destinations, trace: false }));
const viaGateway = decisions.filter((d) => d.identity === 'egress-gateway').length;
const verdicts = { allowed: 0, denied: 0, unknown: 0 };
for (const d of decisions) verdicts[d.policy.verdict]++;
console.log(
  `engine: ${pods.length} pods × ${destinations.length} destinations × ${POLICIES} gateway policies, ${NETWORK_POLICIES} NetworkPolicies and ${CILIUM_NETWORK_POLICIES} CiliumNetworkPolicies on ${NODES} nodes`,
);
console.log(`  config (objects → snapshot): ${configMs.toFixed(0)} ms`);
console.log(
  `  engine (predict, no trace, as \`who\` runs it): ${engineMs.toFixed(0)} ms for ${decisions.length} decisions (${viaGateway} through a gateway; policy ${verdicts.allowed} allowed, ${verdicts.denied} denied, ${verdicts.unknown} unknown)`,
);
console.log(
  `  heap used ${mb(process.memoryUsage().heapUsed)}, peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} (the generated objects included)`,
);
