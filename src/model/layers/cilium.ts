/**
 * Cilium's masquerading and its egress gateway policies. Its layer types join the datapath's by
 * declaration merging (below).
 */
import type { NodeScope, AgentConfig, CiliumDatapath } from '../datapath.ts';
import type { ObjectRef } from '../objects.ts';

/** Cilium's masquerading (BPF or iptables) on the nodes its agent runs on; settings in Datapath.cilium. */
export interface CiliumMasqueradeLayer {
  mechanism: 'cilium';
  daemonSet?: ObjectRef;
  mode: 'bpf' | 'iptables';
  /** Cilium's BPF ip-masq-agent map, when enable-ip-masq-agent is on (it has no effect in iptables mode). */
  ipMasqAgent?: AgentConfig;
  /**
   * The agent is GKE Dataplane V2's `anetd` (kube-system): GKE's own rules (EgressNATPolicy,
   * ip-masq-agent, default SNAT) decide masquerading there, not cilium-config's (GKE docs).
   */
  gkeDataplaneV2?: true;
  /** cilium-config could not be read: `mode` is only the agent's default, not what runs. */
  configUnread?: true;
  scope: NodeScope;
}

/** CiliumEgressGatewayPolicies, decided with the Cilium settings and nodes they refer to (reference/cilium-egress.md §3). */
export interface CiliumEgressGatewayLayer {
  mechanism: 'cilium-egress-gateway';
  cilium: CiliumDatapath;
}

declare module '../datapath.ts' {
  interface SnatLayers {
    cilium: CiliumMasqueradeLayer;
  }
  interface GatewayLayers {
    'cilium-egress-gateway': CiliumEgressGatewayLayer;
  }
}
