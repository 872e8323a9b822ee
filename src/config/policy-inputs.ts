/**
 * What the policy step reads, from the objects: the NetworkPolicies, the policies of kinds it does
 * not evaluate, what could not be read, and the NetworkPolicy enforcers among the DaemonSets.
 * Whether a policy is enforced at all depends on the datapath: a bridge, flannel or kubenet
 * cluster enforces none unless a policy controller runs beside it.
 */
import type { ReadGap } from '../model/gaps.ts';
import type { KubeObject } from '../model/objects.ts';
import type { PolicyEnforcer, PolicyInputs } from '../model/policy.ts';
import { specGap } from './api-versions.ts';
import { ciliumPolicyInputs } from './cilium-policy-settings.ts';
import { calicoPolicies, calicoTiers } from './calico-policies.ts';
import { argvOf, containers, goBool, imageName, parseGoFlags } from './daemonset.ts';
import { egressFirewallInputs } from './egress-firewalls.ts';
import { toNetworkPolicy } from './network-policies.ts';
import { getArray, getRecord, getString, isRecord, type Json, type ObjectIndex } from './objects.ts';
import { COMPUTE_TYPE_LABEL } from './eks-auto-mode.ts';
import {
  ADMIN_POLICIES,
  CALICO_POLICIES,
  CALICO_TIERS,
  NETWORK_POLICIES,
  UNEVALUATED_POLICIES,
} from './policy-resources.ts';
import { toAdminPolicy } from './admin-network-policies.ts';
import { adminPolicySupport } from './admin-policy-support.ts';

export function policyInputs(index: ObjectIndex, gaps: readonly ReadGap[], allPods: boolean): PolicyInputs {
  const networkPoliciesUnread = specGap(index, gaps, NETWORK_POLICIES);
  const networkPolicies = networkPoliciesUnread ? [] : index.all(NETWORK_POLICIES.kind).map(toNetworkPolicy);
  const unevaluated = UNEVALUATED_POLICIES.flatMap((spec) =>
    index.all(spec.kind).map((o) => ({
      kind: o.kind,
      ...(spec.namespaced && { namespace: o.metadata.namespace ?? 'default' }),
      name: o.metadata.name,
    })),
  );
  // An admin or Calico policy kind that cannot be read makes verdicts unknown as an unevaluated kind does.
  const unevaluatedUnread = [...ADMIN_POLICIES, ...CALICO_POLICIES, ...UNEVALUATED_POLICIES].flatMap((spec) => {
    const gap = specGap(index, gaps, spec);
    return gap ? [gap] : [];
  });
  return {
    networkPolicies,
    ...(networkPoliciesUnread && { networkPoliciesUnread }),
    unevaluated,
    unevaluatedUnread,
    enforcers: enforcers(index),
    enforcersUnread: enforcerGaps(index, gaps),
    adminPolicies: ADMIN_POLICIES.flatMap((spec) => index.all(spec.kind).map(toAdminPolicy)),
    cilium: ciliumPolicyInputs(index),
    allPods,
    egressFirewalls: egressFirewallInputs(index, gaps),
    calico: calicoPolicies(index),
    ...calicoTierInputs(index, gaps),
    ...vpcCniStrict(index),
  };
}

function calicoTierInputs(
  index: ObjectIndex,
  gaps: readonly ReadGap[],
): Pick<PolicyInputs, 'calicoTiers' | 'calicoTiersUnread'> {
  const gap = specGap(index, gaps, CALICO_TIERS);
  return gap ? { calicoTiers: [], calicoTiersUnread: gap } : { calicoTiers: calicoTiers(index) };
}

/**
 * The NetworkPolicy enforcers found by their DaemonSets (in the namespaces the live read lists), and
 * EKS Auto Mode's by its ConfigMap. An enforcer elsewhere (a static pod, a node service) goes unseen: its absence is never a
 * certainty, and the step says so.
 */
function enforcers(index: ObjectIndex): PolicyEnforcer[] {
  const daemonSets = index
    .where('DaemonSet', (ds) => enforcerOf(ds) !== undefined)
    .map((ds) => ({
      id: enforcerOf(ds)!,
      source: {
        kind: 'DaemonSet',
        ...(ds.metadata.namespace && { namespace: ds.metadata.namespace }),
        name: ds.metadata.name,
      },
      admin: adminPolicySupport(enforcerOf(ds)!, ds),
    }));
  return [...daemonSets, ...autoModeEnforcer(index)];
}

