/**
 * What verify plans, observes and concludes (design §5, §6).
 */
import type { Decision } from './decision.ts';

/** One probe: a representative pod of a class of pods the engine treats alike. */
export interface ProbePlan {
  namespace: string;
  /** The pod whose place (node, labels) the probe takes. */
  pod: string;
  node: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The pod's service account, which the probe runs as (Cilium and Calico select on it), without its token. */
  serviceAccount: string;
  decision: Decision;
  /** The answer for a pod in the same place wearing the probe's labels (engine/probe-plan.ts probeTwins). */
  probeDecision?: Decision;
  /** Every pod this probe stands for (the representative included). */
  members: string[];
}

export type ObservationCode =
  | 'OBSERVED'
  | 'ECHO_UNREACHABLE'
  | 'ECHO_RESPONSE_UNPARSABLE'
  | 'IMAGE_PULL_FAILED'
  | 'POD_NEVER_STARTED'
  | 'PROBE_TIMEOUT'
  | 'PROBE_REJECTED'
  | 'PROBE_FAILED'
  | 'INTERRUPTED';

export interface Observation {
  sourceIP: string | null;
  code: ObservationCode;
  detail: string;
  /** podIP: the probe's own address, which the echo sees wherever the pod IP leaves unchanged. */
  probe: { name: string; node: string; podIP: string | null };
}

export type VerdictKind = 'match' | 'mismatch' | 'inconclusive' | 'error';

export type VerdictCode =
  | 'OBSERVED_AS_PREDICTED'
  | 'OBSERVED_OTHER_ADDRESS'
  | 'DROPPED_AS_PREDICTED'
  | 'PREDICTED_DROP_BUT_REACHED'
  | 'DENIED_AS_PREDICTED'
  | 'PREDICTED_DENIED_BUT_REACHED'
  | 'PREDICTION_UNKNOWN'
  | 'PREDICTION_HAS_NO_ADDRESS'
  | 'PROBE_POD_IP_UNKNOWN'
  | 'NOTHING_OBSERVED'
  | 'PROBE_NOT_REPRESENTATIVE'
  | 'PROBE_ERROR';

export interface Verdict {
  plan: ProbePlan;
  observation: Observation;
  /** The address the echo should see from the probe: the prediction's, or the probe's own pod IP for `pod-ip`. */
  expected: string | null;
  /** Every address that matches: [expected], the prediction's set (design §5 `sourceIPs`; expected is then null), or none. */
  expectedSet: readonly string[];
  verdict: VerdictKind;
  code: VerdictCode;
}
