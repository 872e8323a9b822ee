/**
 * EKS Auto Mode (AWS EKS user guide: "Learn about VPC Networking and Load Balancing in EKS Auto
 * Mode", auto-networking; "Create a Node Class for Amazon EKS", create-node-class). AWS runs the
 * node networking; the options of the aws-node DaemonSet do not apply. Each node follows its
 * NodeClass's `snatPolicy`: `Random` (the default) SNATs pod traffic leaving the VPC to the node's
 * primary address, as the VPC CNI's rule does; `Disabled` leaves the pod IP on it, for a NAT
 * gateway beyond the node to translate. A node is linked to its NodeClass by its
 * eks.amazonaws.com/nodeclass label, else through its karpenter.sh/nodepool's nodeClassRef.
 */
import type { EksAutoModeLayer, EksNodeClass } from '../../model/layers/eks-auto-mode.ts';
import type { ObjectRef } from '../../model/objects.ts';
import type { CodesOf, ReasonCode } from '../../model/reasons.ts';
import type { NodeInfo } from '../../model/snapshot.ts';
import { eksAutoModeDetection, NODE_CLASS_LABEL, NODE_POOL_LABEL } from '../../config/eks-auto-mode.ts';
import { gapData } from '../../config/gaps.ts';
import { nonPublicCoverage } from '../core/address-space.ts';
import { byNode, type Findings, type LayerVerdict, type NodeFacts, type SnatMechanism } from '../core/mechanism.ts';
import { vpcVerdict } from './aws-vpc-cni.ts';

/** The sentence for each code this mechanism reports (render/messages.ts reads them through the registry). */
const FINDINGS = {
  EKS_AUTO_NO_IPV6_SNAT: () => 'EKS Auto Mode does not translate IPv6 addresses',
  EKS_AUTO_SNAT_DISABLED: (d) => `NodeClass ${d['nodeClass']} has snatPolicy Disabled: the pod IP leaves the node`,
  EKS_AUTO_SNAT_POLICY_UNKNOWN: (d) =>
    `NodeClass ${d['nodeClass']} has snatPolicy ${JSON.stringify(d['value'])}, which is neither Random nor Disabled: what the node does is unknown`,
  EKS_AUTO_NODECLASS_NOT_FOUND: (d) =>
    `node ${d['node']} was launched from NodeClass ${d['nodeClass']} (${d['via']}), which is not among the objects read; include it to decide`,
  EKS_AUTO_NODE_NOT_LINKED: (d) =>
    `Auto Mode node ${d['node']} names no NodeClass (no ${NODE_CLASS_LABEL} label${d['nodePool'] ? `, and NodePool ${d['nodePool']} is not among the objects read or names no EKS NodeClass` : ` and no ${NODE_POOL_LABEL} label`}), so its SNAT policy is unknown`,
  EKS_AUTO_PUBLIC_IP_NOT_SHOWN: (d) =>
    `NodeClass ${d['nodeClass']} sets associatePublicIPAddress, but node ${d['node']} lists no ExternalIP: the public address the internet sees is not visible`,
  EKS_AUTO_POD_SUBNETS: (d) =>
    `NodeClass ${d['nodeClass']} puts pods in subnets of their own (podSubnetSelectorTerms): their internet traffic follows those subnets' routes (NAT gateway), which may differ from the node's`,
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof FINDINGS> {}
}

type Say = (outcome: LayerVerdict['outcome'], code: ReasonCode, data?: Record<string, string>) => LayerVerdict;

