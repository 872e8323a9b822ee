/** Which of a node's addresses a packet uses, and which addresses are the node's own. */
import type { Family } from '../../model/net.ts';
import type { Finding } from '../../model/reasons.ts';
import type { ObjectRef } from '../../model/objects.ts';
import type { InvalidAddress, NodeInfo } from '../../model/snapshot.ts';
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

/**
 * The invalid value of a kind that stands before the first valid one of the family: the address
 * used for that family could have been it, so it is unknown. A value after a valid one of the
 * family is never the one used (the first of the family is), and a snapshot warning says it.
 */
export function hiddenAddress(
  invalid: readonly InvalidAddress[] | undefined,
  kind: string,
  family: Family,
): InvalidAddress | undefined {
  return invalid?.find((a) => a.kind === kind && a.hides.includes(family));
}

/** Why an answer that needs the node's address of this kind and family is unknown, if it is. */
export function invalidNodeAddress(
  node: AddressedNode,
  kind: 'InternalIP' | 'ExternalIP',
  family: Family,
): Finding | undefined {
  const hidden = hiddenAddress(node.invalidAddresses, kind, family);
  return (
    hidden && {
      code: 'NODE_ADDRESS_INVALID',
      data: { node: node.name, kind, field: hidden.field, value: hidden.value, family: `IPv${family}` },
      source: node.source ?? { kind: 'Node', name: node.name },
    }
  );
}

/** A Node, or a CiliumNode (whose addresses are its own object's). */
interface AddressedNode {
  name: string;
  invalidAddresses?: readonly InvalidAddress[];
  source?: ObjectRef;
}
