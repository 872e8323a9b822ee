/**
 * The pods of one template moved to one node: decided once, not once per pod. A pod moved to a node
 * it is not on is its template there — the decision reads its namespace, labels, annotations,
 * service account, workload, phase and hostNetwork, the node, and the address it gets there (the
 * node's, or the first of its pod CIDRs) — never the pod's own address or scheduling. Its name it
 * reads only as a word in reasons (pod-network.ts, network-policy-rules.ts), where pods of one
 * template differ in nothing else; and through the pod's CiliumEndpoint UID, which a policy with
 * several gateways hashes (gateways/cilium.ts), so with such a policy each pod is its own template.
 * Skipping a later pod's placement on a node the template was already placed on therefore drops
 * only repeats: every address, node and reason code it would add is there already, in the order
 * every pod was decided before.
 */
import type { NodeInfo, PodInfo, Snapshot } from '../../model/snapshot.ts';
import { formatAddress, parseCidr } from '../../net/ip.ts';

/** Everything of the pod a moved decision reads, as one string; pods with equal keys are one template. */
export function templateKey(snapshot: Snapshot, pod: PodInfo): string {
  const { namespace, labels, annotations, serviceAccount, workload, phase, hostNetwork } = pod;
  const hashed = snapshot.datapath.cilium?.egressPolicies.some((p) => p.multiGateway) ? pod.name : undefined;
  return JSON.stringify([
    namespace,
    labels,
    annotations,
    serviceAccount,
    workload,
    phase ?? null,
    hostNetwork,
    hashed ?? null,
  ]);
}

/** The nodes each pod still needs a moved decision on, for one destination. */
export class Moves {
  /** Per template: nodes a pod of it was moved to already. */
  private readonly placed = new Map<string, Set<NodeInfo>>();
  /** Per template: eligible lists all of whose nodes it was moved to (those with pod addresses). */
  private readonly covered = new Map<string, Set<readonly NodeInfo[]>>();
  private readonly addresses: PodAddresses;

  constructor(addresses: PodAddresses) {
    this.addresses = addresses;
  }

  /**
   * The eligible nodes other than the pod's own that its template was not moved to yet, plus those
   * where the pod keeps its own address (a node without a pod CIDR): there the pod is its own template.
   */
  nodesFor(pod: PodInfo, template: string, eligible: readonly NodeInfo[]): NodeInfo[] {
    const placed = mapGet(this.placed, template, () => new Set<NodeInfo>());
    const covered = mapGet(this.covered, template, () => new Set<readonly NodeInfo[]>());
    const own = (node: NodeInfo) => !pod.hostNetwork && this.addresses.on(node) === undefined;
    if (covered.has(eligible))
      return pod.hostNetwork ? [] : this.addresses.withoutPodCidr(eligible).filter((n) => n.name !== pod.nodeName);
    const nodes: NodeInfo[] = [];
    let all = true;
    for (const node of eligible) {
      if (own(node)) {
        if (node.name !== pod.nodeName) nodes.push(node);
      } else if (!placed.has(node)) {
        if (node.name === pod.nodeName) {
          all = false;
          continue;
        }
        placed.add(node);
        nodes.push(node);
      }
    }
    if (all) covered.add(eligible);
    return nodes;
  }
}

/** A node's address for a pod that is not on it yet: the one after each pod CIDR's network address. */
export class PodAddresses {
  private readonly byNode = new Map<NodeInfo, string[] | undefined>();
  private readonly uncovered = new Map<readonly NodeInfo[], NodeInfo[]>();

  /** undefined for a node without a pod CIDR. */
  on(node: NodeInfo): string[] | undefined {
    return mapGet(this.byNode, node, () => {
      const addresses = node.podCIDRs.flatMap((c) => {
        const parsed = parseCidr(c);
        return parsed ? [formatAddress(parsed.cidr.family, parsed.cidr.first + 1n)] : [];
      });
      return addresses.length > 0 ? addresses : undefined;
    });
  }

  /** The nodes of the list without a pod CIDR (usually none). */
  withoutPodCidr(nodes: readonly NodeInfo[]): NodeInfo[] {
    return mapGet(this.uncovered, nodes, () => nodes.filter((n) => this.on(n) === undefined));
  }
}

function mapGet<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  if (map.has(key)) return map.get(key) as V;
  const value = create();
  map.set(key, value);
  return value;
}
