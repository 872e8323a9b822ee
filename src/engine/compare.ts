/**
 * Predicted vs observed (cyclonus's ComparisonTable, cilium-cli's "observed client-ip must equal
 * the expected egress IP"): pure, one verdict per probe.
 */
import type { Decision } from '../model/decision.ts';
import type { Observation, ProbePlan, Verdict } from '../model/verification.ts';
import { sameAddress } from '../net/ip.ts';

export function compare(plan: ProbePlan, observation: Observation): Verdict {
  const predicted = plan.decision;
  // The probe stands in for the pod but has its own address: where the pod IP leaves unchanged,
  // the echo must see the probe's.
  const expected = predicted.identity === 'pod-ip' ? observation.probe.podIP : predicted.sourceIP;
  // A set (the datapath picks one address per connection): any of them is the prediction come true.
  const expectedSet = expected !== null ? [expected] : predicted.identity === 'pod-ip' ? [] : predicted.sourceIPs;
  const base = { plan, observation, expected, expectedSet };
  if (observation.code !== 'OBSERVED' && observation.code !== 'ECHO_UNREACHABLE')
    return { ...base, verdict: 'error', code: 'PROBE_ERROR' };
  // Labels the probe cannot copy (a controller's) or adds (its run id) change what selects it: then
  // whatever it observes is not the workload's answer.
  if (plan.probeDecision && !sameAnswer(predicted, plan.probeDecision))
    return { ...base, verdict: 'inconclusive', code: 'PROBE_NOT_REPRESENTATIVE' };
  if (observation.code === 'ECHO_UNREACHABLE') {
    if (predicted.identity === 'dropped') return { ...base, verdict: 'match', code: 'DROPPED_AS_PREDICTED' };
    if (predicted.identity === 'denied') return { ...base, verdict: 'match', code: 'DENIED_AS_PREDICTED' };
    return { ...base, verdict: 'inconclusive', code: 'NOTHING_OBSERVED' };
  }
  if (predicted.identity === 'unknown') return { ...base, verdict: 'inconclusive', code: 'PREDICTION_UNKNOWN' };
  if (predicted.identity === 'dropped') return { ...base, verdict: 'mismatch', code: 'PREDICTED_DROP_BUT_REACHED' };
  if (predicted.identity === 'denied') return { ...base, verdict: 'mismatch', code: 'PREDICTED_DENIED_BUT_REACHED' };
  if (predicted.sourceIP === null && predicted.sourceIPs.length === 0)
    return { ...base, verdict: 'inconclusive', code: 'PREDICTION_HAS_NO_ADDRESS' };
  if (expectedSet.length === 0) return { ...base, verdict: 'inconclusive', code: 'PROBE_POD_IP_UNKNOWN' };
  return expectedSet.some((address) => sameAddress(address, observation.sourceIP ?? ''))
    ? { ...base, verdict: 'match', code: 'OBSERVED_AS_PREDICTED' }
    : { ...base, verdict: 'mismatch', code: 'OBSERVED_OTHER_ADDRESS' };
}

/** The same answer: identity, address or set, the layer it came from, the gateway node and the policy verdict. */
function sameAnswer(a: Decision, b: Decision): boolean {
  return (
    a.identity === b.identity &&
    a.sourceIP === b.sourceIP &&
    a.sourceIPs.join(',') === b.sourceIPs.join(',') &&
    a.via === b.via &&
    a.gateway?.node === b.gateway?.node &&
    a.policy.verdict === b.policy.verdict
  );
}
