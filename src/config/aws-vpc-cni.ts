/**
 * The Amazon VPC CNI, from its `aws-node` DaemonSet's environment (aws/amazon-vpc-cni-k8s README,
 * reference/snat-mechanisms.md §4).
 */
import type { AwsVpcCniLayer } from '../model/layers/aws-vpc-cni.ts';
import type { KubeObject, ObjectRef } from '../model/objects.ts';
import type { Finding } from '../model/reasons.ts';
import type { PodInfo } from '../model/snapshot.ts';
import { formatAddress, parseCidr } from '../net/ip.ts';
import { agentScope, containers, goBool, imageName } from './daemonset.ts';
import { getArray, getString, isRecord, refOf } from './objects.ts';
import { daemonSets, referenceDaemonSet, type Detection } from './detection.ts';

export function isAwsNodeDaemonSet(ds: KubeObject): boolean {
  return ds.metadata.name === 'aws-node' || containers(ds).some((c) => imageName(c) === 'amazon-k8s-cni');
}

/** Plain `value` env entries of the CNI container (valueFrom is not a literal the API shows). */
function envOf(ds: KubeObject): Record<string, string> {
  const container = containers(ds).find((c) => imageName(c) === 'amazon-k8s-cni') ?? containers(ds)[0];
  const entries = getArray(container, 'env').filter(isRecord);
  return Object.fromEntries(
    entries.flatMap((e) => {
      const name = getString(e, 'name');
      const value = getString(e, 'value');
      return name && value !== undefined ? [[name, value]] : [];
    }),
  );
}

/** Env entries of the CNI container set through valueFrom: their values are not visible. */
function envFromRefs(ds: KubeObject): Set<string> {
  const container = containers(ds).find((c) => imageName(c) === 'amazon-k8s-cni') ?? containers(ds)[0];
  return new Set(
    getArray(container, 'env')
      .filter(isRecord)
      .flatMap((e) => {
        const name = getString(e, 'name');
        return name && getString(e, 'value') === undefined && isRecord(e['valueFrom']) ? [name] : [];
      }),
  );
}

export function awsVpcCniLayer(ds: KubeObject, pods: readonly PodInfo[], warnings: Finding[] = []): AwsVpcCniLayer {
  const env = envOf(ds);
  const flag = (name: string) => envBool(env, name, false, refOf(ds), warnings);
  return {
    mechanism: 'aws-vpc-cni',
    daemonSet: refOf(ds),
    externalSNAT: flag('AWS_VPC_K8S_CNI_EXTERNALSNAT'),
    excludeSnatCIDRs: excludeSnatCidrs(env['AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS'] ?? '', refOf(ds), warnings),
    // pkg/sgpp/utils.go `LoadEnforcingModeFromEnv`: exactly "strict" or "standard", anything else the default, strict.
    podSecurityGroupMode: env['POD_SECURITY_GROUP_ENFORCING_MODE'] === 'standard' ? 'standard' : 'strict',
    // cmd/aws-vpc-cni/main.go reads both with GetBoolAsStringEnvVar: ENABLE_IPv6 defaults to false,
    // ENABLE_V4_EGRESS (`defaultEnableIPv4Egress`) to true and is read only when ENABLE_IPv6 is on.
    ipv6: flag('ENABLE_IPv6'),
    v4Egress: envFromRefs(ds).has('ENABLE_V4_EGRESS')
      ? 'not-visible'
      : envBool(env, 'ENABLE_V4_EGRESS', true, refOf(ds), warnings),
    scope: agentScope(ds, pods),
  };
}

/**
 * The CNI's boolean environment: pkg/networkutils/network.go `getBoolEnvVar` (EXTERNALSNAT) and
 * utils/utils.go `GetBoolAsStringEnvVar` (ENABLE_IPv6, read so by ipamd and cmd/aws-vpc-cni) both use
 * strconv.ParseBool and, when it fails (`TrUe`, `yes`, `on`, ""), log an error and use the default.
 */
function envBool(
  env: Record<string, string>,
  name: string,
  fallback: boolean,
  source: ObjectRef,
  warnings: Finding[],
): boolean {
  const text = env[name];
  if (text === undefined) return fallback;
  const value = goBool(text);
  if (value !== undefined) return value;
  if (text !== '')
    warnings.push({ code: 'AWS_ENV_BOOL_INVALID', data: { name, value: text, fallback: String(fallback) }, source });
  return fallback;
}

/**
 * pkg/networkutils/network.go `parseCIDRString`: split on ",", TrimSpace, net.ParseCIDR; an entry
 * that fails is logged and skipped, an IPv6 one skipped, the rest kept as Go prints the network
 * (host bits cleared, decimal prefix; an IPv4-mapped block prints as IPv4, To4() being non-nil).
 */
function excludeSnatCidrs(text: string, source: ObjectRef, warnings: Finding[]): string[] {
  if (text === '') return [];
  return text.split(',').flatMap((entry) => {
    const parsed = parseCidr(entry.trim());
    // The agent's behaviour is known (it skips the entry), so the answer stands; the person who wrote it is told.
    if (!parsed) {
      warnings.push({ code: 'AWS_EXCLUDE_SNAT_CIDR_SKIPPED', data: { cidr: entry.trim() }, source });
      return [];
    }
    const { family, first, prefix } = parsed.cidr;
    if (family === 4) return [`${formatAddress(4, first)}/${prefix}`];
    return first >> 32n === 0xffffn ? [`${formatAddress(4, first & 0xffffffffn)}/${prefix - 96}`] : [];
  });
}

export const awsVpcCniDetection: Detection = {
  detect: (i) => ({
    layers: daemonSets(i, isAwsNodeDaemonSet)
      .slice(0, 1)
      .map((ds) => awsVpcCniLayer(ds, i.pods, i.warnings)),
  }),
  force: (i) => ({
    layers: [
      awsVpcCniLayer(
        daemonSets(i, isAwsNodeDaemonSet)[0] ?? referenceDaemonSet('aws-node', 'kube-system', 'amazon-k8s-cni:v1.20.0'),
        i.pods,
        i.warnings,
      ),
    ],
  }),
};
