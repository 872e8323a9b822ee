/**
 * Detects the datapath from the objects a person would look at, and lists its node-SNAT layers in
 * the order a packet meets them in nat POSTROUTING.
 */
import type { Datapath, SnatLayer } from '../model/datapath.ts';
import type { ReadGap } from '../model/gaps.ts';
import type { KubeObject } from '../model/objects.ts';
import type { Finding } from '../model/reasons.ts';
import type { NodeInfo, PodInfo } from '../model/snapshot.ts';
import { isCiliumDaemonSet } from './cilium.ts';
import { detectCilium } from './cilium-datapath.ts';
import { gkeDefaultSnatLayer, hasGceNodes } from './gke.ts';
import { ipMasqAgentLayer, isIpMasqAgentDaemonSet } from './ip-masq-agent.ts';
import { isForbidden } from './gaps.ts';
import type { ObjectIndex } from './objects.ts';

export interface DatapathOptions {
  /** --no-default-snat: the GKE cluster was created with --disable-default-snat. */
  noDefaultSnat?: boolean;
  gaps?: readonly ReadGap[];
}

const AGENT_NAMESPACE = 'kube-system';

export function detectDatapath(
  index: ObjectIndex,
  nodes: readonly NodeInfo[],
  pods: readonly PodInfo[],
  options: DatapathOptions,
  warnings: Finding[],
): Datapath {
  const layers: SnatLayer[] = [];
  const gaps = options.gaps ?? [];
  if (isForbidden(gaps, 'daemonsets.apps', AGENT_NAMESPACE)) {
    layers.push({ mechanism: 'unreadable-datapath', resource: 'daemonsets.apps', namespace: AGENT_NAMESPACE, scope: { basis: 'all-nodes' } });
  }
  // GKE's start-up chain is written at boot, before any agent appends its own jump, so it comes first.
  if (hasGceNodes(nodes)) layers.push(gkeDefaultSnatLayer(options.noDefaultSnat === true));
  const agents = index.all('DaemonSet').filter(isIpMasqAgentDaemonSet);
  for (const ds of agents) layers.push(ipMasqAgentLayer(ds, { index, pods, gaps }, warnings));
  const cilium = detectCilium(index, nodes, pods, warnings);
  if (cilium) layers.push(cilium.layer);
  if (layers.length === 0) {
    warnings.push({ code: 'DATAPATH_NOT_RECOGNISED', data: {} });
    layers.push({ mechanism: 'assumed-default', podCIDRs: clusterPodCidrs(nodes), scope: { basis: 'all-nodes' } });
  }
  const mechanisms = [...new Set(layers.map((l) => l.mechanism))];
  return cilium ? { mechanisms, layers, cilium: cilium.datapath } : { mechanisms, layers };
}

/** The DaemonSets whose settings decide egress (later mechanisms add theirs here). */
export function isDatapathDaemonSet(ds: KubeObject): boolean {
  return isIpMasqAgentDaemonSet(ds) || isCiliumDaemonSet(ds);
}

function clusterPodCidrs(nodes: readonly NodeInfo[]): string[] {
  return [...new Set(nodes.flatMap((n) => n.podCIDRs))].sort();
}
