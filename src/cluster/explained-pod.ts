/**
 * explain's pods: its pod by name, and the pods of its namespace at each destination address —
 * the only other pods of the namespace an answer about it consults: policy peers at the
 * destination (engine/policy/view.ts) and whether the destination is a pod's address
 * (engine/core/cluster-addresses.ts). On the benchmark cluster this is three small lists where the
 * namespace read whole was 920 pods, 7.2 MB, and explain's longest read (issue 20).
 *
 * The namespace is read whole, as `who -n` reads it, wherever those lists could miss a pod the
 * answer looks at:
 * - a destination range (a CIDR): the pods inside it cannot be asked for by field selector;
 * - a destination of the other address family than the pod's, or a pod without an address yet:
 *   the field selector status.podIP matches a pod's first address only, and a dual-stack pod's
 *   second is of the other family (a hostNetwork pod's second address is its node's, which the
 *   answer finds among the nodes);
 * - a Calico egress gateway annotation on the pod or its namespace (or a namespace whose
 *   annotations are unknown): gateways without a namespace selector are pods of the pod's own
 *   namespace, found by a Calico selector (engine/gateways/calico.ts);
 * - more destination addresses than MAX_ADDRESS_LISTS.
 */
import type { IpRange } from '../model/net.ts';
import type { KubeObject } from '../model/objects.ts';
import { formatAddress, parseIp } from '../net/ip.ts';
import { CALICO_EGRESS_PREFIX } from '../config/pods.ts';

/** Past this many destination addresses, one list of the namespace beats a list per address. */
export const MAX_ADDRESS_LISTS = 8;

export interface NamespacePodReads {
  /** The pods named so (field selector metadata.name). */
  named: (name: string) => Promise<readonly KubeObject[]>;
  /** The pods whose first address is this one (field selector status.podIP). */
  at: (address: string) => Promise<readonly KubeObject[]>;
  /** Every pod of the namespace. */
  all: () => Promise<readonly KubeObject[]>;
}

/**
 * namespaceAnnotations: the namespace's, once the namespaces are read; undefined when they could
 * not be (refused, or the namespace not among them).
 */
export async function readExplainedPod(
  name: string,
  destinations: readonly IpRange[],
  namespaceAnnotations: Promise<Readonly<Record<string, string>> | undefined>,
  reads: NamespacePodReads,
): Promise<readonly KubeObject[]> {
  const addresses = destinationAddresses(destinations);
  if (addresses === undefined) return reads.all();
  const [named, atAddresses, annotations] = await Promise.all([
    reads.named(name),
    Promise.all(addresses.map((address) => reads.at(address))),
    namespaceAnnotations,
  ]);
  // A server that ignores the field selector answers every pod: they are filtered here too.
  const pod = named.find((p) => p.metadata.name === name);
  if (pod === undefined) return [];
  if (needsWholeNamespace(pod, annotations, destinations)) return reads.all();
  return inNameOrder([pod, ...atAddresses.flat()]);
}

/** The destinations as addresses to list pods at, or undefined where one is a range or they are too many. */
function destinationAddresses(destinations: readonly IpRange[]): string[] | undefined {
  if (destinations.length > MAX_ADDRESS_LISTS || destinations.some((d) => d.first !== d.last)) return undefined;
  return [...new Set(destinations.map((d) => formatAddress(d.family, d.first)))];
}

/** Whether pods other than those at the destinations' addresses may change the pod's answers (see the top). */
export function needsWholeNamespace(
  pod: KubeObject,
  namespaceAnnotations: Readonly<Record<string, string>> | undefined,
  destinations: readonly IpRange[],
): boolean {
  const first = firstAddressFamily(pod);
  if (first === undefined || destinations.some((d) => d.family !== first)) return true;
  if (namespaceAnnotations === undefined) return true;
  return [pod.metadata.annotations ?? {}, namespaceAnnotations].some((annotations) =>
    Object.keys(annotations).some((key) => key.startsWith(CALICO_EGRESS_PREFIX)),
  );
}

function firstAddressFamily(pod: KubeObject): 4 | 6 | undefined {
  const podIP = (pod as { status?: { podIP?: unknown } }).status?.podIP;
  return typeof podIP === 'string' ? parseIp(podIP)?.family : undefined;
}

/** Each pod once, in the order of a list of the namespace (by name). */
function inNameOrder(pods: readonly KubeObject[]): KubeObject[] {
  const byName = new Map(pods.map((p) => [p.metadata.name, p]));
  return [...byName.values()].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
}