export const eksAutoMode: SnatMechanism<EksAutoModeLayer> = {
  id: 'eks-auto-mode',
  upstream: 'AWS EKS user guide: auto-networking, create-node-class, create-node-pool, associate-workload',
  describe: (layer) =>
    `eks-auto-mode (${layer.nodeClassesUnread ? 'NodeClasses unreadable' : layer.nodeClasses.map((c) => `${c.name}: snatPolicy ${c.snatPolicy}`).join(', ') || 'no NodeClasses'})`,
  stage: 'node-snat',
  findings: FINDINGS,
  detection: eksAutoModeDetection,
  rule: (layer) =>
    byNode((facts) => {
      const linked = nodeClassOf(layer, facts.node);
      if ('unknown' in linked) return linked.unknown;
      const nodeClass = linked.nodeClass;
      const say: Say = (outcome, code, data = {}) => ({
        outcome,
        finding: { code, data: { nodeClass: nodeClass.name, ...data }, source: nodeClass.source },
      });
      if (facts.destination.range.family === 6) return say('not-applicable', 'EKS_AUTO_NO_IPV6_SNAT');
      if (nodeClass.snatPolicy === 'Disabled') return disabledVerdict(nodeClass, facts, say);
      if (nodeClass.snatPolicy !== 'Random')
        return say('unknown', 'EKS_AUTO_SNAT_POLICY_UNKNOWN', { value: nodeClass.snatPolicy });
      return randomVerdict(nodeClass, facts, say);
    }),
};

/** The node's NodeClass, or why it is unknown. */
export function nodeClassOf(
  layer: EksAutoModeLayer,
  node: NodeInfo,
): { nodeClass: EksNodeClass } | { unknown: LayerVerdict } {
  const nodeRef: ObjectRef = { kind: 'Node', name: node.name };
  const unknown = (code: ReasonCode, data: Record<string, string>, source: ObjectRef = nodeRef) => ({
    unknown: { outcome: 'unknown' as const, finding: { code, data: { node: node.name, ...data }, source } },
  });
  if (layer.nodeClassesUnread) return unknown('EKS_AUTO_NODECLASSES_UNREADABLE', gapData(layer.nodeClassesUnread));
  const labelled = node.labels[NODE_CLASS_LABEL];
  const poolName = node.labels[NODE_POOL_LABEL];
  const pool = labelled || !poolName ? undefined : layer.nodePools.find((p) => p.name === poolName);
  if (!labelled && poolName && !pool && layer.nodePoolsUnread)
    return unknown('EKS_AUTO_NODEPOOLS_UNREADABLE', { nodePool: poolName, ...gapData(layer.nodePoolsUnread) });
  const name = labelled ?? pool?.nodeClass;
  if (!name) return unknown('EKS_AUTO_NODE_NOT_LINKED', poolName ? { nodePool: poolName } : {});
  const found = layer.nodeClasses.find((c) => c.name === name);
  if (found) return { nodeClass: found };
  const via = labelled ? `label ${NODE_CLASS_LABEL}` : `NodePool ${poolName}'s nodeClassRef`;
  return unknown('EKS_AUTO_NODECLASS_NOT_FOUND', { nodeClass: name, via }, pool?.source ?? nodeRef);
}

/** Disabled: no SNAT on the node; for the internet, pods in subnets of their own may take another NAT than the node's. */
function disabledVerdict(nodeClass: EksNodeClass, facts: NodeFacts, say: Say): LayerVerdict {
  const verdict = say('exempt', 'EKS_AUTO_SNAT_DISABLED');
  if (!nodeClass.podSubnets || nonPublicCoverage(facts.destination.range) === 'all') return verdict;
  return {
    ...verdict,
    warnings: [{ code: 'EKS_AUTO_POD_SUBNETS', data: { nodeClass: nodeClass.name }, source: nodeClass.source }],
  };
}

/**
 * Random: the VPC CNI's rule (outside the VPC: SNAT to the node's primary address). Internet
 * traffic then leaves with the node's public address, which the Node should list as ExternalIP;
 * where the NodeClass asks for one and the Node lists none, the address seen is not visible.
 */
function randomVerdict(nodeClass: EksNodeClass, facts: NodeFacts, say: Say): LayerVerdict {
  const verdict = vpcVerdict(facts, say, false);
  const hidden =
    verdict.outcome === 'masquerade' &&
    nodeClass.associatePublicIPAddress === true &&
    facts.node.externalIPs.length === 0 &&
    nonPublicCoverage(facts.destination.range) !== 'all';
  return hidden ? say('unknown', 'EKS_AUTO_PUBLIC_IP_NOT_SHOWN', { node: facts.node.name }) : verdict;
}
