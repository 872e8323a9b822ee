/**
 * The one shape every node-SNAT mechanism module has. A layer is a chain the packet passes in nat
 * POSTROUTING; it either lets the packet go on unchanged (exempt), rewrites its source to the node
 * (masquerade), cannot be known from the input (unknown), or is not in the packet's way.
 */
import type { Destination, Query } from '../../model/decision.ts';
import type { SnatLayer } from '../../model/datapath.ts';
import type { Finding } from '../../model/reasons.ts';
import type { NodeInfo, PodInfo, Snapshot } from '../../model/snapshot.ts';

export type LayerOutcome = 'exempt' | 'masquerade' | 'unknown' | 'not-applicable';

export interface LayerVerdict {
  outcome: LayerOutcome;
  finding: Finding;
  /** Assumptions the verdict rests on, carried onto the decision when this layer decides it. */
  warnings?: Finding[];
  /** An unknown that could change what the other layers do, so even their masquerade is not sure. */
  opaque?: boolean;
  /** For `masquerade`: SNAT to this address instead of the node's (Calico natOutgoingAddress). */
  snatTo?: string;
}

export interface SnatPacket {
  node: NodeInfo;
  pod: PodInfo;
  /** The pod IP the packet carries into node SNAT. */
  sourceIP: string;
  destination: Destination;
  /** Every layer active on the node, so a layer can see who else writes its chain. */
  layersOnNode: readonly SnatLayer[];
  snapshot: Snapshot;
  query: Query;
}

export interface SnatMechanism<L extends SnatLayer> {
  id: L['mechanism'];
  /** Where the behaviour comes from, for readers of the code and of `explain`. */
  upstream: string;
  /**
   * Whether evaluate reads the packet's pod or source address. A layer that does not gives one
   * verdict per node and destination, which node SNAT then works out once for all the node's pods.
   */
  readsPod(layer: L): boolean;
  evaluate(layer: L, packet: SnatPacket): LayerVerdict;
}
