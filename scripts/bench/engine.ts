/**
 * Engine micro-benchmark (issue 9's in-process half): a generated Cilium cluster of 2,000 nodes,
 * 150,000 pods in 300 Deployments and 200 CiliumEgressGatewayPolicies, 4 destinations; times
 * config (raw objects → snapshot) and the engine (predict) and reports heap and peak RSS. Prints
 * measurements only. Run: node scripts/bench/engine.ts (Node ≥ 22.18 runs TypeScript as is).
 */
import { buildSnapshot } from '../../src/engine/snapshot.ts';
import { parseDestination } from '../../src/config/destinations.ts';
import { predict } from '../../src/engine/predict.ts';
import { selectPods } from '../../src/engine/select.ts';
import type { KubeObject } from '../../src/model/objects.ts';

const NODES = Number(process.env.BENCH_NODES ?? 2_000);
const PODS_PER_NODE = 75;
const DEPLOYMENTS = 300;
const POLICIES = 200;
const GATEWAYS = 10;
const DESTINATIONS = ['8.8.8.8', '203.0.113.10', '10.0.5.5', '198.51.100.7'];

const octets = (n: number) => `${(n >> 8) & 255}.${n & 255}`;

function cluster(): KubeObject[] {
  const objects: KubeObject[] = [
    { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'cilium', namespace: 'kube-system' }, spec: { template: { spec: { hostNetwork: true, containers: [{ name: 'cilium-agent', image: 'quay.io/cilium/cilium:v1.18.2' }] } } } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cilium-config', namespace: 'kube-system' }, data: { 'enable-egress-gateway': 'true', 'enable-bpf-masquerade': 'true', 'kube-proxy-replacement': 'true', 'enable-ipv4-masquerade': 'true', 'ipv4-native-routing-cidr': '10.0.0.0/8', 'routing-mode': 'native' } },
  ];
  for (let n = 0; n < NODES; n++) {
    const name = `node-${n}`;
    const labels = { 'kubernetes.io/hostname': name, ...(n < GATEWAYS ? { 'egress-gateway': 'true' } : {}) };
    objects.push({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: { podCIDR: `10.${octets(n)}.0/24`, podCIDRs: [`10.${octets(n)}.0/24`] }, status: { addresses: [{ type: 'InternalIP', address: `172.16.${octets(n)}` }] } });
    objects.push({ apiVersion: 'cilium.io/v2', kind: 'CiliumNode', metadata: { name, labels }, spec: { addresses: [{ type: 'InternalIP', ip: `172.16.${octets(n)}` }], ipam: { podCIDRs: [`10.${octets(n)}.0/24`] } } });
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
  }
  for (let i = 0; i < POLICIES; i++) {
    objects.push({ apiVersion: 'cilium.io/v2', kind: 'CiliumEgressGatewayPolicy', metadata: { name: `egw-${i}` }, spec: {
      selectors: [{ podSelector: { matchLabels: { app: `app-${i}` } } }],
      destinationCIDRs: [i % 2 === 0 ? '203.0.113.0/24' : `198.51.100.${i % 250}/32`],
      egressGateway: { nodeSelector: { matchLabels: { 'egress-gateway': 'true', 'kubernetes.io/hostname': `node-${i % GATEWAYS}` } }, egressIP: `172.16.${octets(i % GATEWAYS)}` },
    } });
  }
  return objects;
}

function timed<T>(run: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const result = run();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

// Dropped once the snapshot is built, as `who` drops what it read.
let objects: KubeObject[] | undefined = cluster();
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
console.log(`engine: ${pods.length} pods × ${destinations.length} destinations × ${POLICIES} policies on ${NODES} nodes`);
console.log(`  config (objects → snapshot): ${configMs.toFixed(0)} ms`);
console.log(`  engine (predict, no trace, as \`who\` runs it): ${engineMs.toFixed(0)} ms for ${decisions.length} decisions (${viaGateway} through a gateway)`);
console.log(`  heap used ${mb(process.memoryUsage().heapUsed)}, peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} (the generated objects included)`);
