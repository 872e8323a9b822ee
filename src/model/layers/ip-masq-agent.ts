/**
 * The upstream ip-masq-agent (kubernetes-sigs/ip-masq-agent). Its layer types join the datapath's
 * by declaration merging (below).
 */
import type { NodeScope, AgentConfig } from '../datapath.ts';
import type { ObjectRef } from '../objects.ts';

export interface IpMasqAgentLayer {
  mechanism: 'ip-masq-agent';
  daemonSet: ObjectRef;
  chain: string;
  nomasqAllReservedRanges: boolean;
  enableIPv6: boolean;
  config: AgentConfig;
  scope: NodeScope;
}

declare module '../datapath.ts' {
  interface SnatLayers {
    'ip-masq-agent': IpMasqAgentLayer;
  }
}
