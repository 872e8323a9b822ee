/**
 * What of a pod the egress policy verdict reads: the step hands the evaluators this object, never
 * the pod, so they cannot read anything else of it, and caches each verdict by the object itself.
 * Pods with equal facts share one interned subject (core/keyed.ts Interner compares every field),
 * so the cache key is whatever the subject holds — no list of what each evaluator reads is kept
 * beside it. A fact is put in only where some evaluator could read it: the service account (an
 * identity label) and the node (host or remote-node) only where Cilium enforces, the node only for
 * a destination that may be a node's address; the service account and the pod's addresses (rules'
 * source nets) only where Calico policies exist; elsewhere pods that differ in them share verdicts.
 */
import type { Destination } from '../../model/decision.ts';
import type { PodInfo, Snapshot } from '../../model/snapshot.ts';
import { derivation, type EngineContext } from '../core/context.ts';
import { nodeAddresses } from './cilium-destination.ts';
import { nodeDefaults, type NodeDefault } from './default-deny.ts';
import { policyView } from './view.ts';

/** What NetworkPolicy, admin policies and EgressFirewall read of the source pod. */
export interface SourceFacts {
  readonly namespace: string;
  /** One object per distinct label map (config/objects.ts sharedLabels). */
  readonly labels: Record<string, string>;
  readonly hostNetwork: boolean;
}

/** What Cilium's verdict reads besides: the service account, and the node where it may matter. */
export interface CiliumFacts {
  readonly serviceAccount: string;
  /** Whether nodeName was put in: only for a destination that may be a node's address. */
  readonly atNode: boolean;
  readonly nodeName: string | undefined;
}

/** What Calico's verdict reads besides: the service account (a label of the workload endpoint) and the pod's addresses. */
export interface CalicoFacts {
  readonly serviceAccount: string;
  readonly podIPs: readonly string[];
}

export interface PolicySubject extends SourceFacts {
  /** What the pod's node does with what no policy allows (default-deny.ts); undefined for a hostNetwork pod. */
  readonly nodeDefault: NodeDefault | undefined;
  /** Set where Cilium enforces, else undefined (nothing reads them then). */
  readonly cilium: CiliumFacts | undefined;
  /** Set where Calico policies exist, else undefined. */
  readonly calico: CalicoFacts | undefined;
}

/** A pod's subjects, worked out once per pod (pipeline.ts Route): without its node, and (made when first asked) with it. */
export interface PodSubjects {
  readonly pod: PodInfo;
  readonly plain: PolicySubject;
  atNode: PolicySubject | undefined;
}

export function podSubjects(ctx: EngineContext, pod: PodInfo): PodSubjects {
  return { pod, plain: subjectOf(ctx, pod, false), atNode: undefined };
}

/** The subject of the pod's packet to the destination. */
export function policySubject(ctx: EngineContext, subjects: PodSubjects, destination: Destination): PolicySubject {
  if (!subjects.plain.cilium || !ctx.of(reachesNodes, destination)) return subjects.plain;
  return (subjects.atNode ??= subjectOf(ctx, subjects.pod, true));
}

function subjectOf(ctx: EngineContext, pod: PodInfo, atNode: boolean): PolicySubject {
  const nodeDefault =
    pod.nodeName !== undefined && !pod.hostNetwork ? ctx.of(nodeDefaults, ctx.snapshot).get(pod.nodeName) : undefined;
  const cilium = ctx.of(ciliumEnforces, ctx.snapshot)
    ? ctx.inputs.intern(CILIUM_FACTS, {
        serviceAccount: pod.serviceAccount,
        atNode,
        nodeName: atNode ? pod.nodeName : undefined,
      })
    : undefined;
  const calico =
    (ctx.snapshot.policy.calico?.length ?? 0) > 0
      ? ctx.inputs.intern(CALICO_FACTS, { serviceAccount: pod.serviceAccount, podIPs: pod.podIPs })
      : undefined;
  const subject: PolicySubject = {
    namespace: pod.namespace,
    labels: pod.labels,
    hostNetwork: pod.hostNetwork,
    nodeDefault,
    cilium,
    calico,
  };
  return ctx.inputs.intern(SUBJECT, subject);
}

const SUBJECT = Symbol('policy subject');
const CILIUM_FACTS = Symbol('policy subject, Cilium facts');
const CALICO_FACTS = Symbol('policy subject, Calico facts');

const ciliumEnforces = derivation((snapshot: Snapshot): boolean =>
  snapshot.policy.enforcers.some((e) => e.id === 'cilium'),
);

/** Whether the destination may be a node's address (a node's own, or a hostNetwork pod's): then the pod's node decides host or remote-node. */
const reachesNodes = derivation((destination: Destination, ctx): boolean => {
  if (ctx.of(nodeAddresses, ctx.snapshot).nodeOf(destination.range) !== undefined) return true;
  return ctx
    .of(policyView, ctx.snapshot)
    .podsIn(destination.range)
    .pods.some((p) => p.hostNetwork);
});
