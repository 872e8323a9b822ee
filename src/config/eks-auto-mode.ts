/**
 * EKS Auto Mode, from its nodes (label eks.amazonaws.com/compute-type=auto, AWS EKS user guide
 * "Control if a workload is deployed on EKS Auto Mode nodes", associate-workload), its NodeClasses
 * (eks.amazonaws.com/v1, "Create a Node Class for Amazon EKS", create-node-class) and the
 * karpenter.sh NodePools that name them in spec.template.spec.nodeClassRef ("Create a Node Pool for
 * EKS Auto Mode", create-node-pool).
 */
import type { EksAutoModeLayer, EksNodeClass, EksNodePool } from '../model/layers/eks-auto-mode.ts';
import type { KubeObject } from '../model/objects.ts';
import type { NodeInfo } from '../model/snapshot.ts';
import type { ReadGap } from '../model/gaps.ts';
import { versionGap } from './api-versions.ts';
import type { Detection, DetectInputs } from './detection.ts';
import { unreadable } from './gaps.ts';
import { getRecord, getString, refOf, type ObjectIndex } from './objects.ts';

/** Auto Mode nodes carry this label with the value `auto` (fargate and hybrid nodes carry other values). */
export const COMPUTE_TYPE_LABEL = 'eks.amazonaws.com/compute-type';
/** The NodeClass an Auto Mode node was launched from (workloads select on it with nodeSelector). */
export const NODE_CLASS_LABEL = 'eks.amazonaws.com/nodeclass';
/** The NodePool that launched a node (Karpenter's well-known label). */
export const NODE_POOL_LABEL = 'karpenter.sh/nodepool';

const NODE_CLASSES = 'nodeclasses.eks.amazonaws.com';
const NODE_POOLS = 'nodepools.karpenter.sh';
const EKS_GROUP = 'eks.amazonaws.com';

export function isAutoModeNode(node: NodeInfo): boolean {
  return node.labels[COMPUTE_TYPE_LABEL] === 'auto';
}

function nodeClassOf(obj: KubeObject): EksNodeClass {
  const spec = getRecord(obj, 'spec');
  const terms = spec?.['podSubnetSelectorTerms'];
  const publicIP = getRecord(spec, 'advancedNetworking')?.['associatePublicIPAddress'];
  return {
    name: obj.metadata.name,
    source: refOf(obj),
    snatPolicy: getString(spec, 'snatPolicy') ?? 'Random',
    podSubnets: Array.isArray(terms) && terms.length > 0,
    // create-node-class: "Network policy configuration (defaults to DefaultAllow)".
    networkPolicy: getString(spec, 'networkPolicy') ?? 'DefaultAllow',
    ...(typeof publicIP === 'boolean' ? { associatePublicIPAddress: publicIP } : {}),
  };
}

/**
 * The EKS NodeClass a NodePool names: karpenter.sh/v1 `nodeClassRef {group, kind, name}`
 * (v1beta1 wrote `apiVersion` where v1 writes `group`). Self-managed Karpenter's EC2NodeClass
 * (karpenter.k8s.aws) is not Auto Mode's.
 */
function eksNodeClassRef(obj: KubeObject): string | undefined {
  const ref = getRecord(obj, 'spec', 'template', 'spec', 'nodeClassRef');
  const name = getString(ref, 'name');
  const group = getString(ref, 'group') ?? getString(ref, 'apiVersion')?.split('/')[0];
  const kind = getString(ref, 'kind');
  return name && (group === undefined || group === EKS_GROUP) && (kind === undefined || kind === 'NodeClass')
    ? name
    : undefined;
}

/** What could not be read of one resource: an object of a version the tool does not know (-f), or the live read's gap. */
function gapOf(inputs: DetectInputs, kind: string, plural: string, resource: string): ReadGap | undefined {
  return versionGap(inputs.index, kind, plural) ?? unreadable(inputs.gaps, resource);
}

export function eksAutoModeLayer(inputs: DetectInputs): EksAutoModeLayer {
  const index: ObjectIndex = inputs.index;
  const nodeClassesUnread = gapOf(inputs, 'NodeClass', 'nodeclasses', NODE_CLASSES);
  const nodePoolsUnread = gapOf(inputs, 'NodePool', 'nodepools', NODE_POOLS);
  const nodePools: EksNodePool[] = index
    .where('NodePool', (o) => eksNodeClassRef(o) !== undefined)
    .map((o) => ({ name: o.metadata.name, source: refOf(o), nodeClass: eksNodeClassRef(o)! }));
  return {
    mechanism: 'eks-auto-mode',
    nodeClasses: index.all('NodeClass').map(nodeClassOf),
    nodePools,
    ...(nodeClassesUnread ? { nodeClassesUnread } : {}),
    ...(nodePoolsUnread ? { nodePoolsUnread } : {}),
    scope: { basis: 'node-selector', selector: { [COMPUTE_TYPE_LABEL]: 'auto' } },
  };
}

export const eksAutoModeDetection: Detection = {
  // Only Auto Mode nodes make it matter: a cluster that merely has the CRDs (or the built-in
  // `default` NodeClass but only managed node groups) answers as before.
  detect: (i) => ({ layers: i.nodes.some(isAutoModeNode) ? [eksAutoModeLayer(i)] : [] }),
  force: (i) => ({ layers: [eksAutoModeLayer(i)] }),
  reads: {
    resources: [
      { group: EKS_GROUP, versions: ['v1'], plural: 'nodeclasses', kind: 'NodeClass', namespaced: false },
      { group: 'karpenter.sh', versions: ['v1', 'v1beta1'], plural: 'nodepools', kind: 'NodePool', namespaced: false },
    ],
  },
};
