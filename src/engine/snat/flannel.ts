/**
 * flannel with --ip-masq (flannel-io/flannel pkg/trafficmngr/iptables `masqRules`): only traffic
 * inside the flannel Network, and multicast, keeps the pod IP. Without --ip-masq the CNI bridge
 * plugin masquerades per container (containernetworking/plugins pkg/ip/ipmasq_iptables_linux.go):
 * only the node's own pod subnet and multicast are exempt (reference §6.1, §6.2).
 */
import type { FlannelLayer } from '../../model/layers/flannel.ts';
import { coverage, parseCidr, singleAddress } from '../../net/ip.ts';
import { byPod, type LayerVerdict, type SnatMechanism } from '../core/mechanism.ts';
import { bridgeIpMasq } from './cni-bridge.ts';
import { evaluateExemptions, exemptBlocks } from './exemption-list.ts';
import { flannelDetection } from '../../config/flannel.ts';
import type { CodesOf } from '../../model/reasons.ts';
import type { Findings } from '../core/mechanism.ts';

const MULTICAST = { 4: '224.0.0.0/4', 6: 'ff00::/8' } as const;

/** The sentence for each code this mechanism reports (render/messages.ts reads them through the registry). */
const FINDINGS = {
  FLANNEL_DST_IN_NETWORK: (d) => `the destination is inside the flannel network ${d['network']}`,
  FLANNEL_DST_MULTICAST: () => 'multicast destinations are not masqueraded',
  FLANNEL_IP_MASQ: (d) =>
    `flannel --ip-masq masquerades everything outside its network ${d['network']} (there is no RFC 1918 exemption)`,
  FLANNEL_SOURCE_OUTSIDE_NETWORK: (d) =>
    `the source is outside the flannel network ${d['network']}, which flannel's rules match`,
  FLANNEL_NETWORK_INVALID: (d) =>
    `the flannel network ${JSON.stringify(d['network'])} (net-conf.json in kube-flannel-cfg) is not an ${d['family']} CIDR: flanneld does not start with it, so its rules are unknown`,
  FLANNEL_NETWORK_UNKNOWN: () => 'the flannel network (net-conf.json in kube-flannel-cfg) could not be read',
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof FINDINGS> {}
}

export const flannel: SnatMechanism<FlannelLayer> = {
  id: 'flannel',
  upstream: 'flannel-io/flannel pkg/trafficmngr/iptables/iptables.go; containernetworking/plugins ipmasq',
  describe: (layer) =>
    `flannel (${layer.ipMasq ? '--ip-masq' : 'bridge ipMasq'}${layer.network ? `, network ${layer.network}` : ''})`,
  stage: 'node-snat',
  findings: FINDINGS,
  detection: flannelDetection,
  // The MASQUERADE rules match the packet's source against the flannel Network.
  rule: (layer) =>
    byPod((packet) => {
      const { range } = packet.destination;
      const network = range.family === 4 ? layer.network : layer.ipv6Network;
      const multicast = exemptBlocks([MULTICAST[range.family]], 'FLANNEL_DST_MULTICAST');
      if (!layer.ipMasq) return bridgeIpMasq(range, packet.node, layer.configSource);
      if (!network) return unknownNetwork(layer);
      // flanneld exits when net-conf.json's Network does not parse (ip.IP4Net's UnmarshalJSON): its rules are unknown.
      const block = parseCidr(network)?.cidr;
      if (!block || block.family !== range.family)
        return {
          outcome: 'unknown',
          finding: {
            code: 'FLANNEL_NETWORK_INVALID',
            data: { network, family: `IPv${range.family}` },
            source: layer.configSource,
          },
        };
      // The MASQUERADE rules match `-s <Network>`: a source outside it is not flannel's.
      const source = singleAddress(packet.sourceIP);
      if (source && coverage(source, [block]) !== 'all') {
        return {
          outcome: 'not-applicable',
          finding: { code: 'FLANNEL_SOURCE_OUTSIDE_NETWORK', data: { network }, source: layer.configSource },
        };
      }
      return evaluateExemptions(
        range,
        [...exemptBlocks([network], 'FLANNEL_DST_IN_NETWORK'), ...multicast],
        { exempt: 'FLANNEL_DST_IN_NETWORK', masquerade: 'FLANNEL_IP_MASQ' },
        { network },
        layer.configSource,
      );
    }),
};

function unknownNetwork(layer: FlannelLayer): LayerVerdict {
  return { outcome: 'unknown', finding: { code: 'FLANNEL_NETWORK_UNKNOWN', data: {}, source: layer.configSource } };
}
