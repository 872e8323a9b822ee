/**
 * Whether a destination is a Service's virtual IP (a range of a ServiceCIDR). Such a packet is
 * translated to one of the Service's endpoints before egress policy and node SNAT see it
 * (kube-proxy's DNAT in the nat table's PREROUTING/OUTPUT chains; Cilium's socket load balancer
 * at connect()), so neither the source IP nor the policy verdict follows from the virtual address:
 * they are those of the endpoint the connection lands on — a pod, a node, or an address outside the
 * cluster for a Service without a selector. Asking for the endpoint's address answers it. The
 * NetworkPolicy API leaves the order open too: "it is not defined whether this happens before or
 * after NetworkPolicy processing" (kubernetes.io "Network Policies", the ipBlock paragraph of
 * "Behavior of to and from selectors"), so an ipBlock naming the Service range decides nothing.
 */
import { gapData } from '../../config/gaps.ts';
import { RFC1918_CIDRS } from '../../config/ip-masq-agent-file.ts';
import type { Destination } from '../../model/decision.ts';
import type { CodesOf, Finding } from '../../model/reasons.ts';
import { cidrBlocks, coverage } from '../../net/ip.ts';
import { derivation } from './context.ts';
import type { Findings } from './mechanism.ts';

export const SERVICE_ADDRESS_FINDINGS = {
  DST_IS_SERVICE_ADDRESS: (d) =>
    `${d['whole'] === 'true' ? 'the destination is' : 'part of the destination range is'} in ServiceCIDR ${d['serviceCIDR']}: a Service's virtual IP, translated to one of its endpoints before policy and SNAT apply; ask --to with the endpoint's address`,
  SERVICE_CIDRS_UNREADABLE: (d) =>
    `${d['resource']} could not be read (${d['reason']}${d['served'] ? `: served as ${d['served']}` : ''}), so this private destination may be a Service's virtual IP, translated to an endpoint before policy and SNAT apply`,
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof SERVICE_ADDRESS_FINDINGS> {}
}

/**
 * Where ServiceCIDRs could not be read, the ranges a Service's addresses come from in practice: the
 * private ones (RFC 1918, RFC 6598 shared space, IPv6 unique local addresses). Public, link-local
 * and loopback destinations keep their answer.
 */
const PRIVATE = cidrBlocks([...RFC1918_CIDRS, '100.64.0.0/10', 'fc00::/7']);

/** Why the destination's answer is that of a Service endpoint rather than its own; undefined: it is not a Service address. */
export const serviceAddress = derivation((destination: Destination, ctx): Finding | undefined => {
  const { ranges, unread } = ctx.snapshot.services;
  for (const service of ranges) {
    const covered = coverage(destination.range, [service.range]);
    if (covered !== 'none')
      return {
        code: 'DST_IS_SERVICE_ADDRESS',
        data: { serviceCIDR: service.cidr, whole: String(covered === 'all') },
        source: service.source,
      };
  }
  if (unread && coverage(destination.range, PRIVATE) !== 'none')
    return { code: 'SERVICE_CIDRS_UNREADABLE', data: gapData(unread) };
  return undefined;
});
