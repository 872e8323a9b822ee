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
import type { KubeObject } from '../../src/model/objects.ts';
import { streamedEgressReport } from '../../src/render/report.ts';
import { writeReport } from '../../src/render/serialize.ts';
import { renderWho } from '../../src/render/who-view.ts';

const NODES = Number(process.env.BENCH_NODES ?? 2_000);
const RUNS = Number(process.env.BENCH_TABLE_RUNS ?? 3);
const PODS_PER_NODE = 75;
const DEPLOYMENTS = 300;
const POLICIES = 200;
const GATEWAYS = 10;
const DESTINATIONS = ['8.8.8.8', '203.0.113.10', '10.0.5.5', '198.51.100.7'];

const octets = (n: number) => `${(n >> 8) & 255}.${n & 255}`;

// engine.ts's cluster, copied rather than imported: engine.ts runs its benchmark on import.
function cluster(): KubeObject[] {
  const objects: KubeObject[] = [
    { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'cilium', namespace: 'kube-system' }, spec: { template: { spec: { hostNetwork: true, containers: [{ name: 'cilium-agent', image: 'quay.io/cilium/cilium:v1.18.2' }] } } } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cilium-config', namespace: 'kube-system' }, data: { 'enable-egress-gateway': 'true', 'enable-bpf-masquerade': 'true', 'kube-proxy-replacement': 'true', 'enable-ipv4-masquerade': 'true', 'ipv4-native-routing-cidr': '10.0.0.0/8', 'routing-mode': 'native' } },
  ];
  for (let n = 0; n < NODES; n++) objects.push(...node(n));
  for (let i = 0; i < POLICIES; i++) objects.push(policy(i));
  return objects;
}

function node(n: number): KubeObject[] {
  const name = `node-${n}`;
  const labels = { 'kubernetes.io/hostname': name, ...(n < GATEWAYS ? { 'egress-gateway': 'true' } : {}) };
  const objects: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: { podCIDR: `10.${octets(n)}.0/24`, podCIDRs: [`10.${octets(n)}.0/24`] }, status: { addresses: [{ type: 'InternalIP', address: `172.16.${octets(n)}` }] } },
    { apiVersion: 'cilium.io/v2', kind: 'CiliumNode', metadata: { name, labels }, spec: { addresses: [{ type: 'InternalIP', ip: `172.16.${octets(n)}` }], ipam: { podCIDRs: [`10.${octets(n)}.0/24`] } } },
  ];
  for (let p = 0; p < PODS_PER_NODE; p++) {
    const app = (n * PODS_PER_NODE + p) % DEPLOYMENTS;
    const hash = `h${app}`;
    objects.push({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: `app-${app}-${hash}-${n}-${p}`, namespace: `ns-${app % 50}`, labels: { app: `app-${app}`, team: `team-${app % 20}`, 'pod-template-hash': hash }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `app-${app}-${hash}`, uid: `rs-${app}`, controller: true }] },
      spec: { nodeName: name, containers: [{ name: 'c', image: 'example' }] },
      status: { phase: 'Running', podIP: `10.${octets(n)}.${p + 2}`, podIPs: [{ ip: `10.${octets(n)}.${p + 2}` }] },
    });
  }
  return objects;
}

function policy(i: number): KubeObject {
  return { apiVersion: 'cilium.io/v2', kind: 'CiliumEgressGatewayPolicy', metadata: { name: `egw-${i}` }, spec: {
    selectors: [{ podSelector: { matchLabels: { app: `app-${i}` } } }],
    destinationCIDRs: [i % 2 === 0 ? '203.0.113.0/24' : `198.51.100.${i % 250}/32`],
    egressGateway: { nodeSelector: { matchLabels: { 'egress-gateway': 'true', 'kubernetes.io/hostname': `node-${i % GATEWAYS}` } }, egressIP: `172.16.${octets(i % GATEWAYS)}` },
  } };
}

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

const snapshot = buildSnapshot(cluster(), {});
const pods = selectPods(snapshot, { allNamespaces: true, selector: [] });
const destinations = DESTINATIONS.map((d) => {
  const parsed = parseDestination(d);
  if (parsed.kind !== 'resolved') throw new Error(`destination ${d}`);
  return parsed.destination;
});
const decisions = predict(snapshot, pods, { destinations, trace: false });
const groups = new Set(decisions.map((d) => `${d.namespace}/${d.workload.kind}/${d.workload.name}/${d.destination.text}`)).size;

// Written as `who -o json` writes it, to a sink that only counts, so no disk or pipe is timed.
function jsonReport(): number {
  let length = 0;
  writeReport(streamedEgressReport(snapshot, decisions), 'json', (text) => { length += text.length; });
  return length;
}

const lines = (text: string) => `${text.split('\n').length - 1} lines`;
console.log(`output: ${decisions.length} decisions in ${groups} workload groups (${pods.length} pods × ${destinations.length} destinations on ${NODES} nodes), median of ${RUNS} runs`);
report('who table by workload', () => renderWho(decisions, { by: 'workload', wide: false }), lines);
report('who table by workload, wide', () => renderWho(decisions, { by: 'workload', wide: true }), lines);
report('who table by pod', () => renderWho(decisions, { by: 'pod', wide: false }), lines);
report('who -o json report', jsonReport, (length) => `${(length / 1e6).toFixed(0)} MB`);
report('lint (who\'s hint)', () => lint({ snapshot, pods }), (findings) => `${findings.length} findings`);
