/**
 * EKS Auto Mode NodeClasses and NodePools that change how pods leave: a NodePool whose
 * nodeClassRef names a NodeClass that does not exist (Karpenter launches no node from it, so its
 * pods land elsewhere or stay pending: AWS EKS user guide, create-node-pool), and a NodeClass with
 * snatPolicy Disabled that asks for public node addresses (create-node-class): public addresses
 * mean public subnets, where pod IPs, having no public address of their own, cannot reach the
 * internet through the internet gateway (AWS EKS user guide, external-snat; reference/snat-mechanisms.md §4.2).
 */
import type { EksAutoModeLayer } from '../../model/layers/eks-auto-mode.ts';
import type { Snapshot } from '../../model/snapshot.ts';
import { defineCheck } from './check.ts';

function autoModeLayer(snapshot: Snapshot): EksAutoModeLayer | undefined {
  for (const layer of snapshot.datapath.layers) if (layer.mechanism === 'eks-auto-mode') return layer;
  return undefined;
}

export const eksAutoMode = defineCheck({
  id: 'eks-auto-mode',
  codes: { EKS_NODEPOOL_NODECLASS_MISSING: 'error', EKS_NODECLASS_SNAT_DISABLED_PUBLIC_IP: 'warning' },
  upstream: 'AWS EKS user guide: create-node-pool, create-node-class, external-snat',
  run({ snapshot }, report) {
    const layer = autoModeLayer(snapshot);
    // Where the NodeClasses could not be read, "missing" would be a guess.
    if (!layer || layer.nodeClassesUnread) return;
    const names = new Set(layer.nodeClasses.map((c) => c.name));
    for (const pool of layer.nodePools) {
      if (!names.has(pool.nodeClass))
        report('EKS_NODEPOOL_NODECLASS_MISSING', pool.source, { nodePool: pool.name, nodeClass: pool.nodeClass });
    }
    for (const nodeClass of layer.nodeClasses) {
      if (nodeClass.snatPolicy === 'Disabled' && nodeClass.associatePublicIPAddress === true) {
        report('EKS_NODECLASS_SNAT_DISABLED_PUBLIC_IP', nodeClass.source, { nodeClass: nodeClass.name });
      }
    }
  },
});
