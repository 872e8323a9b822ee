/**
 * The agents' own pods in an agent namespace, which say which nodes each agent runs on
 * (config/daemonset.ts agentScope). `who -A` has them among every pod. A question about a few pods
 * needs them only on those pods' nodes: one list per node with the field selector spec.nodeName
 * (an index of the API server's watch cache, as the kubelet's own pod list uses) instead of every
 * agent pod of the cluster — 2,000 Cilium agents of 25 KB each on the benchmark cluster.
 */
import type { KubeObject } from '../model/objects.ts';
import { controllerOf, isTerminated } from '../config/pods.ts';

/**
 * Above this many nodes one list of the namespace's pods is cheaper than a list per node.
 * Measured on the benchmark cluster (2,000 nodes, a 25 KB Cilium agent pod on each) with
 * scripts/bench/cutover.ts (medians of 3, 2-core machine), both read as the read makes them — in
 * protobuf, the whole list in one request, lists per node 16 at a time from the watch cache (list.ts
 * fromWatchCache): every pod of kube-system 0.17–0.20 s against lists per node 0.14–0.22 s for
 * 500 nodes, 0.17–0.19 s for 700, 0.32 s for 800, 0.23–0.26 s for 1,000 (two runs). A namespace
 * with more pods than one page reads every agent pod anyway (read.ts), as soon as its first page
 * arrives; this bound is for one page of pods on many nodes.
 */
export const NODE_LISTS_UP_TO = 800;

/** Lists per node in flight at once: a few connections' worth, not a burst the server's fairness queues would throttle. */
const PARALLEL = 16;

/**
 * Calico Enterprise's egress gateway pods may run in calico-system, and the engine finds them by
 * label among the pods read (engine/gateways/calico.ts): there, every pod is read.
 */
const EVERY_POD_NAMESPACES: ReadonlySet<string> = new Set(['calico-system']);

export interface AgentPodReads {
  /** Every pod of the namespace (the read records a refusal as a gap). */
  all: () => Promise<readonly KubeObject[]>;
  /** The access review of every pod's list, which the lists per node share. */
  mayList: () => Promise<boolean | undefined>;
  /** The namespace's pods on one node. */
  onNode: (node: string) => Promise<readonly KubeObject[]>;
}

/**
 * targetNodes: the nodes of the pods asked about, or undefined to read every pod (all namespaces
 * asked, or more nodes than NODE_LISTS_UP_TO).
 */
export async function readAgentPods(
  namespace: string,
  daemonSets: Promise<readonly KubeObject[]>,
  targetNodes: Promise<readonly string[] | undefined>,
  reads: AgentPodReads,
): Promise<readonly KubeObject[]> {
  // The access review runs beside the pods' read, where it would otherwise follow it. Its failure
  // is seen where it is awaited; when every pod is read instead, that read meets the same failure.
  const review = reads.mayList();
  review.catch(() => {});
  const nodes = await targetNodes;
  if (nodes === undefined || EVERY_POD_NAMESPACES.has(namespace) || (await review) === false) return reads.all();
  const [agents, pods] = await Promise.all([daemonSets, podsOn(nodes, reads.onNode)]);
  // An agent with no live pod on these nodes: the whole read says it does not run there when it
  // has pods elsewhere, while these pods alone would leave config/ to infer where it runs from its
  // nodeSelector. Only every pod tells the two apart.
  return agents.every((ds) => pods.some((pod) => ownedBy(pod, ds))) ? pods : reads.all();
}

async function podsOn(
  nodes: readonly string[],
  onNode: (node: string) => Promise<readonly KubeObject[]>,
): Promise<KubeObject[]> {
  // In the nodes' order whatever order the answers come in, so a snapshot's items are too.
  const lists: (readonly KubeObject[])[] = [];
  let next = 0;
  const worker = async () => {
    for (let at = next++; at < nodes.length; at = next++) lists[at] = await onNode(nodes[at]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, nodes.length) }, worker));
  return lists.flat();
}

function ownedBy(pod: KubeObject, ds: KubeObject): boolean {
  const owner = controllerOf(pod.metadata.ownerReferences);
  return owner?.kind === 'DaemonSet' && owner.name === ds.metadata.name && !isTerminated(pod);
}

/** The distinct nodes of the pods (only `pod`'s, when given), or undefined when there are more than NODE_LISTS_UP_TO. */
export function nodesOf(pods: readonly KubeObject[], pod?: string): readonly string[] | undefined {
  const nodes = new Set<string>();
  for (const p of pods) {
    const node = (p as { spec?: { nodeName?: unknown } }).spec?.nodeName;
    if ((pod === undefined || p.metadata.name === pod) && typeof node === 'string' && node && !isTerminated(p))
      nodes.add(node);
  }
  return nodes.size > NODE_LISTS_UP_TO ? undefined : [...nodes].sort();
}
