/**
 * Detects the datapath from the objects a person would look at (DaemonSets, ConfigMaps, CRDs, node
 * providerIDs), or takes it from --datapath, and lists its node-SNAT layers in the order a packet
 * meets them in nat POSTROUTING.
 */
import type { Datapath, GatewayLayer, SnatLayer } from '../model/datapath.ts';
import type { ReadGap } from '../model/gaps.ts';
import type { KubeObject } from '../model/objects.ts';
import type { Finding } from '../model/reasons.ts';
import type { NodeInfo, PodInfo } from '../model/snapshot.ts';
import { isAwsNodeDaemonSet } from './aws-vpc-cni.ts';
import { isAzureIpMasqAgentDaemonSet } from './azure-ip-masq-agent.ts';
import { isCalicoNodeDaemonSet } from './calico.ts';
import { isCiliumDaemonSet } from './cilium.ts';
import { DATAPATH_BUILDERS, DATAPATH_NAMES, type DatapathName, type DetectInputs } from './datapath-builders.ts';
import { isFlannelDaemonSet } from './flannel.ts';
import { isForbidden } from './gaps.ts';
import { isIpMasqAgentDaemonSet } from './ip-masq-agent.ts';
import type { ObjectIndex } from './objects.ts';

export interface DatapathOptions {
  /** --no-default-snat: the GKE cluster was created with --disable-default-snat. */
  noDefaultSnat?: boolean;
  gaps?: readonly ReadGap[];
  /** --datapath: the mechanisms to use instead of detecting them. */
  datapath?: DatapathName[];
}

const AGENT_NAMESPACE = 'kube-system';

export { DATAPATH_NAMES, type DatapathName };

export function detectDatapath(index: ObjectIndex, nodes: readonly NodeInfo[], pods: readonly PodInfo[], options: DatapathOptions, warnings: Finding[]): Datapath {
  const inputs: DetectInputs = { index, nodes, pods, gaps: options.gaps ?? [], noDefaultSnat: options.noDefaultSnat === true, warnings };
  if (options.datapath) return overridden(inputs, options.datapath);
  const layers: SnatLayer[] = [];
  if (isForbidden(inputs.gaps, 'daemonsets.apps', AGENT_NAMESPACE)) {
    layers.push({ mechanism: 'unreadable-datapath', resource: 'daemonsets.apps', namespace: AGENT_NAMESPACE, scope: { basis: 'all-nodes' } });
  }
  let cilium: Datapath['cilium'];
  for (const name of DATAPATH_NAMES) {
    const found = DATAPATH_BUILDERS[name].detect(inputs, layers);
    layers.push(...found.layers);
    cilium ??= found.cilium;
  }
  for (const layer of layers) {
    const daemonSet = 'daemonSet' in layer ? layer.daemonSet : undefined;
    if (daemonSet && layer.scope.basis === 'node-selector') {
      warnings.push({ code: 'AGENT_SCOPE_FROM_NODE_SELECTOR', data: { daemonSet: daemonSet.name }, source: daemonSet });
    }
  }
  if (layers.length === 0) {
    warnings.push({ code: 'DATAPATH_NOT_RECOGNISED', data: {} });
    layers.push({ mechanism: 'assumed-default', podCIDRs: [...new Set(nodes.flatMap((n) => n.podCIDRs))].sort(), scope: { basis: 'all-nodes' } });
  }
  return withMechanisms(layers, cilium);
}

/** --datapath: the named mechanisms on every node, configured from whatever objects are visible. */
function overridden(inputs: DetectInputs, names: DatapathName[]): Datapath {
  inputs.warnings.push({ code: 'DATAPATH_OVERRIDDEN', data: { datapath: names.join(',') } });
  const layers: SnatLayer[] = [];
  let cilium: Datapath['cilium'];
  for (const name of DATAPATH_NAMES.filter((n) => names.includes(n))) {
    const forced = DATAPATH_BUILDERS[name].force(inputs);
    layers.push(...forced.layers.map((l) => ({ ...l, scope: { basis: 'all-nodes' as const } })));
    cilium ??= forced.cilium;
  }
  return withMechanisms(layers, cilium);
}

function withMechanisms(layers: SnatLayer[], cilium: Datapath['cilium']): Datapath {
  const mechanisms = [...new Set(layers.map((l) => l.mechanism))];
  const gateways = gatewayLayers(layers, cilium);
  return cilium ? { mechanisms, layers, gateways, cilium } : { mechanisms, layers, gateways };
}

/** Cilium's policies are asked first; a cluster runs one CNI, so at most one of them finds anything to do. */
function gatewayLayers(layers: readonly SnatLayer[], cilium: Datapath['cilium']): GatewayLayer[] {
  const gateways: GatewayLayer[] = [];
  if (cilium && cilium.egressPolicies.length > 0) gateways.push({ mechanism: 'cilium-egress-gateway', cilium });
  const calico = layers.find((l) => l.mechanism === 'calico');
  if (calico) gateways.push({ mechanism: 'calico-egress-gateway', pools: calico.pools, egressIPSupport: calico.egressIPSupport, egressGatewayPolicies: calico.egressGatewayPolicies });
  return gateways;
}

/** The DaemonSets whose settings decide egress; snapshots keep these whole. */
export function isDatapathDaemonSet(ds: KubeObject): boolean {
  return [isIpMasqAgentDaemonSet, isCiliumDaemonSet, isAzureIpMasqAgentDaemonSet, isAwsNodeDaemonSet, isCalicoNodeDaemonSet, isFlannelDaemonSet].some((is) => is(ds));
}
