/**
 * The ip-masq-agent configs a snapshot holds, whichever agent reads them: the upstream agent (and
 * GKE's addon), Azure's ip-masq-agent-v2, and Cilium's BPF ip-masq-agent.
 */
import type { AgentConfig } from '../../model/datapath.ts';
import type { IpMasqAgentLayer } from '../../model/layers/ip-masq-agent.ts';
import type { AzureIpMasqAgentLayer } from '../../model/layers/azure-ip-masq-agent.ts';
import type { CiliumMasqueradeLayer } from '../../model/layers/cilium.ts';
import type { Snapshot } from '../../model/snapshot.ts';

/** The agent as lint's data names it; render turns it into prose. */
export type AgentKind =
  | IpMasqAgentLayer['mechanism']
  | AzureIpMasqAgentLayer['mechanism']
  | CiliumMasqueradeLayer['mechanism'];

export interface AgentOf {
  agent: AgentKind;
  config: AgentConfig;
  layer: IpMasqAgentLayer | AzureIpMasqAgentLayer | CiliumMasqueradeLayer;
}

export function agentConfigs(snapshot: Snapshot): AgentOf[] {
  return snapshot.datapath.layers.flatMap((layer): AgentOf[] => {
    switch (layer.mechanism) {
      case 'ip-masq-agent':
      case 'azure-ip-masq-agent':
        return [{ agent: layer.mechanism, config: layer.config, layer }];
      case 'cilium':
        return layer.ipMasqAgent ? [{ agent: layer.mechanism, config: layer.ipMasqAgent, layer }] : [];
      default:
        return [];
    }
  });
}
