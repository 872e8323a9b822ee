/**
 * The CNI bridge plugin with `ipMasq: true` (containernetworking/plugins pkg/ip/ipmasq_iptables_linux.go):
 * a per-container chain that ACCEPTs the node's own pod subnet and MASQUERADEs everything but
 * multicast. containerd's default CNI config and flannel without --ip-masq both use it (§6.2).
 * The CNI config is on the node, not in the API: this layer comes only from `--datapath cni-bridge`.
 */
import type { CniBridgeLayer } from '../../model/layers/cni-bridge.ts';
import type { IpRange } from '../../model/net.ts';
import type { NodeInfo } from '../../model/snapshot.ts';
import type { ObjectRef } from '../../model/objects.ts';
import { parseCidr } from '../../net/ip.ts';
import { byNode, type LayerVerdict, type SnatMechanism } from '../core/mechanism.ts';
import { evaluateExemptions, exemptBlocks } from './exemption-list.ts';
import { cniBridgeDetection } from '../../config/cni-bridge.ts';
import type { CodesOf } from '../../model/reasons.ts';
import type { Findings } from '../core/mechanism.ts';

const MULTICAST = { 4: '224.0.0.0/4', 6: 'ff00::/8' } as const;

/** The sentence for each code this mechanism reports (render/messages.ts reads them through the registry). */
const FINDINGS = {
  BRIDGE_DST_IN_NODE_SUBNET: () => "the destination is in the node's own pod subnet",
  BRIDGE_IP_MASQ: () => "the CNI bridge plugin (ipMasq) masquerades everything outside the node's own pod subnet",
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof FINDINGS> {}
}

export const cniBridge: SnatMechanism<CniBridgeLayer> = {
  id: 'cni-bridge',
  upstream: 'containernetworking/plugins pkg/ip/ipmasq_iptables_linux.go',
  describe: () => "cni-bridge (ipMasq: masquerade outside the node's pod subnet)",
  stage: 'node-snat',
  findings: FINDINGS,
  detection: cniBridgeDetection,
  rule: () => byNode(({ destination, node }) => bridgeIpMasq(destination.range, node, undefined)),
};

export function bridgeIpMasq(range: IpRange, node: NodeInfo, source: ObjectRef | undefined): LayerVerdict {
  const subnet = node.podCIDRs.filter((c) => (parseCidr(c)?.cidr.family ?? 0) === range.family);
  return evaluateExemptions(
    range,
    [
      ...exemptBlocks(subnet, 'BRIDGE_DST_IN_NODE_SUBNET'),
      ...exemptBlocks([MULTICAST[range.family]], 'FLANNEL_DST_MULTICAST'),
    ],
    { exempt: 'BRIDGE_DST_IN_NODE_SUBNET', masquerade: 'BRIDGE_IP_MASQ' },
    { mode: 'bridge ipMasq' },
    source,
  );
}
