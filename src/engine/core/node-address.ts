/** Which of a node's addresses a packet uses, and which addresses are the node's own. */
import type { Family } from '../../model/net.ts';
import type { NodeInfo } from '../../model/snapshot.ts';
import { addressRanges, type IpRange } from '../../net/ip.ts';
import { derivation } from './context.ts';

export function familyOf(address: string): Family {
  return address.includes(':') ? 6 : 4;
}

/** MASQUERADE picks the egress interface's primary address: the node's InternalIP of that family. */
export function nodeInternalIP(node: NodeInfo, family: Family): string | undefined {
  // A loop, not find(): it runs for packets by the hundred thousand.
  for (const ip of node.internalIPs) if (familyOf(ip) === family) return ip;
  return undefined;
}

export function nodeExternalIP(node: NodeInfo, family: Family): string | undefined {
  return node.externalIPs.find((ip) => familyOf(ip) === family);
}

/**
 * Addresses the node's kernel treats as LOCAL (`addrtype --dst-type LOCAL`). A cloud node's
 * ExternalIP is a 1:1 NAT in front of it, not an interface address, so it is not one of them.
 */
export const nodeLocalRanges = derivation((node: NodeInfo): IpRange[] => {
  const addresses = node.cloud ? node.internalIPs : [...node.internalIPs, ...node.externalIPs];
  return addressRanges(addresses);
});