/**
 * EKS Auto Mode runs its policy agent on the node, not as a DaemonSet: it enforces once the
 * ConfigMap kube-system/amazon-vpc-cni sets `enable-network-policy-controller: "true"` (EKS user
 * guide, "Use Network Policies with EKS Auto Mode", step 1; until then policies are accepted but not
 * enforced). On other EKS nodes the same key only starts the control-plane controller, and the
 * aws-node agent's own flag decides (awsPolicyAgentEnabled), so it counts only with an Auto Mode node.
 * None of SIG Network's admin kinds is implemented (EKS has its own ClusterNetworkPolicy group).
 */
function autoModeEnforcer(index: ObjectIndex): PolicyEnforcer[] {
  if (!hasAutoModeNode(index)) return [];
  const config = index.where(
    'ConfigMap',
    (cm) => cm.metadata.namespace === 'kube-system' && cm.metadata.name === 'amazon-vpc-cni',
  )[0];
  if (getString(getRecord(config, 'data'), 'enable-network-policy-controller') !== 'true') return [];
  return [
    { id: 'eks-auto-mode', source: { kind: 'ConfigMap', namespace: 'kube-system', name: 'amazon-vpc-cni' }, admin: {} },
  ];
}

/**
 * The refused reads an enforcer would have shown in: DaemonSets anywhere, and kube-system's
 * ConfigMaps where an EKS Auto Mode node makes amazon-vpc-cni the switch. Without them, finding
 * no enforcer says nothing about whether one runs.
 */
function enforcerGaps(index: ObjectIndex, gaps: readonly ReadGap[]): ReadGap[] {
  const autoMode = hasAutoModeNode(index);
  return gaps.filter(
    (gap) =>
      gap.resource === 'daemonsets.apps' ||
      (autoMode && gap.resource === 'configmaps' && (gap.namespace ?? 'kube-system') === 'kube-system'),
  );
}

function hasAutoModeNode(index: ObjectIndex): boolean {
  return index.all('Node').some((node) => getString(node.metadata.labels, COMPUTE_TYPE_LABEL) === 'auto');
}

/** Which enforcer a DaemonSet runs, from its name and its containers' images and flags. */
function enforcerOf(ds: KubeObject): string | undefined {
  const name = ds.metadata.name;
  const images = containers(ds).map((c) => ({ container: c, image: getString(c, 'image') ?? '', name: imageName(c) }));
  if (name === 'cilium' || name === 'anetd' || images.some((i) => i.name === 'cilium')) return 'cilium';
  if (name === 'calico-node' || images.some((i) => /(^|\/)calico\/node(:|@|$)/.test(i.image))) return 'calico';
  if (name === 'antrea-agent' || images.some((i) => i.name.startsWith('antrea-agent') || i.name === 'antrea-ubuntu'))
    return 'antrea';
  if (name === 'ovnkube-node') return 'ovn-kubernetes';
  if (name === 'azure-npm' || images.some((i) => i.name === 'azure-npm')) return 'azure-npm';
  if (images.some((i) => i.name === 'kube-network-policies')) return 'kube-network-policies';
  if (name === 'weave-net' || images.some((i) => i.name === 'weave-npc')) return 'weave';
  const router = images.find((i) => i.name === 'kube-router');
  // kube-router: --run-firewall defaults to true (pkg/options/options.go).
  if (router && goBool(parseGoFlags(argvOf(router.container), new Set()).get('run-firewall')) !== false)
    return 'kube-router';
  if (images.some((i) => i.name === 'aws-network-policy-agent' && awsPolicyAgentEnabled(i.container)))
    return 'aws-network-policy-agent';
  return undefined;
}

/**
 * The VPC CNI in strict mode: NETWORK_POLICY_ENFORCING_MODE=strict on the aws-node container starts
 * every pod (not hostNetwork ones) with a default deny (EKS user guide, eks-networking-add-ons:
 * "pods that use the VPC CNI start with a default deny policy").
 */
function vpcCniStrict(index: ObjectIndex): { vpcCniStrict?: PolicyEnforcer['source'] } {
  const strict = index.where(
    'DaemonSet',
    (ds) =>
      ds.metadata.name === 'aws-node' &&
      containers(ds).some((c) =>
        getArray(c, 'env').some(
          (e) => isRecord(e) && e['name'] === 'NETWORK_POLICY_ENFORCING_MODE' && e['value'] === 'strict',
        ),
      ),
  )[0];
  return strict
    ? {
        vpcCniStrict: {
          kind: 'DaemonSet',
          ...(strict.metadata.namespace && { namespace: strict.metadata.namespace }),
          name: strict.metadata.name,
        },
      }
    : {};
}

/** The VPC CNI's policy agent enforces only with --enable-network-policy=true (amazon-vpc-cni-k8s charts, aws-network-policy-agent). */
function awsPolicyAgentEnabled(container: Json): boolean {
  return goBool(parseGoFlags(argvOf(container), new Set()).get('enable-network-policy')) === true;
}
