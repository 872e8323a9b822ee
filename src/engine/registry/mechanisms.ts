/**
 * The registry: every mechanism the engine knows, in one list. Adding one means its config parser
 * and layer type, its module with the mechanism shape (mechanism.ts), a scenario folder — and one
 * line here. Node-SNAT layers are met in the order config/ lists them (nat POSTROUTING order);
 * egress gateways are asked in the order the datapath lists them.
 */
import type { GatewayLayer, SnatLayer } from '../../model/datapath.ts';
import { agentNamespaces, type DatapathRegistry } from '../../config/datapath.ts';
import type { ResourceSpec } from '../../model/resources.ts';
import { antreaEgress } from '../gateways/antrea-egress.ts';
import { aksStaticEgressGateway } from '../gateways/aks-static-egress-gateway.ts';
import { calicoEgressGateway } from '../gateways/calico.ts';
import { ciliumEgressGateway } from '../gateways/cilium.ts';
import { ovnEgressIp } from '../gateways/ovn-egress-ip.ts';
import { ovnEgressService } from '../gateways/ovn-egress-service.ts';
import type { GatewayMechanism, LayerRule, Mechanism, SnatMechanism } from '../core/mechanism.ts';
import { antrea } from '../snat/antrea.ts';
import { assumedDefault } from '../snat/assumed-default.ts';
import { awsVpcCni } from '../snat/aws-vpc-cni.ts';
import { azureIpMasqAgent } from '../snat/azure-ip-masq-agent.ts';
import { calico } from '../snat/calico.ts';
import { cilium } from '../snat/cilium.ts';
import { cniBridge } from '../snat/cni-bridge.ts';
import { eksAutoMode } from '../snat/eks-auto-mode.ts';
import { flannel } from '../snat/flannel.ts';
import { gkeDefaultSnat } from '../snat/gke-default-snat.ts';
import { gkeEgressNatPolicy } from '../snat/gke-egress-nat-policy.ts';
import { ipMasqAgent } from '../snat/ip-masq-agent.ts';
import { kubenet } from '../snat/kubenet.ts';
import { ovnKubernetes } from '../snat/ovn-kubernetes.ts';
import { unreadableDatapath } from '../snat/unreadable-datapath.ts';

/**
 * Gateways first, in the order they are asked; then node SNAT in nat POSTROUTING order, which is
 * also the order detection runs in: Felix inserts its chain at the top of POSTROUTING; GKE's
 * start-up chain is written at boot, before agents append their jumps; Cilium's BPF masquerading
 * runs at tc egress, after netfilter. The fallbacks config/ adds itself come last.
 */
export const MECHANISMS = [
  ciliumEgressGateway,
  calicoEgressGateway,
  antreaEgress,
  ovnEgressService,
  ovnEgressIp,
  aksStaticEgressGateway,
  calico,
  gkeEgressNatPolicy,
  gkeDefaultSnat,
  ipMasqAgent,
  azureIpMasqAgent,
  awsVpcCni,
  eksAutoMode,
  flannel,
  cniBridge,
  kubenet,
  antrea,
  ovnKubernetes,
  cilium,
  assumedDefault,
  unreadableDatapath,
] as const satisfies readonly Mechanism[];

type Registered = (typeof MECHANISMS)[number];

/** Every layer type has its mechanism: a layer id missing from the list fails to compile here, named. */
type Unregistered = Exclude<(SnatLayer | GatewayLayer)['mechanism'], Registered['id']>;
export const EVERY_LAYER_HAS_ITS_MECHANISM: [Unregistered] extends [never] ? true : Unregistered = true;

const byId = new Map<string, Registered>(MECHANISMS.map((m) => [m.id, m]));

export function snatRule(layer: SnatLayer): LayerRule {
  // The registry is keyed by the layer's own mechanism id, so the module always fits the layer.
  return (byId.get(layer.mechanism) as SnatMechanism<SnatLayer> | undefined)!.rule(layer);
}

export function gatewayMechanism(layer: GatewayLayer): GatewayMechanism<GatewayLayer, object> {
  return byId.get(layer.mechanism) as unknown as GatewayMechanism<GatewayLayer, object>;
}

/**
 * What config/ detects, and in which order (config/datapath.ts): node SNAT in chain order, then the
 * gateways found on their own (the AKS static egress gateway; Calico's comes with calico).
 */
const DETECTED = [
  ...MECHANISMS.filter((m) => m.stage === 'node-snat'),
  ...MECHANISMS.filter((m) => m.stage === 'egress-gateway'),
];
export const DATAPATH_REGISTRY: DatapathRegistry = {
  detections: DETECTED.flatMap((m) =>
    'detection' in m && m.detection
      ? [{ name: m.id, detection: m.detection, ...(m.stage === 'egress-gateway' ? { always: true as const } : {}) }]
      : [],
  ),
  gatewayOrder: MECHANISMS.filter((m) => m.stage === 'egress-gateway').map((m) => m.id),
};

/** The names --datapath takes: every detectable mechanism, and `none` for no masquerading at all. */
export const DATAPATH_NAMES: readonly string[] = [
  ...DATAPATH_REGISTRY.detections.flatMap((d) => (d.always ? [] : [d.name])),
  'none',
];

/** The layer's words in `who`'s datapath header, from its mechanism. */
export function describeLayer(layer: SnatLayer | GatewayLayer): string | undefined {
  // The registry is keyed by the layer's own mechanism id, so the module always fits the layer.
  return (byId.get(layer.mechanism) as { describe(layer: SnatLayer | GatewayLayer): string | undefined }).describe(
    layer,
  );
}

/** The custom resources the live read lists, each only where served: what the detectable mechanisms read. */
export const CUSTOM_RESOURCES: readonly ResourceSpec[] = DATAPATH_REGISTRY.detections.flatMap(
  (d) => d.detection.reads?.resources ?? [],
);

/** Where datapath agents and their ConfigMaps live: kube-system, and the namespaces the mechanisms name. */
export const AGENT_NAMESPACES: readonly string[] = agentNamespaces(DATAPATH_REGISTRY);
