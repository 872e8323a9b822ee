/** Node objects → NodeInfo. */
import type { KubeObject } from '../model/objects.ts';
import type { CloudProvider } from '../model/cloud.ts';
import type { NodeInfo } from '../model/snapshot.ts';
import { cidrFamily, ipFamily, sortAddresses, written, type WrittenAddress } from './addresses.ts';
import { getArray, getRecord, getString, isRecord, stringMap } from './objects.ts';

/**
 * The cloud whose 1:1 NAT of a node's ExternalIP we model (design §4), from the providerID scheme
 * the cloud-controller-managers write: `gce://project/zone/name`, `aws:///zone/i-…`, `azure:///subscriptions/…`.
 */
const CLOUD_SCHEMES: Record<string, CloudProvider> = { 'gce://': 'gce', 'aws://': 'aws', 'azure://': 'azure' };

export function toNodeInfo(obj: KubeObject): NodeInfo {
  const spec = getRecord(obj, 'spec');
  const providerID = getString(spec, 'providerID');
  const internal = sortAddresses('InternalIP', addressesOfType(obj, 'InternalIP'), ipFamily);
  const external = sortAddresses('ExternalIP', addressesOfType(obj, 'ExternalIP'), ipFamily);
  const podCIDRs = sortAddresses('podCIDR', writtenPodCIDRs(spec), cidrFamily);
  const node: NodeInfo = {
    name: obj.metadata.name,
    internalIPs: internal.valid,
    externalIPs: external.valid,
    podCIDRs: podCIDRs.valid,
    labels: stringMap(obj.metadata.labels),
    taints: getArray(spec, 'taints').flatMap((t) => {
      const key = getString(t, 'key');
      const effect = getString(t, 'effect');
      const value = getString(t, 'value');
      return key && effect ? [{ key, effect, ...(value ? { value } : {}) }] : [];
    }),
    unschedulable: isRecord(spec) && spec['unschedulable'] === true,
  };
  const invalid = [...internal.invalid, ...external.invalid, ...podCIDRs.invalid];
  if (invalid.length > 0) node.invalidAddresses = invalid;
  const kubeletVersion = getString(getRecord(obj, 'status', 'nodeInfo'), 'kubeletVersion');
  if (kubeletVersion) node.kubeletVersion = kubeletVersion;
  if (providerID) {
    node.providerID = providerID;
    const scheme = Object.keys(CLOUD_SCHEMES).find((s) => providerID.startsWith(s));
    if (scheme) node.cloud = CLOUD_SCHEMES[scheme];
  }
  return node;
}

/** status.addresses of one type (Hostname and InternalDNS are names, not addresses). */
function addressesOfType(obj: KubeObject, type: string): WrittenAddress[] {
  return getArray(obj, 'status', 'addresses').flatMap((a, i) =>
    getString(a, 'type') === type
      ? [{ field: () => `status.addresses[${i}].address`, value: written(isRecord(a) ? a['address'] : undefined) }]
      : [],
  );
}

/** spec.podCIDRs, else the older spec.podCIDR. */
function writtenPodCIDRs(spec: Record<string, unknown> | undefined): WrittenAddress[] {
  const list = getArray(spec, 'podCIDRs').map((c, i) => ({ field: () => `spec.podCIDRs[${i}]`, value: written(c) }));
  if (list.length > 0) return list;
  const single = spec?.['podCIDR'];
  return single == null || single === '' ? [] : [{ field: () => 'spec.podCIDR', value: written(single) }];
}
