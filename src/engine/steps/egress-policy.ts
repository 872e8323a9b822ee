/**
 * Step 1b, egress policy: may the packet leave the pod at all? Asked where the datapath asks it,
 * at the source pod, of the pod's own address, before any gateway or SNAT rewrites it (design §5
 * `policy`). The verdict is worked out on the pod's policy subject (engine/policy/subject.ts: the
 * facts of the pod an evaluator may read, and only those) by engine/policy/verdict.ts, and cached
 * by that subject and the destination: a key that is exactly what the verdict was given.
 */
import type { Destination } from '../../model/decision.ts';
import type { PolicyAnswer } from '../../model/policy.ts';
import type { PodInfo } from '../../model/snapshot.ts';
import { tableKind, type EngineContext } from '../core/context.ts';
import { EffectBuilder, type Effect } from '../core/effect.ts';
import { Table2 } from '../core/keyed.ts';
import { podSubjects, policySubject, type PodSubjects, type PolicySubject } from '../policy/subject.ts';
import { policyVerdict } from '../policy/verdict.ts';

export { POLICY_FINDINGS } from '../policy/verdict.ts';

const LAYER = 'egress-policy';

/** By the interned subject and the destination: two map reads per packet, no allocation. */
const VERDICTS = tableKind(() => new Table2<PolicySubject, Destination, Effect>());

/**
 * The policy effect for the pod's packet to the destination: the answer in `policy`, and for
 * `denied` the packet's end. subjects: the pod's, where the caller keeps them for its packets.
 */
export function egressPolicy(
  ctx: EngineContext,
  pod: PodInfo,
  destination: Destination,
  subjects: PodSubjects = podSubjects(ctx, pod),
): Effect {
  if (subjects.pod !== pod) throw new Error("internal: the egress policy step was handed another pod's subjects");
  const subject = policySubject(ctx, subjects, destination);
  const verdicts = ctx.table(VERDICTS);
  return (
    verdicts.find(subject, destination) ??
    verdicts.put(subject, destination, toEffect(ctx, policyVerdict(ctx, subject, destination)))
  );
}

function toEffect(ctx: EngineContext, answer: PolicyAnswer): Effect {
  const effect = new EffectBuilder(ctx.trace).set({ policy: answer });
  for (const reason of answer.reasons) effect.note(LAYER, answer.verdict, reason);
  // No source IP is claimed for a packet that never leaves the pod.
  if (answer.verdict === 'denied')
    effect.reason(...answer.reasons).set({ sourceIP: null, identity: 'denied', via: 'egress-policy', settled: true });
  return effect.build();
}
