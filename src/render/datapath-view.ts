/**
 * The one-line datapath header `who` prints above its table: what was detected, so a reader knows
 * which rules the answers come from.
 */
import type { Datapath, SnatLayer } from '../model/datapath.ts';

export function datapathHeader(datapath: Datapath): string {
  const parts = datapath.layers.map(describeLayer);
  if (datapath.cilium && datapath.cilium.egressPolicies.length > 0) {
    const valid = datapath.cilium.egressPolicies.filter((p) => !p.invalid).length;
    parts.push(`${valid} CiliumEgressGatewayPolic${valid === 1 ? 'y' : 'ies'}${datapath.cilium.config.enableEgressGateway ? '' : ' (feature disabled)'}`);
  }
  return `Datapath: ${parts.length > 0 ? parts.join(' + ') : 'none (no masquerading)'}\n`;
}

function describeLayer(layer: SnatLayer): string {
  switch (layer.mechanism) {
    case 'ip-masq-agent':
    case 'azure-ip-masq-agent':
      return `${layer.mechanism} (${layer.daemonSet.namespace}/${layer.daemonSet.name}, chain ${layer.chain}, config ${layer.config.status === 'valid' ? layer.config.origin : 'invalid'})`;
    case 'gke-default-snat':
      return `gke-default-snat (${layer.enabled ? 'on' : 'off: --no-default-snat'})`;
    case 'cilium':
      return `cilium (${layer.mode} masquerading${layer.ipMasqAgent ? ', ip-masq-agent' : ''})`;
    case 'calico':
      return `calico (${layer.pools.length} IP pool${layer.pools.length === 1 ? '' : 's'})`;
    case 'flannel':
      return `flannel (${layer.ipMasq ? '--ip-masq' : 'bridge ipMasq'}${layer.network ? `, network ${layer.network}` : ''})`;
    case 'aws-vpc-cni':
      return `aws-vpc-cni (${layer.externalSNAT ? 'external SNAT' : 'SNAT to the primary ENI'})`;
    case 'gke-egress-nat-policy':
      return `gke-egress-nat-policy (${layer.policies.map((p) => p.name).join(', ') || 'no policies'})`;
    case 'cni-bridge':
      return 'cni-bridge (ipMasq: masquerade outside the node\'s pod subnet)';
    case 'kubenet':
      return `kubenet (--non-masquerade-cidr ${layer.nonMasqueradeCIDR})`;
    case 'unreadable-datapath':
      return `unknown (cannot list ${layer.resource} in ${layer.namespace})`;
    case 'assumed-default':
      return 'not recognised (assuming masquerade outside the pod network)';
  }
}
