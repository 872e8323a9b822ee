/**
 * The Amazon VPC CNI's SNAT. Its layer types join the datapath's by declaration merging (below).
 */
import type { NodeScope } from '../datapath.ts';
import type { ObjectRef } from '../objects.ts';

/** Amazon VPC CNI SNAT (aws-node DaemonSet env; §4). */
export interface AwsVpcCniLayer {
  mechanism: 'aws-vpc-cni';
  daemonSet: ObjectRef;
  externalSNAT: boolean;
  excludeSnatCIDRs: string[];
  /** POD_SECURITY_GROUP_ENFORCING_MODE: strict (default) or standard. */
  podSecurityGroupMode: 'strict' | 'standard';
  ipv6: boolean;
  scope: NodeScope;
}

declare module '../datapath.ts' {
  interface SnatLayers {
    'aws-vpc-cni': AwsVpcCniLayer;
  }
}
