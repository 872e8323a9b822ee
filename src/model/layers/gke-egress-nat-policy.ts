/** GKE EgressNATPolicy. Its layer types join the datapath's by declaration merging (below). */
import type { NodeScope } from '../datapath.ts';
import type { ReadGap } from '../gaps.ts';

/** GKE EgressNATPolicy (Autopilot, Dataplane V2): NoSNAT destinations keep the pod IP (§2.4). */
export interface GkeEgressNatPolicyLayer {
  mechanism: 'gke-egress-nat-policy';
  policies: { name: string; destinations: string[] }[];
  /** The cluster's own pod and node ranges, which the GKE-managed policy always keeps. */
  clusterRanges: string[];
  scope: NodeScope;
  /** The policies could not be read (RBAC, an unknown version): only the cluster ranges are known. */
  unread?: ReadGap;
}

declare module '../datapath.ts' {
  interface SnatLayers {
    'gke-egress-nat-policy': GkeEgressNatPolicyLayer;
  }
}
