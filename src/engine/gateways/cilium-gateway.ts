/**
 * Where a policy sends a pod's traffic and with which address (reference/cilium-egress.md §3.2,
 * §3.3; pkg/egressgateway/policy.go). The gateway is the first CiliumNode by name matching the
 * gateway's nodeSelector; with `egressGateways` the gateways are sorted by IP and the endpoint's
 * CiliumEndpoint UID, hashed with FNV-1a, picks one.
 */
import type { CiliumGateway, CiliumEgressPolicy, CiliumNodeInfo } from '../../model/cilium.ts';
import type { CiliumDatapath } from '../../model/datapath.ts';
import type { Family } from '../../model/net.ts';
import type { Finding } from '../../model/reasons.ts';
import { singleAddress } from '../../net/ip.ts';
import { matchesSelector } from '../core/label-selector.ts';
import { derivation, type EngineContext } from '../core/context.ts';
import { familyOf, invalidNodeAddress } from '../core/node-address.ts';
import { fnv1a32 } from './fnv.ts';

export type GatewayOutcome =
  | { kind: 'egress'; sourceIP: string | null; node: string; finding: Finding; warnings: Finding[] }
  | { kind: 'dropped'; finding: Finding }
  | { kind: 'unknown'; finding: Finding };

interface ResolvedGateway {
  gateway: CiliumGateway;
  node: CiliumNodeInfo | undefined;
  /** The IPv4 gateway IP the BPF map holds: InternalIP, else ExternalIP; 0.0.0.0 when no node matched. */
  gatewayIP: string;
  /** An invalid node address that could have changed which node is the gateway, or its address. */
  invalid?: Finding;
}

/** uid: the pod's CiliumEndpoint UID, which only multi-gateway policies read. */
export function resolveGateway(
  ctx: EngineContext,
  policy: CiliumEgressPolicy,
  uid: string | undefined,
  dp: CiliumDatapath,
  family: Family,
): GatewayOutcome {
  const resolved =
    ctx.of(resolvedGateways, dp).get(policy) ?? policy.gateways.map((gateway) => resolve(gateway, dp.nodes));
  if (!policy.multiGateway) return egressThrough(resolved[0]!, policy, family);
  const sorted = [...resolved].sort((a, b) => compareIPv4(a.gatewayIP, b.gatewayIP));
  if (uid) {
    const chosen = sorted[fnv1a32(uid) % sorted.length]!;
    const outcome = egressThrough(chosen, policy, family);
    if (outcome.kind === 'egress')
      outcome.warnings.push({
        code: 'CILIUM_EGW_GATEWAY_BY_ENDPOINT_HASH',
        data: { uid, gateways: String(sorted.length) },
      });
    return outcome;
  }
  const outcomes = sorted.map((g) => egressThrough(g, policy, family));
  const texts = [...new Set(outcomes.map(describe))];
  if (texts.length === 1) return outcomes[0]!;
  return {
    kind: 'unknown',
    finding: {
      code: 'CILIUM_EGW_GATEWAY_SET',
      data: {
        policy: policy.name,
        candidates: texts.join(', '),
        missing: dp.unread?.endpoints
          ? `the CiliumEndpoint of the pod (${dp.unread.endpoints.reason === 'forbidden' ? 'listing ciliumendpoints.cilium.io is forbidden' : `served only at ${dp.unread.endpoints.served}`})`
          : 'the CiliumEndpoint of the pod',
      },
    },
  };
}

/** The gateway nodes of each policy, found once per call: every packet through the policy asks. */
const resolvedGateways = derivation(
  (dp: CiliumDatapath) =>
    new Map(dp.egressPolicies.map((policy) => [policy, policy.gateways.map((gateway) => resolve(gateway, dp.nodes))])),
);

/**
 * regenerateGatewayConfig: the first node by name that the selector matches *and* that has an IPv4
 * node address (InternalIP, else ExternalIP); a matching node without one is skipped (`continue`),
 * so the next match is the gateway, and with none left the gateway is 0.0.0.0 (not found).
 */
function resolve(gateway: CiliumGateway, nodes: readonly CiliumNodeInfo[]): ResolvedGateway {
  const found = gatewayNodeFor(gateway, nodes);
  const resolved: ResolvedGateway = { gateway, node: found?.node, gatewayIP: found?.gatewayIP ?? '0.0.0.0' };
  const invalid = unsureGateway(gateway, nodes, found?.node);
  if (invalid) resolved.invalid = invalid;
  return resolved;
}

