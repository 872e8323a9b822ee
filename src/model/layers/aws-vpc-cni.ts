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
  /**
   * ENABLE_V4_EGRESS (default true; only read in IPv6 clusters): IPv6 pods get an egress-v4
   * interface from 169.254.172.0/22 whose IPv4 traffic is SNATed to the node's primary IPv4.
   * 'not-visible': set through valueFrom, so whether pods have that interface is not known.
   */
  v4Egress: boolean | 'not-visible';
  scope: NodeScope;
}

declare module '../datapath.ts' {
  interface SnatLayers {
    'aws-vpc-cni': AwsVpcCniLayer;
  }
}
