/**
 * Azure's ip-masq-agent-v2 (Azure/ip-masq-agent-v2 cmd/ip-masq-agent-v2/ip-masq-agent.go): every
 * file in /etc/config whose name starts with `ip-masq` is read and merged — CIDR lists unioned,
 * booleans OR'd — starting from an empty config; the defaults apply only when no such file exists;
 * any bad file makes the agent exit, so its rules are unknown (reference/snat-mechanisms.md §3.1).
 */
import type { AgentConfig, MasqRules } from '../model/datapath.ts';
import type { AzureIpMasqAgentLayer } from '../model/layers/azure-ip-masq-agent.ts';
import type { KubeObject, ObjectRef } from '../model/objects.ts';
import type { Finding } from '../model/reasons.ts';
import type { PodInfo } from '../model/snapshot.ts';
import { agentScope, argvOf, containers, goBool, imageName, KLOG_VALUE_FLAGS, parseGoFlags } from './daemonset.ts';
import { agentDefaults, parseAgentFile } from './ip-masq-agent-file.ts';
import { getArray, getRecord, getString, isRecord, refOf, stringMap, type Json, type ObjectIndex } from './objects.ts';
import { daemonSets, orReference, referenceDaemonSet, type Detection } from './detection.ts';

const VALUE_FLAGS = new Set(['masq-chain', 'resync-interval', ...KLOG_VALUE_FLAGS]);
/** AKS's ConfigMaps (MicrosoftDocs azure-aks-docs update-azure-cni.md): the reconciled one and the user's. */
const AKS_CONFIG_MAP_PREFIX = 'azure-ip-masq-agent-config';

export function isAzureIpMasqAgentDaemonSet(ds: KubeObject): boolean {
  return ds.metadata.name === 'azure-ip-masq-agent' || containers(ds).some((c) => imageName(c) === 'ip-masq-agent-v2');
}

export function azureIpMasqAgentLayer(ds: KubeObject, index: ObjectIndex, pods: readonly PodInfo[], warnings: Finding[] = []): AzureIpMasqAgentLayer {
  const flags = parseGoFlags(argvOf(containers(ds)[0] ?? {}), VALUE_FLAGS);
  const nomasqAllReservedRanges = goBool(flags.get('nomasq-all-reserved-ranges')) ?? false;
  const enableIPv6 = goBool(flags.get('enable-ipv6')) ?? false;
  const files = configFiles(ds, index);
  return {
    mechanism: 'azure-ip-masq-agent',
    daemonSet: refOf(ds),
    chain: flags.get('masq-chain') || 'IP-MASQ-AGENT',
    enableIPv6,
    config: merge(files, { nomasqAllReservedRanges, enableIPv6 }, refOf(ds), warnings),
    files: files.map((f) => f.ref),
    scope: agentScope(ds, pods),
  };
}

interface ConfigFile {
  ref: ObjectRef;
  text: string;
}

/** The files the agent sees: ConfigMap keys projected into /etc/config under names starting with ip-masq. */
function configFiles(ds: KubeObject, index: ObjectIndex): ConfigFile[] {
  const namespace = ds.metadata.namespace ?? 'kube-system';
  const volumes = getArray(ds, 'spec', 'template', 'spec', 'volumes').filter(isRecord);
  const sources = volumes.flatMap((v): Json[] => {
    const direct = getRecord(v, 'configMap');
    if (direct) return [direct];
    return getArray(v, 'projected', 'sources').flatMap((s): Json[] => {
      const cm = getRecord(s, 'configMap');
      return cm ? [cm] : [];
    });
  });
  // Without a readable volume spec, fall back to AKS's ConfigMap names with every key as a file.
  const effective = sources.length > 0 ? sources
    : index.all('ConfigMap').filter((c) => c.metadata.namespace === namespace && c.metadata.name.startsWith(AKS_CONFIG_MAP_PREFIX)).map((c) => ({ name: c.metadata.name }));
  return effective.flatMap((source) => {
    const name = getString(source, 'name') ?? '';
    const data = stringMap(getRecord(index.get('ConfigMap', namespace, name), 'data'));
    const items = getArray(source, 'items').filter(isRecord);
    const mapped = items.length > 0 ? items.map((i) => [getString(i, 'key') ?? '', getString(i, 'path') ?? ''] as const) : Object.keys(data).map((k) => [k, k] as const);
    return mapped.filter(([key, path]) => path.startsWith('ip-masq') && data[key] !== undefined)
      .map(([key]) => ({ ref: { kind: 'ConfigMap', namespace, name, key }, text: data[key]! }));
  }).sort((a, b) => `${a.ref.name}/${a.ref.key}`.localeCompare(`${b.ref.name}/${b.ref.key}`));
}

function merge(files: ConfigFile[], flags: { nomasqAllReservedRanges: boolean; enableIPv6: boolean }, dsRef: ObjectRef, warnings: Finding[]): AgentConfig {
  if (files.length === 0) return { status: 'valid', origin: 'defaults', because: 'AGENT_DEFAULTS_CONFIGMAP_MISSING', rules: agentDefaults(flags.nomasqAllReservedRanges), source: dsRef };
  const merged: MasqRules = { nonMasqueradeCIDRs: [], masqLinkLocal: false, masqLinkLocalIPv6: false };
  // Each file is decoded onto an empty config (a file without CIDRs adds none) and checked alone: 64 CIDRs at most.
  const dialect = { base: { nonMasqueradeCIDRs: [], masqLinkLocal: false, masqLinkLocalIPv6: false, cidrLimit: 64 }, v1Keys: false };
  for (const file of files) {
    const parsed = parseAgentFile(file.text, flags, dialect);
    if (!parsed.ok) {
      const detail = `${file.ref.name}/${file.ref.key}: ${parsed.detail}; the agent exits and crash-loops`;
      return { status: 'invalid', because: 'AGENT_CONFIG_INVALID', detail, source: file.ref, ...(parsed.issue ? { issue: parsed.issue } : {}) };
    }
    // The same iptables-restore as the upstream agent: a zero-padded prefix is installed as octal.
    for (const { written, installed } of parsed.rewritten) warnings.push({ code: 'AGENT_CIDR_PREFIX_OCTAL', data: { written, installed }, source: file.ref });
    merged.nonMasqueradeCIDRs.push(...parsed.rules.nonMasqueradeCIDRs);
    merged.masqLinkLocal ||= parsed.rules.masqLinkLocal;
    merged.masqLinkLocalIPv6 ||= parsed.rules.masqLinkLocalIPv6;
  }
  merged.nonMasqueradeCIDRs = [...new Set(merged.nonMasqueradeCIDRs)].sort();
  return { status: 'valid', origin: 'file', rules: merged, ignoredKeys: [], source: files[0]!.ref };
}

export const azureIpMasqAgentDetection: Detection = {
  detect: (i) => ({ layers: daemonSets(i, isAzureIpMasqAgentDaemonSet).map((ds) => azureIpMasqAgentLayer(ds, i.index, i.pods, i.warnings)) }),
  force: (i) => ({ layers: orReference(daemonSets(i, isAzureIpMasqAgentDaemonSet), () => referenceDaemonSet('azure-ip-masq-agent', 'kube-system', 'mcr.microsoft.com/aks/ip-masq-agent-v2:v0.1.15'))
    .map((ds) => azureIpMasqAgentLayer(ds, i.index, i.pods, i.warnings)) }),
  isAgent: isAzureIpMasqAgentDaemonSet,
};
