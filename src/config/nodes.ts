/** Node objects → NodeInfo. */
import type { KubeObject } from '../model/objects.ts';
import type { CloudProvider } from '../model/cloud.ts';
import type { NodeInfo } from '../model/snapshot.ts';
import { getArray, getRecord, getString, isRecord, stringMap } from './objects.ts';

/**
 * The cloud whose 1:1 NAT of a node's ExternalIP we model (design §4), from the providerID scheme
 * the cloud-controller-managers write: `gce://project/zone/name`, `aws:///zone/i-…`, `azure:///subscriptions/…`.
 */
const CLOUD_SCHEMES: Record<string, CloudProvider> = { 'gce://': 'gce', 'aws://': 'aws', 'azure://': 'azure' };

export function toNodeInfo(obj: KubeObject): NodeInfo {
  const spec = getRecord(obj, 'spec');
  const providerID = getString(spec, 'providerID');
  const addresses = getArray(obj, 'status', 'addresses');
  const ofType = (type: string) =>
    addresses.filter((a) => getString(a, 'type') === type).flatMap((a) => getString(a, 'address') ?? []);
  const podCIDRs = getArray(spec, 'podCIDRs').filter((c): c is string => typeof c === 'string');
  const podCIDR = getString(spec, 'podCIDR');
  const node: NodeInfo = {
    name: obj.metadata.name,
    internalIPs: ofType('InternalIP'),
    externalIPs: ofType('ExternalIP'),
    podCIDRs: podCIDRs.length > 0 ? podCIDRs : podCIDR ? [podCIDR] : [],
    labels: stringMap(obj.metadata.labels),
    taints: getArray(spec, 'taints').flatMap((t) => {
      const key = getString(t, 'key');
      const effect = getString(t, 'effect');
      const value = getString(t, 'value');
      return key && effect ? [{ key, effect, ...(value ? { value } : {}) }] : [];
    }),
    unschedulable: isRecord(spec) && spec['unschedulable'] === true,
  };
  const kubeletVersion = getString(getRecord(obj, 'status', 'nodeInfo'), 'kubeletVersion');
  if (kubeletVersion) node.kubeletVersion = kubeletVersion;
  if (providerID) {
    node.providerID = providerID;
    const scheme = Object.keys(CLOUD_SCHEMES).find((s) => providerID.startsWith(s));
    if (scheme) node.cloud = CLOUD_SCHEMES[scheme];
  }
  return node;
}
