/**
 * Nodes as Cilium sees them: CiliumNode (spec.addresses, spec.ipam.podCIDRs, labels), falling back
 * to the Node object for nodes without one.
 */
import type { CiliumNodeInfo } from '../model/cilium.ts';
import type { NodeInfo } from '../model/snapshot.ts';
import { getArray, getRecord, getString, refOf, stringMap, type ObjectIndex } from './objects.ts';

export function ciliumNodes(index: ObjectIndex, nodes: readonly NodeInfo[]): CiliumNodeInfo[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const fromCrd = new Map(index.all('CiliumNode').map((cn) => {
    const node = byName.get(cn.metadata.name);
    const addresses = getArray(cn, 'spec', 'addresses');
    const ofType = (type: string) => addresses.filter((a) => getString(a, 'type') === type).flatMap((a) => getString(a, 'ip') ?? []);
    const info: CiliumNodeInfo = {
      name: cn.metadata.name,
      labels: stringMap(cn.metadata.labels),
      internalIPs: ofType('InternalIP'),
      externalIPs: ofType('ExternalIP'),
      ciliumInternalIPs: ofType('CiliumInternalIP'),
      podCIDRs: getArray(getRecord(cn, 'spec', 'ipam'), 'podCIDRs').filter((c): c is string => typeof c === 'string'),
      source: refOf(cn),
    };
    // With Kubernetes IPAM the pod CIDR stays on the Node object.
    if (info.podCIDRs.length === 0 && node) info.podCIDRs = node.podCIDRs;
    if (info.internalIPs.length === 0 && node) info.internalIPs = node.internalIPs;
    return [info.name, info] as const;
  }));
  const fallback = nodes.filter((n) => !fromCrd.has(n.name)).map((n): CiliumNodeInfo => ({
    name: n.name, labels: n.labels, internalIPs: n.internalIPs, externalIPs: n.externalIPs, ciliumInternalIPs: [],
    podCIDRs: n.podCIDRs, source: { kind: 'Node', name: n.name },
  }));
  return [...fromCrd.values(), ...fallback].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
