/**
 * GKE EgressNATPolicy objects (networking.gke.io/v1, cluster-scoped). Only `action: NoSNAT` is
 * GKE's; Google Distributed Cloud has a kind of the same name with another shape (action SNAT,
 * gatewayRef), reported and not modelled (reference/snat-mechanisms.md §2.4).
 */
import type { GkeEgressNatPolicyLayer } from '../model/layers/gke-egress-nat-policy.ts';
import type { Finding } from '../model/reasons.ts';
import type { NodeInfo } from '../model/snapshot.ts';
import type { Family } from '../model/net.ts';
import { parseCidr } from '../net/ip.ts';
import { invalidAddressWarnings } from './addresses.ts';
import { getArray, getRecord, getString, refOf, type ObjectIndex } from './objects.ts';
import type { Detection } from './detection.ts';
import type { ReadGap } from '../model/gaps.ts';
import { unreadable } from './gaps.ts';
import { versionGap } from './api-versions.ts';
import { hasGceNodes } from './gke.ts';

const RESOURCE = 'egressnatpolicies.networking.gke.io';

/**
 * EgressNATPolicies govern masquerading only on GKE: where they could not be read and gce:// nodes
 * exist, a policy may exempt any destination there, so this layer stands in for GKE's rules with
 * the gap (GKE's default SNAT is not assumed). Off GKE the refusal changes no answer: a warning.
 */
function unreadLayer(nodes: readonly NodeInfo[], gap: ReadGap | undefined): GkeEgressNatPolicyLayer | undefined {
  if (!gap || !hasGceNodes(nodes)) return undefined;
  return {
    mechanism: 'gke-egress-nat-policy',
    policies: [],
    clusterRanges: clusterRanges(nodes),
    scope: { basis: 'cloud-nodes', cloud: 'gce' },
    unread: gap,
  };
}

export function gkeEgressNatPolicyLayer(
  index: ObjectIndex,
  nodes: readonly NodeInfo[],
  warnings: Finding[],
  gaps: readonly ReadGap[] = [],
): GkeEgressNatPolicyLayer | undefined {
  // An object of an unknown version (in a -f file) may exempt anything, whatever else was read.
  const hidden = unreadLayer(nodes, versionGap(index, 'EgressNATPolicy', 'egressnatpolicies'));
  if (hidden) return hidden;
  const objects = index.all('EgressNATPolicy');
  const policies = objects.flatMap((obj) => {
    const action = getString(getRecord(obj, 'spec'), 'action') ?? '';
    if (action !== 'NoSNAT') {
      warnings.push({
        code: 'GKE_EGRESS_NAT_POLICY_OTHER_ACTION',
        data: { policy: obj.metadata.name, action: action || '(none)' },
        source: refOf(obj),
      });
      return [];
    }
    const destinations = getArray(obj, 'spec', 'destinations').flatMap((d) => getString(d, 'cidr') ?? []);
    const invalid = destinations.flatMap((cidr, i) =>
      parseCidr(cidr)
        ? []
        : [
            {
              kind: 'EgressNATPolicy cidr',
              field: `spec.destinations[${i}].cidr`,
              value: cidr,
              hides: [4, 6] as Family[],
            },
          ],
    );
    warnings.push(...invalidAddressWarnings(refOf(obj), invalid));
    return [{ name: obj.metadata.name, destinations }];
  });
  if (policies.length === 0) return objects.length === 0 ? unreadLayer(nodes, unreadable(gaps, RESOURCE)) : undefined;
  return {
    mechanism: 'gke-egress-nat-policy',
    policies,
    clusterRanges: clusterRanges(nodes),
    scope: { basis: 'all-nodes' },
  };
}

/** The GKE-managed gke-… policy lists these itself when it is readable; they are added in case it is not. */
function clusterRanges(nodes: readonly NodeInfo[]): string[] {
  return [
    ...new Set([
      ...nodes.flatMap((n) => n.podCIDRs),
      ...nodes.flatMap((n) => n.internalIPs.map((ip) => `${ip}/${ip.includes(':') ? 128 : 32}`)),
    ]),
  ].sort();
}

export const gkeEgressNatPolicyDetection: Detection = {
  detect: (i) => ({
    layers: [gkeEgressNatPolicyLayer(i.index, i.nodes, i.warnings, i.gaps)].filter((l) => l !== undefined),
  }),
  force: (i) => ({
    layers: [
      gkeEgressNatPolicyLayer(i.index, i.nodes, i.warnings, i.gaps) ?? {
        mechanism: 'gke-egress-nat-policy',
        policies: [],
        clusterRanges: [],
        scope: { basis: 'all-nodes' },
      },
    ],
  }),
  reads: {
    resources: [
      {
        group: 'networking.gke.io',
        versions: ['v1'],
        plural: 'egressnatpolicies',
        kind: 'EgressNATPolicy',
        namespaced: false,
      },
    ],
  },
};
