/**
 * The ranges Services' virtual IPs come from: ServiceCIDR objects (KEP-1880, "multiple Service
 * CIDRs": networking.k8s.io/v1beta1 in Kubernetes 1.31–1.32, v1 since 1.33). The API server makes
 * the default one, named `kubernetes`, from its --service-cluster-ip-range; more may be added.
 * A packet to such an address is translated to one of the Service's endpoints before node SNAT
 * and policy see it (kube-proxy's DNAT in PREROUTING/OUTPUT, Cilium's socket load balancer at
 * connect), so what the destination sees depends on that endpoint, not on the virtual address.
 */
import type { ReadGap } from '../model/gaps.ts';
import type { ResourceSpec } from '../model/resources.ts';
import type { ServiceRanges } from '../model/snapshot.ts';
import { parseCidr } from '../net/ip.ts';
import { specGap } from './api-versions.ts';
import { getArray, getRecord, refOf, type ObjectIndex } from './objects.ts';

export const SERVICE_CIDRS: ResourceSpec = {
  group: 'networking.k8s.io',
  versions: ['v1', 'v1beta1'],
  plural: 'servicecidrs',
  kind: 'ServiceCIDR',
  namespaced: false,
};

/**
 * The ServiceCIDRs read, and the gap that hides them (refused, or an unknown version). A CIDR the
 * API server would refuse (from -f) is left out: no Service can have an address from it.
 */
export function serviceRanges(index: ObjectIndex, gaps: readonly ReadGap[]): ServiceRanges {
  const unread = specGap(index, gaps, SERVICE_CIDRS);
  const ranges = index.all(SERVICE_CIDRS.kind).flatMap((obj) =>
    getArray(getRecord(obj, 'spec'), 'cidrs').flatMap((text) => {
      const parsed = typeof text === 'string' ? parseCidr(text) : undefined;
      return parsed?.aligned ? [{ cidr: text as string, range: parsed.cidr, source: refOf(obj) }] : [];
    }),
  );
  return { ranges, ...(unread && { unread }) };
}
