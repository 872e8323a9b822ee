/**
 * Which agent pods a narrowed read lists (src/cluster/agent-pods.ts): the lists per node while
 * every agent has a live pod on those nodes, every pod of the namespace otherwise.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/model/objects.ts';
import { NODE_LISTS_UP_TO, nodesOf, readAgentPods, type AgentPodReads } from '../../src/cluster/agent-pods.ts';

const daemonSet = (name: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name, namespace: 'kube-system' },
});

function pod(name: string, node: string, owner?: string, phase = 'Running'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'kube-system',
      ...(owner
        ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: owner, controller: true }] }
        : {}),
    },
    spec: { nodeName: node },
    status: { phase },
  } as KubeObject;
}

const CLUSTER = [
  pod('agent-n1', 'n1', 'agent'),
  pod('agent-n2', 'n2', 'agent'),
  pod('gpu-n2', 'n2', 'gpu'),
  pod('old-gpu-n1', 'n1', 'gpu', 'Failed'),
];

/** Reads over CLUSTER that say which lists were made. */
function reads(mayList: boolean | undefined = true): AgentPodReads & { made: string[] } {
  const made: string[] = [];
  return {
    made,
    all: async () => (made.push('all'), CLUSTER),
    mayList: async () => mayList,
    onNode: async (node) => (
      made.push(node), CLUSTER.filter((p) => (p as { spec?: { nodeName?: string } }).spec?.nodeName === node)
    ),
  };
}

const names = (pods: readonly KubeObject[]) => pods.map((p) => p.metadata.name);

describe("the agents' pods of a narrowed read", () => {
  it('lists each node of the pods asked about while every agent has a live pod there', async () => {
    const r = reads();
    const pods = await readAgentPods(
      'kube-system',
      Promise.resolve([daemonSet('agent'), daemonSet('gpu')]),
      Promise.resolve(['n2']),
      r,
    );
    expect(r.made).toEqual(['n2']);
    expect(names(pods)).toEqual(['agent-n2', 'gpu-n2']);
  });

  it("gives the pods in the nodes' order, whichever list answers first", async () => {
    const r = reads();
    const slowFirst: AgentPodReads = {
      ...r,
      onNode: async (node) => (await new Promise((done) => setTimeout(done, node === 'n1' ? 20 : 0)), r.onNode(node)),
    };
    const pods = await readAgentPods(
      'kube-system',
      Promise.resolve([daemonSet('agent')]),
      Promise.resolve(['n1', 'n2']),
      slowFirst,
    );
    expect(names(pods)).toEqual(['agent-n1', 'old-gpu-n1', 'agent-n2', 'gpu-n2']);
  });

  it('lists every pod when an agent has no live pod on those nodes, so its absence there is seen as the whole read sees it', async () => {
    const r = reads();
    const pods = await readAgentPods(
      'kube-system',
      Promise.resolve([daemonSet('agent'), daemonSet('gpu')]),
      Promise.resolve(['n1']),
      r,
    );
    expect(r.made).toEqual(['n1', 'all']);
    expect(names(pods)).toEqual(names(CLUSTER));
  });

  it.each([
    ['too many nodes (undefined)', undefined, 'kube-system', true],
    ["calico-system, where Calico's egress gateway pods may be", ['n2'], 'calico-system', true],
    ['a pod list the user may not make', ['n2'], 'kube-system', false],
  ] as const)('lists every pod for %s', async (_, nodes, namespace, mayList) => {
    const r = reads(mayList);
    await readAgentPods(namespace, Promise.resolve([daemonSet('agent')]), Promise.resolve(nodes), r);
    expect(r.made).toEqual(['all']);
  });

  it('reviews access beside the pods read, and a review that fails is met where it is awaited', async () => {
    const failing = (): AgentPodReads & { made: string[] } => ({
      ...reads(),
      mayList: () => Promise.reject(new Error('connection reset')),
    });
    let nodesKnown: (nodes: readonly string[] | undefined) => void = () => {};
    const later = new Promise<readonly string[] | undefined>((resolve) => {
      nodesKnown = resolve;
    });
    // The review fails while the nodes are still unknown: no unhandled rejection, the whole read goes on.
    const large = failing();
    const read = readAgentPods('kube-system', Promise.resolve([daemonSet('agent')]), later, large);
    await new Promise((resolve) => setTimeout(resolve, 10));
    nodesKnown(undefined);
    expect(names(await read)).toEqual(names(CLUSTER));
    // With nodes to list, the failure is the read's.
    const narrow = readAgentPods(
      'kube-system',
      Promise.resolve([daemonSet('agent')]),
      Promise.resolve(['n2']),
      failing(),
    );
    await expect(narrow).rejects.toThrow('connection reset');
  });
});

describe('the nodes a narrowed read looks at', () => {
  it("are the distinct nodes of the live pods, or only the named pod's", () => {
    expect(nodesOf(CLUSTER)).toEqual(['n1', 'n2']);
    expect(nodesOf(CLUSTER, 'gpu-n2')).toEqual(['n2']);
    expect(nodesOf([pod('done', 'n3', undefined, 'Succeeded')])).toEqual([]);
  });

  it(`are none (read every pod) beyond ${NODE_LISTS_UP_TO} nodes`, () => {
    const many = Array.from({ length: NODE_LISTS_UP_TO + 1 }, (_, i) => pod(`p${i}`, `n${i}`));
    expect(nodesOf(many.slice(0, NODE_LISTS_UP_TO))).toHaveLength(NODE_LISTS_UP_TO);
    expect(nodesOf(many)).toBeUndefined();
  });
});
