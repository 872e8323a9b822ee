/**
 * EKS Auto Mode's node networking, configured per NodeClass. Its layer types join the datapath's by
 * declaration merging (below).
 */
import type { NodeScope } from '../datapath.ts';
import type { ReadGap } from '../gaps.ts';
import type { ObjectRef } from '../objects.ts';

/** One `eks.amazonaws.com/v1` NodeClass, as far as it decides a pod's source address. */
export interface EksNodeClass {
  name: string;
  source: ObjectRef;
  /** spec.snatPolicy as written; absent means Random, the API's default. */
  snatPolicy: string;
  /** spec.podSubnetSelectorTerms is set: pods take their addresses from subnets of their own. */
  podSubnets: boolean;
  /** spec.advancedNetworking.associatePublicIPAddress; absent: the subnet's MapPublicIpOnLaunch decides. */
  associatePublicIPAddress?: boolean;
  /** spec.networkPolicy as written (DefaultAllow, the default, or DefaultDeny). */
  networkPolicy: string;
}

/** A karpenter.sh NodePool whose nodeClassRef names an EKS NodeClass (Auto Mode's pools). */
export interface EksNodePool {
  name: string;
  source: ObjectRef;
  nodeClass: string;
}

/** EKS Auto Mode: nodes labelled eks.amazonaws.com/compute-type=auto, each SNATing as its NodeClass says. */
export interface EksAutoModeLayer {
  mechanism: 'eks-auto-mode';
  nodeClasses: EksNodeClass[];
  nodePools: EksNodePool[];
  /** The NodeClasses could not be read (RBAC, a version the tool does not know): every Auto Mode node's answer is unknown. */
  nodeClassesUnread?: ReadGap;
  /** The NodePools could not be read: a node without the nodeclass label cannot be linked to its NodeClass. */
  nodePoolsUnread?: ReadGap;
  scope: NodeScope;
}

declare module '../datapath.ts' {
  interface SnatLayers {
    'eks-auto-mode': EksAutoModeLayer;
  }
}
