/**
 * What OVN-Kubernetes' egress objects share: they act only on pods of OVN's pod network, on the
 * nodes it runs on, and never on east-west traffic (pods, nodes, the cluster subnet), which its
 * logical router policies allow before any reroute (docs/features/cluster-egress-controls/egress-ip.md,
 * the priority 102 policies).
 */
import type { Destination } from '../../model/decision.ts';
import type { NodeInfo, PodInfo } from '../../model/snapshot.ts';
import { cidrBlocks, coverage, RangeSet } from '../../net/ip.ts';
import { inClusterRanges } from '../core/cluster-addresses.ts';
import { derivation, type EngineContext } from '../core/context.ts';

/** The part of an OVN egress layer these questions read. */
interface OvnScoped {
  clusterSubnets: string[];
  /** The nodes OVN-Kubernetes runs on, where known. */
  nodes?: string[];
}

/** The nodes as a set: asked once per pod. */
const ovnNodes = derivation((layer: OvnScoped): ReadonlySet<string> => new Set(layer.nodes));
/** The cluster subnets merged once: a large cluster has a subnet per node. */
const clusterSubnets = derivation((layer: OvnScoped): RangeSet => new RangeSet(cidrBlocks(layer.clusterSubnets)));

/** Whether the pod is on OVN's pod network: not hostNetwork, on a node OVN runs on. */
export function onOvnPodNetwork(ctx: EngineContext, layer: OvnScoped, pod: PodInfo, node: NodeInfo): boolean {
  return !pod.hostNetwork && (!layer.nodes || ctx.of(ovnNodes, layer).has(node.name));
}

/** Whether the whole destination is inside the cluster (pods, nodes, the cluster subnet). */
export function eastWest(ctx: EngineContext, layer: OvnScoped, destination: Destination): boolean {
  return (
    coverage(destination.range, ctx.of(inClusterRanges, ctx.snapshot)) === 'all' ||
    coverage(destination.range, ctx.of(clusterSubnets, layer)) === 'all'
  );
}
