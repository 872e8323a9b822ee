/** Azure's ip-masq-agent-v2. Its layer types join the datapath's by declaration merging (below). */
import type { NodeScope, AgentConfig } from '../datapath.ts';
import type { ObjectRef } from '../objects.ts';

/** Azure's ip-masq-agent-v2: every matching file merged (reference/snat-mechanisms.md §3.1). */
export interface AzureIpMasqAgentLayer {
  mechanism: 'azure-ip-masq-agent';
  daemonSet: ObjectRef;
  chain: string;
  enableIPv6: boolean;
  config: AgentConfig;
  /** The files merged, as ConfigMap refs with their keys. */
  files: ObjectRef[];
  scope: NodeScope;
}

declare module '../datapath.ts' {
  interface SnatLayers {
    'azure-ip-masq-agent': AzureIpMasqAgentLayer;
  }
}
