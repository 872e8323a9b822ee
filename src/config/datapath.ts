/**
 * Detects the datapath from the objects a person would look at, or takes it from --datapath, with
 * the detections the engine's registry lists (config/detection.ts) in the order a packet meets their
 * layers in nat POSTROUTING, and the egress gateways in the order they are asked.
 */
import type { Datapath, GatewayLayer, SnatLayer } from '../model/datapath.ts';
import type { ReadGap } from '../model/gaps.ts';
import type { Finding } from '../model/reasons.ts';
import type { NodeInfo, PodInfo } from '../model/snapshot.ts';
import type { Detection, DetectInputs } from './detection.ts';
import { isForbidden } from './gaps.ts';
import type { ObjectIndex } from './objects.ts';

export interface DatapathOptions {
  /** --no-default-snat: the GKE cluster was created with --disable-default-snat. */
  noDefaultSnat?: boolean;
  gaps?: readonly ReadGap[];
  /** --datapath: the mechanisms to use instead of detecting them (names the registry lists). */
  datapath?: string[];
}

/**
 * The mechanisms that can be detected, by name, in chain order; and the egress gateways' ids in the
 * order they are asked. `always`: a gateway found from its own custom resources and annotations,
 * which --datapath (a list of node agents) neither names nor replaces.
 */
export interface DatapathRegistry {
  detections: readonly { name: string; detection: Detection; always?: true }[];
  gatewayOrder: readonly string[];
}

const AGENT_NAMESPACE = 'kube-system';

export function detectDatapath(
  index: ObjectIndex,
  nodes: readonly NodeInfo[],
  pods: readonly PodInfo[],
  options: DatapathOptions,
  warnings: Finding[],
  registry: DatapathRegistry,
): Datapath {
  const inputs: DetectInputs = {
    index,
    nodes,
    pods,
    gaps: options.gaps ?? [],
    noDefaultSnat: options.noDefaultSnat === true,
    warnings,
  };
  if (options.datapath) return overridden(inputs, options.datapath, registry);
  const found: Found = { layers: [], gateways: [] };
  // Agents are recognised by their DaemonSets: where those could not be listed, any agent (Cilium
  // in kube-system, Calico in calico-system, …) may run unseen, so node SNAT is unknown. The live
  // read lists an agent namespace only where it exists (or may: the namespace list was refused).
  for (const namespace of agentNamespaces(registry)) {
    if (isForbidden(inputs.gaps, 'daemonsets.apps', namespace)) {
      found.layers.push({
        mechanism: 'unreadable-datapath',
        resource: 'daemonsets.apps',
        namespace,
        scope: { basis: 'all-nodes' },
      });
    }
  }
  // Read as apps/v1 it might be an agent, or not: either way would be a guess.
  for (const ds of index.unknownVersions('DaemonSet')) {
    const namespace = ds.metadata.namespace ?? AGENT_NAMESPACE;
    const unknownVersion = { daemonSet: `${namespace}/${ds.metadata.name}`, apiVersion: ds.apiVersion };
    found.layers.push({
      mechanism: 'unreadable-datapath',
      resource: 'daemonsets.apps',
      namespace,
      scope: { basis: 'all-nodes' },
      unknownVersion,
    });
  }
  for (const { detection } of registry.detections) add(found, detection.detect(inputs, found.layers));
  for (const layer of found.layers) {
    const daemonSet = 'daemonSet' in layer ? layer.daemonSet : undefined;
    if (daemonSet && layer.scope.basis === 'node-selector') {
      warnings.push({ code: 'AGENT_SCOPE_FROM_NODE_SELECTOR', data: { daemonSet: daemonSet.name }, source: daemonSet });
    }
  }
  if (found.layers.length === 0) {
    warnings.push({ code: 'DATAPATH_NOT_RECOGNISED', data: {} });
    found.layers.push({
      mechanism: 'assumed-default',
      podCIDRs: [...new Set(nodes.flatMap((n) => n.podCIDRs))].sort(),
      scope: { basis: 'all-nodes' },
    });
  }
  return datapathOf(found, registry);
}

/** Where datapath agents live: kube-system, and the namespaces the mechanisms name. */
export function agentNamespaces(registry: DatapathRegistry): string[] {
  return [AGENT_NAMESPACE, ...new Set(registry.detections.flatMap((d) => d.detection.reads?.namespaces ?? []))];
}

/** --datapath: the named mechanisms on every node, configured from whatever objects are visible. */
function overridden(inputs: DetectInputs, names: string[], registry: DatapathRegistry): Datapath {
  inputs.warnings.push({ code: 'DATAPATH_OVERRIDDEN', data: { datapath: names.join(',') } });
  const found: Found = { layers: [], gateways: [] };
  for (const { detection, always } of registry.detections.filter((d) => d.always || names.includes(d.name))) {
    const forced = always ? detection.detect(inputs, found.layers) : detection.force(inputs);
    add(found, { ...forced, layers: forced.layers.map((l) => ({ ...l, scope: { basis: 'all-nodes' as const } })) });
  }
  return datapathOf(found, registry);
}

interface Found {
  layers: SnatLayer[];
  gateways: GatewayLayer[];
  cilium?: Datapath['cilium'];
}

function add(found: Found, built: ReturnType<Detection['detect']>): void {
  found.layers.push(...built.layers);
  found.gateways.push(...(built.gateways ?? []));
  found.cilium ??= built.cilium;
}

function datapathOf({ layers, gateways, cilium }: Found, registry: DatapathRegistry): Datapath {
  const mechanisms = [...new Set(layers.map((l) => l.mechanism))];
  const asked = [...gateways].sort(
    (a, b) => registry.gatewayOrder.indexOf(a.mechanism) - registry.gatewayOrder.indexOf(b.mechanism),
  );
  return cilium ? { mechanisms, layers, gateways: asked, cilium } : { mechanisms, layers, gateways: asked };
}
