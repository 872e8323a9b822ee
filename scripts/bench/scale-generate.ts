/**
 * Fills an empty lab with the scale fixture: CRDs, namespaces, ConfigMaps, workloads, 2,000 nodes
 * and their CiliumNodes, then 50,000 pods with kwok running so they become Running with IPs, then
 * the egress gateway policies. Creates go out 32 at a time; progress goes to stderr.
 */
import { readFileSync } from 'node:fs';
import type { Lab } from '../../test/support/lab.ts';
import { writeKubeconfig } from '../../test/support/lab.ts';
import { apiClient, createAll, type Api, type Create, type KubeObject } from './api.ts';
import { describeMemory } from './proc.ts';
import {
  ciliumConfig,
  ciliumCRDs,
  ciliumNode,
  egressGatewayPolicy,
  ipMasqAgentConfig,
  POLICIES,
} from './scale-cilium.ts';
import { startKwok, stopKwok, waitUntilAllRunning } from './scale-kwok.ts';
import { DAEMONSETS, deployments, namespaces, node, NODES, PODS, type Workload } from './scale-objects.ts';
import { daemonSetObject, deployment, deploymentNode, pod, replicaSet } from './scale-workloads.ts';
import { onTeardown } from './teardown.ts';

const PARALLEL = 32;

const collection = (obj: KubeObject, path: string) => {
  const namespace = obj.metadata.namespace;
  return namespace ? path.replace('{ns}', namespace) : path;
};

async function createCRDs(api: Api): Promise<void> {
  for (const crd of ciliumCRDs()) await api.post('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
  for (const plural of ['ciliumnodes', 'ciliumegressgatewaypolicies', 'ciliumendpoints']) {
    for (let tries = 0; (await api.raw('GET', `/apis/cilium.io/v2/${plural}?limit=1`)).status !== 200; tries++) {
      if (tries > 120) throw new Error(`the ${plural}.cilium.io CRD is not served after 60 s`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Creates the workloads and answers each one's pod owner: the ReplicaSet, or the DaemonSet itself. */
async function createWorkloads(api: Api, apps: Workload[]): Promise<Map<Workload, KubeObject>> {
  const owners = new Map<Workload, KubeObject>();
  const one = async (w: Workload) => {
    if (w.kind === 'DaemonSet') {
      owners.set(w, await api.post(`/apis/apps/v1/namespaces/${w.namespace}/daemonsets`, daemonSetObject(w)));
      return;
    }
    const owner = await api.post(`/apis/apps/v1/namespaces/${w.namespace}/deployments`, deployment(w));
    owners.set(w, await api.post(`/apis/apps/v1/namespaces/${w.namespace}/replicasets`, replicaSet(w, owner)));
  };
  const queue = [...DAEMONSETS, ...apps];
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      for (let w = queue.shift(); w; w = queue.shift()) await one(w);
    }),
  );
  return owners;
}

/** Nodes, then one CiliumNode each, owned by its Node as Cilium's agent writes it. */
async function createNodes(api: Api): Promise<void> {
  const created = new Map<string, KubeObject>();
  const nodes = Array.from({ length: NODES }, (_, n) => ({ path: '/api/v1/nodes', body: node(n) }));
  await createAll(api, nodes, PARALLEL, (obj) => created.set(obj.metadata.name, obj));
  const ciliumNodes = nodes.map(({ body }, n) => ({
    path: '/apis/cilium.io/v2/ciliumnodes',
    body: ciliumNode(n, created.get(body.metadata.name)!),
  }));
  await createAll(api, ciliumNodes, PARALLEL);
}

function* pods(apps: Workload[], owners: Map<Workload, KubeObject>): Generator<Create> {
  let k = 0;
  for (const w of apps) {
    for (let r = 0; r < w.replicas; r++) yield podCreate(pod(w, owners.get(w)!, r, deploymentNode(k++)));
  }
  for (const w of DAEMONSETS) {
    for (let n = 0; n < NODES; n++) yield podCreate(pod(w, owners.get(w)!, n, n));
  }
}

const podCreate = (body: KubeObject): Create => ({ path: collection(body, '/api/v1/namespaces/{ns}/pods'), body });

/** Prints how many pods exist every 10 s while `work` runs. */
async function withProgress<T>(what: string, total: number, done: () => number, work: Promise<T>): Promise<T> {
  const start = Date.now();
  const timer = setInterval(() => {
    const seconds = (Date.now() - start) / 1000;
    console.error(`[scale] ${what}: ${done()}/${total} (${(done() / seconds).toFixed(0)}/s)`);
  }, 10_000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

export interface GenerateStats {
  /** Pods as `kubectl get -o json` prints them: one container, with a sidecar, Cilium's agent. */
  podBytes: { app: number; withSidecar: number; cilium: number };
  kwokMemory: string;
}

async function podBytes(api: Api, namespace: string, selector: string): Promise<number> {
  const list = await api.get(
    `/api/v1/namespaces/${namespace}/pods?limit=1&labelSelector=${encodeURIComponent(selector)}`,
  );
  const item = (list['items'] as KubeObject[])[0]!;
  delete item.metadata['managedFields'];
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', ...item }, null, 4).length;
}

export async function generateFixture(lab: Lab): Promise<GenerateStats> {
  const api = apiClient(lab.server, readFileSync(lab.caFile, 'utf8'), lab.tokens.admin);
  const step = (what: string) => console.error(`[scale] ${what}`);
  try {
    step('CRDs, namespaces, ConfigMaps');
    await createCRDs(api);
    await createAll(
      api,
      namespaces().map((body) => ({ path: '/api/v1/namespaces', body })),
      PARALLEL,
    );
    for (const cm of [ciliumConfig(), ipMasqAgentConfig()])
      await api.post(collection(cm, '/api/v1/namespaces/{ns}/configmaps'), cm);
    const apps = deployments();
    step(`${apps.length} Deployments with their ReplicaSets, ${DAEMONSETS.length} DaemonSets`);
    const owners = await createWorkloads(api, apps);
    step(`${NODES} nodes and their CiliumNodes`);
    await createNodes(api);
    const kwok = startKwok(lab.binDir, writeKubeconfig(lab, 'admin'), lab.dir);
    const forgetKwok = onTeardown(() => stopKwok(kwok));
    let created = 0;
    step(`${PODS} pods (kwok sets them Running meanwhile)`);
    await withProgress(
      'pods created',
      PODS,
      () => created,
      createAll(api, pods(apps, owners), PARALLEL, () => created++),
    );
    step(`${POLICIES} CiliumEgressGatewayPolicies`);
    await createAll(
      api,
      apps
        .slice(0, POLICIES)
        .map((w, i) => ({ path: '/apis/cilium.io/v2/ciliumegressgatewaypolicies', body: egressGatewayPolicy(i, w) })),
      PARALLEL,
    );
    await waitUntilAllRunning(api, kwok, PODS);
    const kwokMemory = describeMemory('kwok', kwok.pid ?? 0);
    await stopKwok(kwok);
    forgetKwok();
    const bytesOf = (w: Workload) => podBytes(api, w.namespace, `app=${w.name}`);
    const sizes = {
      app: await bytesOf(apps[1]!),
      withSidecar: await bytesOf(apps[0]!),
      cilium: await podBytes(api, 'kube-system', 'k8s-app=cilium'),
    };
    return { podBytes: sizes, kwokMemory };
  } finally {
    api.close();
  }
}
