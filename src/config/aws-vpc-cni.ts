/**
 * The Amazon VPC CNI, from its `aws-node` DaemonSet's environment (aws/amazon-vpc-cni-k8s README,
 * reference/snat-mechanisms.md §4).
 */
import type { AwsVpcCniLayer } from '../model/layers/aws-vpc-cni.ts';
import type { KubeObject } from '../model/objects.ts';
import type { PodInfo } from '../model/snapshot.ts';
import { agentScope, containers, imageName } from './daemonset.ts';
import { getArray, getString, isRecord, refOf } from './objects.ts';
import { daemonSets, referenceDaemonSet, type Detection } from './detection.ts';

export function isAwsNodeDaemonSet(ds: KubeObject): boolean {
  return ds.metadata.name === 'aws-node' || containers(ds).some((c) => imageName(c) === 'amazon-k8s-cni');
}

/** Plain `value` env entries of the CNI container (valueFrom is not a literal the API shows). */
function envOf(ds: KubeObject): Record<string, string> {
  const container = containers(ds).find((c) => imageName(c) === 'amazon-k8s-cni') ?? containers(ds)[0];
  const entries = getArray(container, 'env').filter(isRecord);
  return Object.fromEntries(entries.flatMap((e) => {
    const name = getString(e, 'name');
    const value = getString(e, 'value');
    return name && value !== undefined ? [[name, value]] : [];
  }));
}

/** Env entries of the CNI container set through valueFrom: their values are not visible. */
function envFromRefs(ds: KubeObject): Set<string> {
  const container = containers(ds).find((c) => imageName(c) === 'amazon-k8s-cni') ?? containers(ds)[0];
  return new Set(getArray(container, 'env').filter(isRecord).flatMap((e) => {
    const name = getString(e, 'name');
    return name && getString(e, 'value') === undefined && isRecord(e['valueFrom']) ? [name] : [];
  }));
}

/**
 * utils/utils.go `GetBoolAsStringEnvVar`: strconv.ParseBool of the value, and the default when it
 * is unset or does not parse.
 */
function goBool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return fallback;
}

export function awsVpcCniLayer(ds: KubeObject, pods: readonly PodInfo[]): AwsVpcCniLayer {
  const env = envOf(ds);
  const truthy = (key: string) => (env[key] ?? '').toLowerCase() === 'true';
  return {
    mechanism: 'aws-vpc-cni',
    daemonSet: refOf(ds),
    externalSNAT: truthy('AWS_VPC_K8S_CNI_EXTERNALSNAT'),
    excludeSnatCIDRs: (env['AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS'] ?? '').split(',').map((c) => c.trim()).filter(Boolean),
    podSecurityGroupMode: (env['POD_SECURITY_GROUP_ENFORCING_MODE'] ?? 'strict') === 'standard' ? 'standard' : 'strict',
    // cmd/aws-vpc-cni/main.go reads both with GetBoolAsStringEnvVar: ENABLE_IPv6 defaults to false,
    // ENABLE_V4_EGRESS (`defaultEnableIPv4Egress`) to true and is read only when ENABLE_IPv6 is on.
    ipv6: goBool(env['ENABLE_IPv6'], false),
    v4Egress: envFromRefs(ds).has('ENABLE_V4_EGRESS') ? 'not-visible' : goBool(env['ENABLE_V4_EGRESS'], true),
    scope: agentScope(ds, pods),
  };
}

export const awsVpcCniDetection: Detection = {
  detect: (i) => ({ layers: daemonSets(i, isAwsNodeDaemonSet).slice(0, 1).map((ds) => awsVpcCniLayer(ds, i.pods)) }),
  force: (i) => ({ layers: [awsVpcCniLayer(daemonSets(i, isAwsNodeDaemonSet)[0] ?? referenceDaemonSet('aws-node', 'kube-system', 'amazon-k8s-cni:v1.20.0'), i.pods)] }),
  isAgent: isAwsNodeDaemonSet,
};
