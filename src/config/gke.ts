/**
 * GKE's default SNAT: without an ip-masq-agent DaemonSet, the node start-up script writes an
 * `IP-MASQ` chain exempting link-local and the 11 reserved ranges, unless the cluster was created
 * with --disable-default-snat (reference/snat-mechanisms.md §2.1–2.3; kubernetes/kubernetes
 * cluster/gce/gci/configure-helper.sh `config-ip-firewall`; GoogleCloudPlatform/netd install-cni.sh).
 */
import type { GkeDefaultSnatLayer } from '../model/layers/gke-default-snat.ts';
import type { NodeInfo } from '../model/snapshot.ts';
import { RESERVED_RANGE_CIDRS, RFC1918_CIDRS } from './ip-masq-agent-file.ts';
import { NOTHING, type Detection } from './detection.ts';

/** The chain GKE's start-up script and GKE's own agent (`--masq-chain=IP-MASQ`) both write. */
export const GKE_MASQ_CHAIN = 'IP-MASQ';

export function hasGceNodes(nodes: readonly NodeInfo[]): boolean {
  return nodes.some((n) => n.cloud === 'gce');
}

export function gkeDefaultSnatLayer(noDefaultSnat: boolean): GkeDefaultSnatLayer {
  return {
    mechanism: 'gke-default-snat',
    chain: GKE_MASQ_CHAIN,
    enabled: !noDefaultSnat,
    nonMasqueradeCIDRs: [...RFC1918_CIDRS, ...RESERVED_RANGE_CIDRS],
    scope: { basis: 'cloud-nodes', cloud: 'gce' },
  };
}

export const gkeDefaultSnatDetection: Detection = {
  // On Autopilot and Dataplane V2, EgressNATPolicy governs masquerading instead (§2.1, §2.4).
  detect: (i, earlier) =>
    hasGceNodes(i.nodes) && !earlier.some((l) => l.mechanism === 'gke-egress-nat-policy')
      ? { layers: [gkeDefaultSnatLayer(i.noDefaultSnat)] }
      : NOTHING,
  force: (i) => ({ layers: [gkeDefaultSnatLayer(i.noDefaultSnat)] }),
};
