/**
 * The policy verdict is cached by the pod's policy subject (src/engine/policy/subject.ts): pods
 * that differ only in a fact some evaluator reads must not share a verdict within one call.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../src/model/objects.ts';
import { build, pod } from '../../../support/builders.ts';
import { ciliumCluster, cnp, IPS } from '../../../support/cilium-policy-builders.ts';
import { decide, decisionFor } from '../../../support/predict.ts';

const WORLD = '203.0.113.10';

/** A pod with the frontend's labels, in the frontend's namespace. */
function twin(name: string, node: string, ip: string, serviceAccount?: string): KubeObject {
  const [object] = build(
    pod(name, 'shop').on(node).ip(ip).label('role', 'frontend').label('app', 'myService').label('env', 'dev'),
  );
  if (serviceAccount) object!['spec'] = { ...(object!['spec'] as object), serviceAccountName: serviceAccount };
  return object!;
}

function verdicts(objects: KubeObject[], to: string, pods: string[]) {
  const decisions = decide(objects, [to], { allPods: true });
  return pods.map((name) => decisionFor(decisions, name, to).policy.verdict);
}

describe('pods alike but for one fact the Cilium verdict reads, in one call', () => {
  it('the node: toEntities host lets out the pod on that node only', () => {
    const host = cnp('host')
      .selecting({ matchLabels: { role: 'frontend' } })
      .egress({ toEntities: ['host'] });
    const objects = [...ciliumCluster(), twin('frontend-on-n2', 'n2', '10.0.2.30'), host.build()];
    expect(verdicts(objects, IPS.n1, ['frontend', 'frontend-on-n2'])).toEqual(['allowed', 'denied']);
  });

  it('the service account: a deny selecting one account denies only its pod', () => {
    const deny = cnp('payments')
      .selecting({ matchLabels: { 'io.cilium.k8s.policy.serviceaccount': 'payments' } })
      .egressDeny({ toEntities: ['world'] });
    const objects = [...ciliumCluster(), twin('frontend-payments', 'n1', '10.0.1.30', 'payments'), deny.build()];
    expect(verdicts(objects, WORLD, ['frontend', 'frontend-payments'])).toEqual(['allowed', 'denied']);
  });
});