/**
 * A matching node up to the chosen one whose IPv4 InternalIP (or, lacking one, ExternalIP) might be
 * an invalid value: that node might hold the gateway role, or its gateway IP is another address.
 */
function unsureGateway(
  gateway: CiliumGateway,
  nodes: readonly CiliumNodeInfo[],
  chosen: CiliumNodeInfo | undefined,
): Finding | undefined {
  for (const node of nodes) {
    if (!node.invalidAddresses || !matchesSelector(node.labels, gateway.nodeSelector)) continue;
    const invalid =
      invalidNodeAddress(node, 'InternalIP', 4) ??
      (ipv4(node.internalIPs) ? undefined : invalidNodeAddress(node, 'ExternalIP', 4));
    if (invalid) return invalid;
    if (node === chosen) return undefined;
  }
  return undefined;
}

/** The gateway node and its IPv4 gateway IP (nodes sorted by name), or undefined when none qualifies. Lint reads it too. */
export function gatewayNodeFor(
  gateway: CiliumGateway,
  nodes: readonly CiliumNodeInfo[],
): { node: CiliumNodeInfo; gatewayIP: string } | undefined {
  for (const node of nodes) {
    if (!matchesSelector(node.labels, gateway.nodeSelector)) continue;
    const gatewayIP = ipv4(node.internalIPs) ?? ipv4(node.externalIPs);
    if (gatewayIP) return { node, gatewayIP };
  }
  return undefined;
}

function ipv4(ips: readonly string[]): string | undefined {
  return ips.find((ip) => familyOf(ip) === 4);
}

function egressThrough(
  { gateway, node, invalid }: ResolvedGateway,
  policy: CiliumEgressPolicy,
  family: Family,
): GatewayOutcome {
  const data = { policy: policy.name };
  if (invalid) return { kind: 'unknown', finding: invalid };
  if (!node) return { kind: 'dropped', finding: { code: 'CILIUM_EGW_NO_GATEWAY_NODE', data } };
  const at = { ...data, gatewayNode: node.name };
  if (gateway.egressIP) {
    if (familyOf(gateway.egressIP) === family) {
      return {
        kind: 'egress',
        sourceIP: gateway.egressIP,
        node: node.name,
        finding: { code: 'CILIUM_EGW_EGRESS_IP', data: { ...at, egressIP: gateway.egressIP }, source: node.source },
        warnings: [],
      };
    }
    // 1.19 drops the other family ("not found"); 1.20 uses the primary address of the egressIP's device.
    return {
      kind: 'unknown',
      finding: {
        code: 'CILIUM_EGW_IPV6_EGRESS_IP_UNKNOWN',
        data: { ...at, egressIP: gateway.egressIP, family: `IPv${family}` },
      },
    };
  }
  if (gateway.interface) {
    return {
      kind: 'egress',
      sourceIP: null,
      node: node.name,
      finding: {
        code: 'CILIUM_EGW_INTERFACE_IP_NOT_VISIBLE',
        data: { ...at, interface: gateway.interface },
        source: node.source,
      },
      warnings: [],
    };
  }
  const hidden = invalidNodeAddress(node, 'InternalIP', family);
  if (hidden) return { kind: 'unknown', finding: hidden };
  const internal = node.internalIPs.find((ip) => familyOf(ip) === family);
  if (!internal)
    return {
      kind: 'unknown',
      finding: {
        code: 'NODE_HAS_NO_INTERNAL_IP',
        data: { node: node.name, family: `IPv${family}` },
        source: node.source,
      },
    };
  return {
    kind: 'egress',
    sourceIP: internal,
    node: node.name,
    finding: { code: 'CILIUM_EGW_EGRESS_IP', data: { ...at, egressIP: internal }, source: node.source },
    warnings: [{ code: 'CILIUM_EGW_DEFAULT_ROUTE_ASSUMED', data: { ...at, egressIP: internal } }],
  };
}

function describe(outcome: GatewayOutcome): string {
  if (outcome.kind === 'egress') return `${outcome.sourceIP ?? 'an address of its interface'} via ${outcome.node}`;
  return outcome.kind;
}

function compareIPv4(a: string, b: string): number {
  const x = singleAddress(a)?.first ?? 0n;
  const y = singleAddress(b)?.first ?? 0n;
  return x < y ? -1 : x > y ? 1 : 0;
}
