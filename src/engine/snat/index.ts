/** The registry: mechanism id → module. Adding a mechanism means one module and one line here. */
import type { SnatLayer } from '../../model/datapath.ts';
import { assumedDefault } from './assumed-default.ts';
import { awsVpcCni } from './aws-vpc-cni.ts';
import { azureIpMasqAgent } from './azure-ip-masq-agent.ts';
import { calico } from './calico.ts';
import { flannel } from './flannel.ts';
import { gkeEgressNatPolicy } from './gke-egress-nat-policy.ts';
import { kubenet } from './kubenet.ts';
import { cilium } from './cilium.ts';
import { gkeDefaultSnat } from './gke-default-snat.ts';
import { ipMasqAgent } from './ip-masq-agent.ts';
import type { LayerVerdict, SnatPacket } from './mechanism.ts';
import { unreadableDatapath } from './unreadable-datapath.ts';

export function evaluateLayer(layer: SnatLayer, packet: SnatPacket): LayerVerdict {
  switch (layer.mechanism) {
    case 'ip-masq-agent':
      return ipMasqAgent.evaluate(layer, packet);
    case 'gke-default-snat':
      return gkeDefaultSnat.evaluate(layer, packet);
    case 'assumed-default':
      return assumedDefault.evaluate(layer, packet);
    case 'unreadable-datapath':
      return unreadableDatapath.evaluate(layer, packet);
    case 'cilium':
      return cilium.evaluate(layer, packet);
    case 'azure-ip-masq-agent':
      return azureIpMasqAgent.evaluate(layer, packet);
    case 'gke-egress-nat-policy':
      return gkeEgressNatPolicy.evaluate(layer, packet);
    case 'aws-vpc-cni':
      return awsVpcCni.evaluate(layer, packet);
    case 'calico':
      return calico.evaluate(layer, packet);
    case 'flannel':
      return flannel.evaluate(layer, packet);
    case 'kubenet':
      return kubenet.evaluate(layer, packet);
  }
}
