/** The registry: mechanism id → module. Adding a mechanism means one module and one line here. */
import type { SnatLayer, SnatMechanismId } from '../../model/datapath.ts';
import { assumedDefault } from './assumed-default.ts';
import { awsVpcCni } from './aws-vpc-cni.ts';
import { azureIpMasqAgent } from './azure-ip-masq-agent.ts';
import { calico } from './calico.ts';
import { cilium } from './cilium.ts';
import { cniBridge } from './cni-bridge.ts';
import { flannel } from './flannel.ts';
import { gkeDefaultSnat } from './gke-default-snat.ts';
import { gkeEgressNatPolicy } from './gke-egress-nat-policy.ts';
import { ipMasqAgent } from './ip-masq-agent.ts';
import { kubenet } from './kubenet.ts';
import type { LayerVerdict, SnatMechanism, SnatPacket } from './mechanism.ts';
import { unreadableDatapath } from './unreadable-datapath.ts';

const MECHANISMS: { [Id in SnatMechanismId]: SnatMechanism<Extract<SnatLayer, { mechanism: Id }>> } = {
  'ip-masq-agent': ipMasqAgent,
  'azure-ip-masq-agent': azureIpMasqAgent,
  'gke-default-snat': gkeDefaultSnat,
  'gke-egress-nat-policy': gkeEgressNatPolicy,
  'aws-vpc-cni': awsVpcCni,
  calico,
  flannel,
  kubenet,
  'cni-bridge': cniBridge,
  cilium,
  'assumed-default': assumedDefault,
  'unreadable-datapath': unreadableDatapath,
};

export function readsPod(layer: SnatLayer): boolean {
  return (MECHANISMS[layer.mechanism] as SnatMechanism<SnatLayer>).readsPod(layer);
}

export function evaluateLayer(layer: SnatLayer, packet: SnatPacket): LayerVerdict {
  // The map is keyed by the layer's own mechanism, so the module always fits the layer.
  const mechanism = MECHANISMS[layer.mechanism] as SnatMechanism<SnatLayer>;
  return mechanism.evaluate(layer, packet);
}
