/**
 * GKE EgressNATPolicy (networking.gke.io/v1, action NoSNAT): destinations listed by any policy keep
 * the pod IP, and so do the cluster's own pod, Service and node ranges (the GKE-managed gke-…
 * policy); everything else is SNATed to the node IP (reference/snat-mechanisms.md §2.4).
 */
import type { GkeEgressNatPolicyLayer } from '../../model/layers/gke-egress-nat-policy.ts';
import { parseCidr } from '../../net/ip.ts';
import { byNode, type SnatMechanism } from '../core/mechanism.ts';
import { evaluateExemptions, exemptBlocks } from './exemption-list.ts';
import { gkeEgressNatPolicyDetection } from '../../config/gke-egress-nat-policy.ts';
import { gapData } from '../../config/gaps.ts';
import type { CodesOf } from '../../model/reasons.ts';
import type { Findings } from '../core/mechanism.ts';

/** The sentence for each code this mechanism reports (render/messages.ts reads them through the registry). */
const FINDINGS = {
  GKE_EGRESS_NAT_POLICY_NO_SNAT: (d) =>
    `an EgressNATPolicy (${d['policies']}) lists the destination as NoSNAT (${d['cidr']})`,
  GKE_CLUSTER_RANGE_NO_SNAT: (d) =>
    `the destination is in the cluster's own ranges (${d['cidr']}), which GKE never SNATs`,
  GKE_EGRESS_NAT_POLICY_SNAT: (d) =>
    `no EgressNATPolicy (${d['policies']}) exempts the destination: SNATed to the node IP`,
  GKE_EGRESS_NAT_POLICY_CIDR_INVALID: (d) =>
    `EgressNATPolicy ${d['policy']} lists ${JSON.stringify(d['cidr'])}, which is not a CIDR: whether it exempts the destination is unknown`,
  GKE_EGRESS_NAT_POLICY_OTHER_ACTION: (d) =>
    `EgressNATPolicy ${d['policy']} has action ${d['action']} (Google Distributed Cloud's kind of the same name), which is not modelled`,
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof FINDINGS> {}
}

export const gkeEgressNatPolicy: SnatMechanism<GkeEgressNatPolicyLayer> = {
  id: 'gke-egress-nat-policy',
  upstream: 'GKE egress-nat-policy-ip-masq-autopilot how-to; concept page ip-masquerade-agent',
  describe: (layer) =>
    `gke-egress-nat-policy (${layer.unread ? 'policies unreadable' : layer.policies.map((p) => p.name).join(', ') || 'no policies'})`,
  stage: 'node-snat',
  findings: FINDINGS,
  detection: gkeEgressNatPolicyDetection,
  rule: (layer) =>
    byNode(({ destination }) => {
      const blocks = [
        ...layer.policies.flatMap((p) => exemptBlocks(p.destinations, 'GKE_EGRESS_NAT_POLICY_NO_SNAT')),
        ...exemptBlocks(layer.clusterRanges, 'GKE_CLUSTER_RANGE_NO_SNAT'),
      ];
      const policies = layer.policies.map((p) => p.name).join(', ');
      if (layer.unread) {
        // Only the cluster's own ranges are known to be exempt; any other destination a policy may list.
        const known = evaluateExemptions(
          destination.range,
          blocks,
          { exempt: 'GKE_CLUSTER_RANGE_NO_SNAT', masquerade: 'GKE_EGRESS_NAT_POLICIES_UNREADABLE' },
          {},
          undefined,
        );
        return known.outcome === 'exempt'
          ? known
          : {
              outcome: 'unknown',
              finding: { code: 'GKE_EGRESS_NAT_POLICIES_UNREADABLE', data: gapData(layer.unread) },
            };
      }
      const verdict = evaluateExemptions(
        destination.range,
        blocks,
        { exempt: 'GKE_EGRESS_NAT_POLICY_NO_SNAT', masquerade: 'GKE_EGRESS_NAT_POLICY_SNAT' },
        { policies },
        { kind: 'EgressNATPolicy', name: policies },
      );
      // An entry that does not parse might have exempted the destination: SNAT is then not sure.
      const broken = verdict.outcome === 'masquerade' ? unparsable(layer) : undefined;
      return broken
        ? {
            outcome: 'unknown',
            finding: {
              code: 'GKE_EGRESS_NAT_POLICY_CIDR_INVALID',
              data: broken,
              source: { kind: 'EgressNATPolicy', name: broken.policy },
            },
          }
        : verdict;
    }),
};

function unparsable(layer: GkeEgressNatPolicyLayer): { policy: string; cidr: string } | undefined {
  for (const p of layer.policies) {
    const cidr = p.destinations.find((c) => !parseCidr(c));
    if (cidr !== undefined) return { policy: p.name, cidr };
  }
  return undefined;
}
