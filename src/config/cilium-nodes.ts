/**
 * Nodes as Cilium sees them: CiliumNode (spec.addresses, spec.ipam.podCIDRs, labels), falling back
 * to the Node object for nodes without one.
 */
import type { CiliumNodeInfo } from '../model/cilium.ts';
import type { NodeInfo } from '../model/snapshot.ts';
import type { KubeObject } from '../model/objects.ts';
import { cidrFamily, ipFamily, sortAddresses, written, type WrittenAddress } from './addresses.ts';
import { getArray, getRecord, getString, isRecord, refOf, stringMap, type ObjectIndex } from './objects.ts';

export function ciliumNodes(index: ObjectIndex, nodes: readonly NodeInfo[]): CiliumNodeInfo[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const fromCrd = new Map(
    index.all('CiliumNode').map((cn) => {
      const node = byName.get(cn.metadata.name);
      const [internal, external, ciliumInternal] = ['InternalIP', 'ExternalIP', 'CiliumInternalIP'].map((type) =>
        sortAddresses(type, addressesOfType(cn, type), ipFamily),
      );
      const podCIDRs = sortAddresses(
        'podCIDR',
        getArray(getRecord(cn, 'spec', 'ipam'), 'podCIDRs').map((c, i) => ({
          field: () => `spec.ipam.podCIDRs[${i}]`,
          value: written(c),
        })),
        cidrFamily,
      );
      const info: CiliumNodeInfo = {
        name: cn.metadata.name,
        labels: stringMap(cn.metadata.labels),
        internalIPs: internal!.valid,
        externalIPs: external!.valid,
        ciliumInternalIPs: ciliumInternal!.valid,
        podCIDRs: podCIDRs.valid,
        source: refOf(cn),
      };
      const invalid = [internal!, external!, ciliumInternal!, podCIDRs].flatMap((s) => s.invalid);
      if (invalid.length > 0) info.invalidAddresses = invalid;
      // With Kubernetes IPAM the pod CIDR stays on the Node object.
      if (info.podCIDRs.length === 0 && podCIDRs.invalid.length === 0 && node) info.podCIDRs = node.podCIDRs;
      if (info.internalIPs.length === 0 && internal!.invalid.length === 0 && node) {
        info.internalIPs = node.internalIPs;
        const fromNode = node.invalidAddresses?.filter((a) => a.kind === 'InternalIP');
        if (fromNode?.length) info.invalidAddresses = [...(info.invalidAddresses ?? []), ...fromNode];
      }
      return [info.name, info] as const;
    }),
  );
  const fallback = nodes
    .filter((n) => !fromCrd.has(n.name))
    .map(
      (n): CiliumNodeInfo => ({
        name: n.name,
        labels: n.labels,
        internalIPs: n.internalIPs,
        externalIPs: n.externalIPs,
        ciliumInternalIPs: [],
        podCIDRs: n.podCIDRs,
        source: { kind: 'Node', name: n.name },
        ...(n.invalidAddresses ? { invalidAddresses: n.invalidAddresses } : {}),
      }),
    );
  return [...fromCrd.values(), ...fallback].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function addressesOfType(cn: KubeObject, type: string): WrittenAddress[] {
  return getArray(cn, 'spec', 'addresses').flatMap((a, i) =>
    getString(a, 'type') === type
      ? [{ field: () => `spec.addresses[${i}].ip`, value: written(isRecord(a) ? a['ip'] : undefined) }]
      : [],
  );
}
