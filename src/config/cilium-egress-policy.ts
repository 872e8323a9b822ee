/**
 * CiliumEgressGatewayPolicy (cilium.io/v2), parsed as the agent's ParseCEGP does
 * (reference/cilium-egress.md §3.1; cilium/cilium pkg/egressgateway/policy.go). A policy the
 * parser rejects keeps `invalid` and has no effect.
 */
import type { CiliumEgressPolicy, CiliumGateway } from '../model/cilium.ts';
import type { KubeObject } from '../model/objects.ts';
import type { LabelSelector } from '../model/selector.ts';
import { parseCidr, parseIp } from '../net/ip.ts';
import { toLabelSelector } from './label-selector.ts';
import { getArray, getRecord, getString, isRecord, type Json } from './objects.ts';

/** Namespace labels are matched as identity labels with this prefix (k8s/utils: io.cilium.k8s.namespace.labels). */
export const NAMESPACE_LABEL_PREFIX = 'io.cilium.k8s.namespace.labels.';
export const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
/** The rejection lint reports with its own code (both values named), CILIUM_EGW_EGRESS_IP_AND_INTERFACE. */
export const EGRESS_IP_AND_INTERFACE = 'egressIP and interface are both set';

export function parseEgressPolicy(obj: KubeObject): CiliumEgressPolicy {
  const spec = getRecord(obj, 'spec');
  const policy: CiliumEgressPolicy = {
    name: obj.metadata.name,
    selectors: [],
    nodeSelectors: [],
    destinationCIDRs: [],
    excludedCIDRs: [],
    gateways: [],
    multiGateway: false,
  };
  // Go decodes `spec: null` to an empty spec, whose nil destinationCIDRs ParseCEGP rejects.
  const problem = spec ? parseInto(policy, spec) : 'spec is missing or null';
  if (problem) policy.invalid = problem;
  if (problem && spec) policy.intended = intendedFor(spec);
  const conflicts = conflictingGateways(spec ?? {});
  if (conflicts.length > 0) policy.conflictingGateways = conflicts;
  return policy;
}

/** Found apart from parseInto, which stops at the first problem: lint names these even behind another. */
function conflictingGateways(spec: Json): NonNullable<CiliumEgressPolicy['conflictingGateways']> {
  const plural = getArray(spec, 'egressGateways');
  const entries =
    plural.length > 0
      ? plural.map((g, i) => [`egressGateways[${i}]`, g] as const)
      : [['egressGateway', spec['egressGateway']] as const];
  return entries.flatMap(([field, g]) => {
    const egressIP = getString(g, 'egressIP');
    const iface = getString(g, 'interface');
    return egressIP && iface ? [{ field, egressIP, interface: iface }] : [];
  });
}

/** The valid parts of a rejected policy's selectors and destinations: whom its author meant it for. */
function intendedFor(spec: Json): NonNullable<CiliumEgressPolicy['intended']> {
  const selectors = getArray(spec, 'selectors').flatMap((entry) => {
    const parsed = parseSelectorEntry(entry);
    return typeof parsed === 'string' ? [] : [parsed.endpoint];
  });
  const written = getArray(spec, 'destinationCIDRs').map(String);
  const destinationCIDRs = written.filter((c) => parseCidr(c));
  return {
    selectors,
    destinationCIDRs: destinationCIDRs.length === 0 && written.length > 0 ? undefined : destinationCIDRs,
  };
}

/** Where gateway `index` of a parsed policy sits in its spec, for messages. */
export function gatewayField(policy: CiliumEgressPolicy, index: number): string {
  return policy.multiGateway ? `egressGateways[${index}]` : 'egressGateway';
}

function parseInto(policy: CiliumEgressPolicy, spec: Json): string | undefined {
  if (!Array.isArray(spec['destinationCIDRs'])) return 'destinationCIDRs is missing';
  const cidrs = (key: string) => getArray(spec, key).map(String);
  policy.destinationCIDRs = cidrs('destinationCIDRs');
  policy.excludedCIDRs = cidrs('excludedCIDRs');
  const badCidr = [...policy.destinationCIDRs, ...policy.excludedCIDRs].find((c) => !parseCidr(c));
  if (badCidr) return `cannot parse CIDR ${JSON.stringify(badCidr)}`;
  for (const entry of getArray(spec, 'selectors')) {
    const parsed = parseSelectorEntry(entry);
    if (typeof parsed === 'string') return parsed;
    policy.selectors.push(parsed.endpoint);
    if (parsed.node) policy.nodeSelectors.push(parsed.node);
  }
  const plural = getArray(spec, 'egressGateways');
  policy.multiGateway = plural.length > 0;
  const single = getRecord(spec, 'egressGateway');
  // `egressGateways`, when non-empty, replaces `egressGateway`.
  const gateways = plural.length > 0 ? plural : single ? [single] : [];
  if (gateways.length === 0) return 'neither egressGateway nor egressGateways is set';
  for (const g of gateways) {
    const gateway = parseGateway(g);
    if (typeof gateway === 'string') return gateway;
    policy.gateways.push(gateway);
  }
  return undefined;
}

function parseSelectorEntry(entry: unknown): { endpoint: LabelSelector; node?: LabelSelector } | string {
  const pods = isRecord(entry) ? entry['podSelector'] : undefined;
  const namespaces = isRecord(entry) ? entry['namespaceSelector'] : undefined;
  if (pods == null && namespaces == null) return 'a selector has neither podSelector nor namespaceSelector';
  const podSelector = toLabelSelector(pods);
  // An empty namespaceSelector selects every namespace: "io.kubernetes.pod.namespace exists".
  const namespaceSelector = namespaces == null ? [] : toLabelSelector(namespaces, NAMESPACE_LABEL_PREFIX);
  if (!podSelector || !namespaceSelector) return 'a selector is not a valid label selector';
  const endpoint: LabelSelector = [...podSelector, ...namespaceSelector];
  if (namespaces != null && namespaceSelector.length === 0) endpoint.push({ key: POD_NAMESPACE_LABEL, op: 'exists' });
  const nodeValue = isRecord(entry) ? entry['nodeSelector'] : undefined;
  if (nodeValue == null) return { endpoint };
  const node = toLabelSelector(nodeValue);
  return node ? { endpoint, node } : 'a nodeSelector is not a valid label selector';
}

function parseGateway(value: unknown): CiliumGateway | string {
  const nodeSelector = toLabelSelector(isRecord(value) ? value['nodeSelector'] : undefined);
  if (!nodeSelector) return 'an egress gateway nodeSelector is not a valid label selector';
  const gateway: CiliumGateway = { nodeSelector };
  const iface = getString(value, 'interface');
  const egressIP = getString(value, 'egressIP');
  if (iface && egressIP) return EGRESS_IP_AND_INTERFACE;
  if (egressIP && !parseIp(egressIP)) return `cannot parse egressIP ${JSON.stringify(egressIP)}`;
  if (iface) gateway.interface = iface;
  if (egressIP) gateway.egressIP = egressIP;
  return gateway;
}
