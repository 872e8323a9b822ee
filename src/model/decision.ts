/**
 * The engine's output: one decision per pod and destination, with the trace that led to it.
 */
import type { Finding } from './reasons.ts';
import type { IpRange } from './net.ts';
import type { ObjectRef } from './objects.ts';
import type { PolicyAnswer, Protocol } from './policy.ts';
import type { WorkloadRef } from './snapshot.ts';

/**
 * design §5: the values scripts branch on. `egress-ip`: an address an egress object assigns
 * (an OVN-Kubernetes EgressIP, an Antrea Egress, an AKS static egress gateway).
 */
export type Identity = 'pod-ip' | 'node-ip' | 'egress-gateway' | 'egress-ip' | 'nat' | 'dropped' | 'denied' | 'unknown';

/** What a step did; `allowed` and `denied` are the egress policy step's verdicts. */
export type StepOutcome = 'applied' | 'not-applicable' | 'exempt' | 'masquerade' | 'allowed' | 'denied' | 'unknown';

/** One layer's conclusion about one packet. `layer` is a pipeline step or SNAT mechanism id. */
export interface TraceStep extends Finding {
  layer: string;
  outcome: StepOutcome;
}

export type DestinationKind = 'ip' | 'cidr' | 'class' | 'hostname';

export interface Destination {
  /** The address or CIDR as reported in `destination`. */
  text: string;
  kind: DestinationKind;
  /** The class or hostname the user named, when the destination came from one. */
  name?: string;
  range: IpRange;
  /** `--to HOST:PORT`; absent when no port was named (policy rules that allow only some ports cannot decide then). */
  port?: number;
  /** `--to HOST/PROTO`; TCP unless named. */
  protocol: Protocol;
}

export interface Query {
  destinations: Destination[];
  /** --nat-ip: the address NATed internet traffic leaves with. */
  natIP?: string;
  /** --vpc-cidr: the VPC/VNet ranges, which the cluster does not show. */
  vpcCIDRs?: string[];
  /**
   * false: decisions come without their trace. Only explain shows it, and on a large cluster
   * building one for every pod and destination costs `who` a third of its time.
   */
  trace?: boolean;
}

export interface Decision {
  namespace: string;
  pod: string;
  workload: WorkloadRef;
  node: string | null;
  podIP: string | null;
  hostNetwork: boolean;
  destination: Destination;
  sourceIP: string | null;
  /**
   * design §5 "Additions": every address the destination may see, in numeric order (IPv4 before
   * IPv6): `[sourceIP]` when it is set; several, with sourceIP null, where the datapath picks one
   * per connection; empty where no address is claimed (dropped, unknown).
   */
  sourceIPs: readonly string[];
  identity: Identity;
  via: string;
  /** The egress object (EgressIP, Egress, gateway configuration) the source addresses come from, for allowlist. */
  egressFrom?: ObjectRef;
  /** The egress gateway the traffic goes through, when a policy sends it there. */
  gateway?: { node: string; policy: string };
  /** Whether egress policy lets the packet leave (design §5 `policy`); `denied` comes with identity `denied`. */
  policy: PolicyAnswer;
  /** The trace steps that decided the answer. */
  reasons: Finding[];
  warnings: Finding[];
  trace: TraceStep[];
}
