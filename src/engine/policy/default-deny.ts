/**
 * Enforcers that deny by default what no policy allows, per node: the VPC CNI in strict mode
 * (NETWORK_POLICY_ENFORCING_MODE=strict: "pods start with a default deny policy"; EKS user guide,
 * eks-networking-add-ons) and EKS Auto Mode nodes whose NodeClass says `networkPolicy: DefaultDeny`
 * (create-node-class). How that default combines with policies that isolate a pod in one direction
 * only is not documented, so where it is what would decide — a pod no policy isolates — the verdict
 * is `unknown` with the reason, never `allowed`.
 */
import type { Finding } from '../../model/reasons.ts';
import type { NodeInfo, Snapshot } from '../../model/snapshot.ts';
import type { CodesOf } from '../../model/reasons.ts';
import type { EksAutoModeLayer } from '../../model/layers/eks-auto-mode.ts';
import { isAutoModeNode } from '../../config/eks-auto-mode.ts';
import { derivation } from '../core/context.ts';
import type { Findings } from '../core/mechanism.ts';
import { nodeClassOf } from '../snat/eks-auto-mode.ts';

export const DEFAULT_DENY_FINDINGS = {
  POLICY_DEFAULT_DENY: (d) =>
    `${d['by']} denies by default what no policy allows, and no policy isolates this pod: denied, unless the enforcer treats a pod no policy selects otherwise (not documented)`,
  POLICY_DEFAULT_DENY_UNKNOWN: (d) =>
    `node ${d['node']} is an EKS Auto Mode node whose NodeClass is unknown, so whether it denies by default (networkPolicy: DefaultDeny) is unknown`,
} satisfies Findings;

declare module '../../model/reasons.ts' {
  interface MechanismReasonCodes extends CodesOf<typeof DEFAULT_DENY_FINDINGS> {}
}

/** A node's default: `key` names it (one string per kind of default; equal keys, equal defaults). */
export interface NodeDefault {
  key: string;
  finding?: Finding;
}

const ALLOW: NodeDefault = { key: '' };

/** The default of each node by name (a node not read has none known: its pod's answer is unknown anyway). */
export const nodeDefaults = derivation((snapshot: Snapshot): Map<string, NodeDefault> => {
  const eks = snapshot.datapath.layers.find((l): l is EksAutoModeLayer => l.mechanism === 'eks-auto-mode');
  const strict = snapshot.policy.vpcCniStrict;
  const defaults = new Map<string, NodeDefault>();
  // One object per key: the verdict cache tells defaults apart by identity (policy/subject.ts).
  const byKey = new Map<string, NodeDefault>([[ALLOW.key, ALLOW]]);
  for (const node of snapshot.nodes) {
    const made = defaultOf(node, eks, strict);
    const shared = byKey.get(made.key) ?? made;
    byKey.set(made.key, shared);
    defaults.set(node.name, shared);
  }
  return defaults;
});

function defaultOf(
  node: NodeInfo,
  eks: EksAutoModeLayer | undefined,
  strict: Snapshot['policy']['vpcCniStrict'],
): NodeDefault {
  if (isAutoModeNode(node)) {
    if (!eks) return ALLOW;
    const linked = nodeClassOf(eks, node);
    if ('unknown' in linked)
      return {
        key: `unknown:${node.name}`,
        finding: {
          code: 'POLICY_DEFAULT_DENY_UNKNOWN',
          data: { node: node.name },
          source: { kind: 'Node', name: node.name },
        },
      };
    const { nodeClass } = linked;
    if (nodeClass.networkPolicy !== 'DefaultDeny') return ALLOW;
    return {
      key: `eks:${nodeClass.name}`,
      finding: {
        code: 'POLICY_DEFAULT_DENY',
        data: { by: `NodeClass ${nodeClass.name} (networkPolicy: DefaultDeny)` },
        source: nodeClass.source,
      },
    };
  }
  if (!strict) return ALLOW;
  return {
    key: 'vpc-cni-strict',
    finding: {
      code: 'POLICY_DEFAULT_DENY',
      data: {
        by: `the VPC CNI in strict mode (${strict.namespace ?? ''}/${strict.name}: NETWORK_POLICY_ENFORCING_MODE=strict)`,
      },
      source: strict,
    },
  };
}
