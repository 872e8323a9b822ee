/**
 * Azure ip-masq-agent-v2 (Azure/ip-masq-agent-v2): the same chain shape as the upstream agent, over
 * the merge of every config file; a config it cannot read makes it crash-loop, leaving rules the
 * cluster does not show (reference/snat-mechanisms.md §3.1).
 */
import type { AzureIpMasqAgentLayer } from '../../model/layers/azure-ip-masq-agent.ts';
import { byNode, type SnatMechanism } from '../core/mechanism.ts';
import { describeAgentLayer, evaluateAgentRules } from './ip-masq-agent.ts';
import { azureIpMasqAgentDetection } from '../../config/azure-ip-masq-agent.ts';
import type { CodesOf } from '../../model/reasons.ts';
import type { Findings } from '../core/mechanism.ts';

/** The sentence for each code this mechanism reports (render/messages.ts reads them through the registry). */
const FINDINGS = {
  AZURE_AGENT_CONFIG_MERGED: (d) => `azure-ip-masq-agent merges ${d['files']}`,
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof FINDINGS> {}
}

export const azureIpMasqAgent: SnatMechanism<AzureIpMasqAgentLayer> = {
  id: 'azure-ip-masq-agent',
  upstream: 'Azure/ip-masq-agent-v2 cmd/ip-masq-agent-v2/ip-masq-agent.go',
  describe: describeAgentLayer,
  stage: 'node-snat',
  findings: FINDINGS,
  detection: azureIpMasqAgentDetection,
  rule: (layer) =>
    byNode(({ destination }) =>
      evaluateAgentRules(layer, destination.range, { chain: layer.chain, daemonSet: layer.daemonSet.name }),
    ),
};
