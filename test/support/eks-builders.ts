/** Builders for EKS Auto Mode: NodeClasses, NodePools and the nodes Auto Mode launches from them. */
import type { KubeObject } from '../../src/model/objects.ts';
import { node, type NodeBuilder } from './builders.ts';

export function nodeClass(
  name: string,
  spec: Record<string, unknown> = {},
  apiVersion = 'eks.amazonaws.com/v1',
): KubeObject {
  return {
    apiVersion,
    kind: 'NodeClass',
    metadata: { name },
    spec: {
      role: 'eks-auto-node',
      subnetSelectorTerms: [{ id: 'subnet-0aa' }],
      securityGroupSelectorTerms: [{ id: 'sg-0aa' }],
      ...spec,
    },
  };
}

export function nodePool(name: string, nodeClassRef: Record<string, string>): KubeObject {
  return {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name },
    spec: { template: { spec: { nodeClassRef } } },
  };
}

/** An Auto Mode node with its labels: `links` gives its nodeclass and nodepool labels (either may be left out). */
export function autoNode(name: string, ip: string, links: { nodeClass?: string; nodePool?: string } = {}): NodeBuilder {
  let built = node(name).aws().internalIP(ip).label('eks.amazonaws.com/compute-type', 'auto');
  if (links.nodeClass) built = built.label('eks.amazonaws.com/nodeclass', links.nodeClass);
  if (links.nodePool) built = built.label('karpenter.sh/nodepool', links.nodePool);
  return built;
}
