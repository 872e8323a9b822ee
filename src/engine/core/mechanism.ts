/**
 * The one shape every mechanism has (registered in mechanisms.ts): an id, where its behaviour comes
 * from, the pipeline stage it acts in, and how it decides. What a mechanism may read is in the type
 * of the facts it is handed: a node-level rule gets NodeFacts (no pod), so its verdict holds for
 * every pod on the node and is cached by node and destination; a pod-level rule gets PodFacts; an
 * egress gateway decides from an input it builds from the pod, and is cached by that input.
 */
import type { Destination } from '../../model/decision.ts';
import type { GatewayLayer, SnatLayer } from '../../model/datapath.ts';
import type { Finding } from '../../model/reasons.ts';
import type { NodeInfo, PodInfo } from '../../model/snapshot.ts';
import type { EngineContext } from './context.ts';
import type { Detection } from '../../config/detection.ts';
import type { Effect } from './effect.ts';

/** What a node-level rule may read: the node, the destination, the layers active on the node, and the call's snapshot and query. */
export interface NodeFacts {
  readonly ctx: EngineContext;
  readonly node: NodeInfo;
  readonly destination: Destination;
  /** Every layer active on the node, so a layer can see who else writes its chain. */
  readonly layersOnNode: readonly SnatLayer[];
}

/** A pod-level rule also reads the pod and the address its packet carries into node SNAT. */
export interface PodFacts extends NodeFacts {
  readonly pod: PodInfo;
  readonly sourceIP: string;
}

export type LayerOutcome = 'exempt' | 'masquerade' | 'unknown' | 'not-applicable';

/** One node-SNAT layer's conclusion: a chain in nat POSTROUTING lets the packet pass, masquerades it, or cannot be known. */
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

export type LayerRule =
  | { readonly reads: 'node'; verdict(facts: NodeFacts): LayerVerdict }
  | { readonly reads: 'pod'; verdict(facts: PodFacts): LayerVerdict };

export function byNode(verdict: (facts: NodeFacts) => LayerVerdict): LayerRule {
  return { reads: 'node', verdict };
}

export function byPod(verdict: (facts: PodFacts) => LayerVerdict): LayerRule {
  return { reads: 'pod', verdict };
}

/** The sentence for each reason code a mechanism reports, from the finding's data. */
export type Findings = Readonly<Record<string, (data: Record<string, string>) => string>>;

interface Described {
  /** Where the behaviour comes from, for readers of the code and of `explain`. */
  readonly upstream: string;
  /** Its own reason codes and their sentences; the codes join ReasonCode (model/reasons.ts). */
  readonly findings: Findings;
}

/** A chain in nat POSTROUTING (stage 3). */
export interface SnatMechanism<L extends SnatLayer = SnatLayer> extends Described {
  readonly id: L['mechanism'];
  readonly stage: 'node-snat';
  /** The words for the layer in `who`'s datapath header. */
  describe(layer: L): string;
  /** How config/ finds it in the objects (absent for the fallbacks config/ adds itself). */
  readonly detection?: Detection;
  /** How this layer decides: from the node's facts alone, or from the pod's as well. */
  rule(layer: L): LayerRule;
}

/** What a gateway may read of the pod: the pod and its node. */
export interface GatewayPodFacts {
  readonly ctx: EngineContext;
  readonly pod: PodInfo;
  readonly node: NodeInfo;
}

/** A reroute before node SNAT (stage 2). */
export interface GatewayMechanism<L extends GatewayLayer = GatewayLayer, I extends object = object> extends Described {
  readonly id: L['mechanism'];
  readonly stage: 'egress-gateway';
  /** The words for it in `who`'s datapath header, if it adds any. */
  describe(layer: L): string | undefined;
  /** How config/ finds it, when no node-SNAT mechanism's detection brings it along (Calico's does). */
  readonly detection?: Detection;
  /**
   * Everything of the pod (and its node) the gateway's choice depends on; undefined: it has
   * nothing to say about this pod. Inputs are interned, so pods with equal inputs share a verdict.
   */
  input(layer: L, facts: GatewayPodFacts): I | undefined;
  /** The effect on a packet with this input and destination: rerouted, dropped, unknown, or notes only. */
  decide(layer: L, input: I, destination: Destination, ctx: EngineContext): Effect;
}

/** Any registered mechanism: one per layer type. */
export type Mechanism = EachSnat<SnatLayer> | EachGateway<GatewayLayer>;
type EachSnat<L> = L extends SnatLayer ? SnatMechanism<L> : never;
type EachGateway<L> = L extends GatewayLayer ? GatewayMechanism<L, object> : never;
