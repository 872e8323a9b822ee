/**
 * Writes a cluster the shape of the scale fixture (scale-objects.ts, scale-workloads.ts: 300
 * Deployments of uneven size, three DaemonSets with a pod on every node, Cilium with egress
 * gateways) at any size, as `kubectl get -A -o yaml` prints it: one `kind: List`, keys sorted,
 * each pod with the status kwok and the kubelet write (conditions, container statuses), no
 * managedFields (kubectl hides them). `-f` of this file is what the streaming reader
 * (src/cli/input.ts) is measured on (file.ts).
 * Run: node scripts/bench/big-file.ts OUT [NODES] [PODS] [yaml|json|documents]
 * (default 2,000 nodes, 50,000 pods, a YAML List).
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { stringify } from 'yaml';
import type { KubeObject } from './api.ts';
import { ciliumConfig, ciliumNode, egressGatewayPolicy, ipMasqAgentConfig, POLICIES } from './scale-cilium.ts';
import {
  DAEMONSETS,
  DEPLOYMENT_PODS,
  deployments,
  namespaces,
  node,
  nodeIP,
  podCIDR,
  type Workload,
} from './scale-objects.ts';
import { daemonSetObject, deployment, pod, replicaSet } from './scale-workloads.ts';

const TIME = '2026-01-01T00:00:00Z';

/** The fixture's Deployments with their replicas scaled to `pods` in all. */
function scaledDeployments(pods: number): Workload[] {
  const apps = deployments().map((w) => ({ ...w, replicas: Math.floor((w.replicas * pods) / DEPLOYMENT_PODS) }));
  for (let i = 0, left = pods - apps.reduce((a, w) => a + w.replicas, 0); left > 0; i++, left--) apps[i]!.replicas += 1;
  return apps;
}

/** What the API server adds to a created object. */
function created(obj: KubeObject, seq: number): KubeObject {
  const uid = `5f0c1d7e-${String(seq % 10000).padStart(4, '0')}-4000-8000-${String(seq).padStart(12, '0')}`;
  return { ...obj, metadata: { ...obj.metadata, uid, resourceVersion: String(1000 + seq), creationTimestamp: TIME } };
}

/** The status kwok writes for a Running pod on `node` (pod address `ip`). */
function running(p: KubeObject, node: number, ip: string): KubeObject {
  const spec = p['spec'] as {
    containers: Array<{ name: string; image: string }>;
    initContainers?: Array<{ name: string; image: string }>;
  };
  const hostIP = nodeIP(node);
  const containerStatus = (c: { name: string; image: string }, init: boolean) => ({
    containerID: `containerd://${c.name}${ip.replace(/\./g, '')}`.padEnd(77, '0'),
    image: c.image,
    imageID: `${c.image.split(':')[0]}@sha256:${'0'.repeat(64)}`,
    lastState: {},
    name: c.name,
    ready: !init,
    restartCount: 0,
    started: !init,
    state: init
      ? {
          terminated: {
            exitCode: 0,
            reason: 'Completed',
            startedAt: TIME,
            finishedAt: TIME,
            containerID: 'containerd://0',
          },
        }
      : { running: { startedAt: TIME } },
  });
  return {
    ...p,
    status: {
      phase: 'Running',
      hostIP,
      hostIPs: [{ ip: hostIP }],
      podIP: ip,
      podIPs: [{ ip }],
      qosClass: 'Burstable',
      startTime: TIME,
      conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(
        (type) => ({ lastProbeTime: null, lastTransitionTime: TIME, status: 'True', type }),
      ),
      containerStatuses: spec.containers.map((c) => containerStatus(c, false)),
      ...(spec.initContainers
        ? { initContainerStatuses: spec.initContainers.map((c) => containerStatus(c, true)) }
        : {}),
    },
  };
}

/** Keys sorted at every level, as kubectl's YAML printer writes them. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
  );
}

function* cluster(nodes: number, pods: number): Generator<KubeObject> {
  let seq = 0;
  const add = (obj: KubeObject) => created(obj, seq++);
  yield* namespaces().map(add);
  yield* [ciliumConfig(), ipMasqAgentConfig()].map(add);
  const nodeObjects = Array.from({ length: nodes }, (_, n) => add(node(n)));
  yield* nodeObjects;
  yield* nodeObjects.map((owner, n) => add(ciliumNode(n, owner)));
  const apps = scaledDeployments(pods - nodes * DAEMONSETS.length);
  const owners = new Map<Workload, KubeObject>();
  for (const w of DAEMONSETS) owners.set(w, add(daemonSetObject({ ...w, replicas: nodes })));
  for (const w of apps) owners.set(w, add(replicaSet(w, add(deployment(w)))));
  yield* owners.values();
  yield* apps.slice(0, POLICIES).map((w, i) => add(egressGatewayPolicy(i, w)));
  const used = new Array<number>(nodes).fill(0);
  const address = (n: number, w: Workload) =>
    w.hostNetwork ? nodeIP(n) : podCIDR(n).replace(/0\/24$/, String(2 + used[n]!++));
  let k = 0;
  for (const w of apps) {
    for (let r = 0; r < w.replicas; r++, k++)
      yield running(add(pod(w, owners.get(w)!, r, k % nodes)), k % nodes, address(k % nodes, w));
  }
  for (const w of DAEMONSETS)
    for (let n = 0; n < nodes; n++) yield running(add(pod(w, owners.get(w)!, n, n)), n, address(n, w));
}

/** How kubectl writes a List of them: YAML (`get -o yaml`), JSON (`get -o json`), or one YAML document each. */
const WRITERS = {
  yaml: {
    head: 'apiVersion: v1\nitems:\n',
    item: (o: unknown) => stringify([o], { lineWidth: 0 }),
    tail: 'kind: List\nmetadata:\n  resourceVersion: ""\n',
  },
  json: {
    head: '{\n    "apiVersion": "v1",\n    "items": [\n',
    item: (o: unknown, first: boolean) =>
      `${first ? '' : ',\n'}        ${JSON.stringify(o, null, 4).replaceAll('\n', '\n        ')}`,
    tail: '\n    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n',
  },
  documents: { head: '', item: (o: unknown) => `---\n${stringify(o, { lineWidth: 0 })}`, tail: '' },
};

const [path = 'big.yaml', nodes = '2000', pods = '50000', format = 'yaml'] = process.argv.slice(2);
const writer = WRITERS[format as keyof typeof WRITERS];
if (!writer) throw new Error(`format ${format}: one of ${Object.keys(WRITERS).join(', ')}`);
const out = createWriteStream(path);
out.write(writer.head);
let first = true;
for (const obj of cluster(Number(nodes), Number(pods))) {
  if (!out.write(writer.item(sorted(obj), first))) await once(out, 'drain');
  first = false;
}
out.write(writer.tail);
out.end();
await once(out, 'finish');
