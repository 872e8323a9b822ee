/** GKE EgressNATPolicy. Its layer types join the datapath's by declaration merging (below). */
import type { NodeScope } from '../datapath.ts';

/** GKE EgressNATPolicy (Autopilot, Dataplane V2): NoSNAT destinations keep the pod IP (§2.4). */
export interface GkeEgressNatPolicyLayer {
  mechanism: 'gke-egress-nat-policy';
  policies: { name: string; destinations: string[] }[];
  /** The cluster's own pod and node ranges, which the GKE-managed policy always keeps. */
  clusterRanges: string[];
  scope: NodeScope;
  /** Policies of an apiVersion the tool does not read (networking.gke.io/v9): what they exempt is unknown. */
  unknownVersions?: { name: string; apiVersion: string }[];
}

declare module '../datapath.ts' {
  interface SnatLayers {
    'gke-egress-nat-policy': GkeEgressNatPolicyLayer;
  }
}
