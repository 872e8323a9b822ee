/**
 * Which NetworkPolicy enforcers implement the admin policy kinds, and whether this one does — from
 * what the tool reads of it (its DaemonSet's flags). Where it depends on a version or a setting
 * the tool does not read, `unknown`: the engine then answers only what holds either way.
 * Sources, per enforcer:
 * - kube-network-policies (kubernetes-sigs): since v1.0 one image per API (Makefile, Dockerfile
 *   TARGET_BUILD): tag suffix `-npa-v1alpha1` implements AdminNetworkPolicy and
 *   BaselineAdminNetworkPolicy (cmd/kube-network-policies/npa-v1alpha1), `-npa-v1alpha2`
 *   ClusterNetworkPolicy (npa-v1alpha2), the plain tag neither (standard); before, one binary with
 *   flags `--admin-network-policy` and `--baseline-admin-network-policy`, both default false.
 * - OVN-Kubernetes: implements AdminNetworkPolicy and BaselineAdminNetworkPolicy
 *   (docs/features/network-security-controls/admin-network-policy.md) when started with
 *   `--enable-admin-network-policy` (OpenShift turns it on); on the ovnkube-node DaemonSet the flag
 *   may be set through ovnkube.sh's environment instead, which is not read → unknown unless the
 *   flag is in its args.
 * - Antrea: since v1.13, behind the `AdminNetworkPolicy` feature gate of antrea-controller (alpha,
 *   off by default; docs/admin-network-policy.md) — the controller's configuration is not read → unknown.
 * - Calico: AdminNetworkPolicy from v3.29, BaselineAdminNetworkPolicy from v3.30, ClusterNetworkPolicy
 *   in later releases (tigera docs "policy tiers": tiers adminnetworkpolicy, kube-admin) — the
 *   version is not worked out here → unknown.
 * - Cilium, kube-router, Weave, Azure NPM, the VPC CNI's policy agent: none of the three kinds
 *   (their policy controllers watch NetworkPolicy and their own CRDs only) → no.
 */
import type { AdminPolicyKind, AdminSupport } from '../model/admin-policy.ts';
import type { KubeObject } from '../model/objects.ts';
import { argvOf, containers, goBool, imageName, parseGoFlags } from './daemonset.ts';
import { getString } from './objects.ts';

type Support = Partial<Record<AdminPolicyKind, AdminSupport>>;

const ALL_UNKNOWN: Support = {
  AdminNetworkPolicy: 'unknown',
  BaselineAdminNetworkPolicy: 'unknown',
  ClusterNetworkPolicy: 'unknown',
};

/** `id`: the enforcer found by the DaemonSet (config/policy-inputs.ts). Kinds left out: not implemented. */
export function adminPolicySupport(id: string, ds: KubeObject): Support {
  switch (id) {
    case 'kube-network-policies':
      return kubeNetworkPolicies(ds);
    case 'ovn-kubernetes': {
      const on = flag(ds, 'enable-admin-network-policy') ? 'yes' : 'unknown';
      return { AdminNetworkPolicy: on, BaselineAdminNetworkPolicy: on, ClusterNetworkPolicy: 'unknown' };
    }
    case 'antrea':
      return { ...ALL_UNKNOWN };
    case 'calico':
      return { ...ALL_UNKNOWN };
    default:
      return {};
  }
}

function kubeNetworkPolicies(ds: KubeObject): Support {
  const tags = containers(ds)
    .filter((c) => imageName(c) === 'kube-network-policies')
    .map((c) => (getString(c, 'image') ?? '').split('@')[0]!.split(':').pop() ?? '');
  if (tags.some((t) => t.endsWith('-npa-v1alpha2'))) return { ClusterNetworkPolicy: 'yes' };
  if (tags.some((t) => t.endsWith('-npa-v1alpha1')))
    return { AdminNetworkPolicy: 'yes', BaselineAdminNetworkPolicy: 'yes' };
  return {
    ...(flag(ds, 'admin-network-policy') && { AdminNetworkPolicy: 'yes' }),
    ...(flag(ds, 'baseline-admin-network-policy') && { BaselineAdminNetworkPolicy: 'yes' }),
  };
}

/** A boolean Go flag set to true in any container's args; a leading program path in `args` (kube-network-policies' `/bin/netpol`) is skipped. */
function flag(ds: KubeObject, name: string): boolean {
  return containers(ds).some((c) => {
    const argv = argvOf(c);
    const start = argv.findIndex((a) => a.startsWith('-'));
    return start >= 0 && goBool(parseGoFlags(argv.slice(start), new Set()).get(name)) === true;
  });
}
