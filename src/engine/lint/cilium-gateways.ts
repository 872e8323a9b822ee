/**
 * CiliumEgressGatewayPolicy gateways that cannot work: a policy the parser rejects (both egressIP
 * and interface, a CIDR or egressIP that does not parse, no selectors or gateway), a nodeSelector
 * no node matches (traffic dropped), an egressIP the gateway node cannot hold (traffic dropped,
 * "No Egress IP configured"). Facts: reference/cilium-egress.md §3.1–§3.3; cilium/cilium
 * pkg/egressgateway/policy.go `ParseCEGP`, `regenerateGatewayConfig`.
 */
import type { CiliumEgressPolicy, CiliumGateway, CiliumNodeInfo } from '../../model/cilium.ts';
import type { CiliumDatapath } from '../../model/datapath.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { EGRESS_IP_AND_INTERFACE, gatewayField } from '../../config/cilium-egress-policy.ts';
import { coverage, parseCidr, sameAddress, singleAddress } from '../../net/ip.ts';
import { formatLabelSelector } from '../../config/label-selector-text.ts';
import { gatewayNodeFor } from '../gateways/cilium-gateway.ts';
import { defineCheck, type Report } from './check.ts';
import { policyRef } from './cilium-selection.ts';

const CODES = {
  CILIUM_EGW_EGRESS_IP_AND_INTERFACE: 'error',
  CILIUM_EGW_POLICY_INVALID: 'error',
  CILIUM_EGW_GATEWAY_MATCHES_NO_NODE: 'error',
  CILIUM_EGW_EGRESS_IP_NOT_ON_GATEWAY: 'error',
} as const;

export const ciliumGateways = defineCheck({
  id: 'cilium-egress-gateways',
  codes: CODES,
  upstream: 'cilium/cilium pkg/egressgateway/policy.go, bpf/lib/egress_gateway.h',
  run({ snapshot }, report) {
    const dp = snapshot.datapath.cilium;
    for (const policy of dp?.egressPolicies ?? []) {
      for (const conflict of policy.conflictingGateways ?? []) {
        report('CILIUM_EGW_EGRESS_IP_AND_INTERFACE', policyRef(policy), { policy: policy.name, ...conflict });
      }
      // ParseCEGP rejects the whole policy at its first problem; the agent logs it and installs nothing.
      if (policy.invalid && policy.invalid !== EGRESS_IP_AND_INTERFACE)
        report('CILIUM_EGW_POLICY_INVALID', policyRef(policy), { policy: policy.name, detail: policy.invalid });
      // Cilium ignores a rejected policy, so where its gateways lead changes nothing. With no node
      // read at all (a file without Nodes, a refused list), "matches no node" would be a guess.
      if (policy.invalid || !dp || dp.nodes.length === 0) continue;
      policy.gateways.forEach((gateway, i) =>
        checkGateway(policy, gateway, gatewayField(policy, i), { dp, snapshot }, report),
      );
    }
  },
});

function checkGateway(
  policy: CiliumEgressPolicy,
  gateway: CiliumGateway,
  field: string,
  inputs: { dp: CiliumDatapath; snapshot: Snapshot },
  report: Report<keyof typeof CODES>,
): void {
  // The gateway is the first CiliumNode by name that matches and has an IPv4 node address (§3.2).
  const node = gatewayNodeFor(gateway, inputs.dp.nodes)?.node;
  const data = { policy: policy.name, field, nodeSelector: formatLabelSelector(gateway.nodeSelector) };
  if (!node) return report('CILIUM_EGW_GATEWAY_MATCHES_NO_NODE', policyRef(policy), data);
  if (!gateway.egressIP) return;
  const holder = heldElsewhere(gateway.egressIP, node, inputs);
  if (holder)
    report('CILIUM_EGW_EGRESS_IP_NOT_ON_GATEWAY', policyRef(policy), {
      ...data,
      egressIP: gateway.egressIP,
      gatewayNode: node.name,
      ...holder,
    });
}

/**
 * What the API shows holding the egressIP instead of the gateway's interfaces: another node's
 * address, the pod network, or the cloud's 1:1 NAT (a cloud node's ExternalIP is on no interface
 * of the VM, design §4). An egressIP none of these hold is usually a secondary address that neither
 * Node nor CiliumNode lists (§3.3), so not finding it on the gateway proves nothing: no finding.
 */
function heldElsewhere(
  ip: string,
  gateway: CiliumNodeInfo,
  { dp, snapshot }: { dp: CiliumDatapath; snapshot: Snapshot },
): { heldBy: string; holder: string } | undefined {
  const holds = (addresses: string[]) => addresses.some((a) => sameAddress(a, ip));
  const cloud = snapshot.nodes.find((n) => n.name === gateway.name)?.cloud;
  if (cloud && holds(gateway.externalIPs)) return { heldBy: 'cloud-nat', holder: cloud };
  if (holds([...gateway.internalIPs, ...gateway.externalIPs, ...gateway.ciliumInternalIPs])) return undefined;
  const other = dp.nodes.find((n) => holds([...n.internalIPs, ...n.externalIPs, ...n.ciliumInternalIPs]));
  if (other) return { heldBy: 'node', holder: other.name };
  const address = singleAddress(ip);
  const podCIDR = dp.nodes
    .flatMap((n) => n.podCIDRs)
    .find((c) => {
      const parsed = parseCidr(c);
      return !!address && !!parsed && coverage(address, [parsed.cidr]) === 'all';
    });
  return podCIDR ? { heldBy: 'pod-network', holder: podCIDR } : undefined;
}
