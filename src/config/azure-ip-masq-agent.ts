/**
 * Azure's ip-masq-agent-v2 (Azure/ip-masq-agent-v2 cmd/ip-masq-agent-v2/ip-masq-agent.go @45758a6): every
 * file in /etc/config whose name starts with `ip-masq` — as the DaemonSet's volumes and mounts put
 * them there, whatever the ConfigMaps are called — is read and merged — CIDR lists unioned,
 * booleans OR'd — starting from an empty config; the defaults apply only when no such file exists;
 * any bad file, or no /etc/config directory at all, makes the agent exit, so its rules are unknown
 * (reference/snat-mechanisms.md §3.1).
 */
import type { AgentConfig, MasqRules } from '../model/datapath.ts';
import type { AzureIpMasqAgentLayer } from '../model/layers/azure-ip-masq-agent.ts';
import type { KubeObject, ObjectRef } from '../model/objects.ts';
import type { Finding } from '../model/reasons.ts';
import type { PodInfo } from '../model/snapshot.ts';
import type { ReadGap } from '../model/gaps.ts';
import type { ReasonCode } from '../model/reasons.ts';
import {
  agentScope,
  argvOf,
  containers,
  fileSource,
  goBool,
  imageName,
  KLOG_VALUE_FLAGS,
  parseGoFlags,
} from './daemonset.ts';
import { configMapUnread } from './gaps.ts';
import { agentDefaults, parseAgentFile } from './ip-masq-agent-file.ts';
import { getArray, getRecord, getString, isRecord, refOf, stringMap, type Json, type ObjectIndex } from './objects.ts';
import { daemonSets, orReference, referenceDaemonSet, type Detection } from './detection.ts';
import { compareText } from './text-order.ts';

const VALUE_FLAGS = new Set(['masq-chain', 'resync-interval', ...KLOG_VALUE_FLAGS]);
/** `configPath` and `configFilePrefix` in cmd/ip-masq-agent-v2/ip-masq-agent.go. */
const CONFIG_DIR = '/etc/config';
const FILE_PREFIX = 'ip-masq';

export function isAzureIpMasqAgentDaemonSet(ds: KubeObject): boolean {
  return ds.metadata.name === 'azure-ip-masq-agent' || containers(ds).some((c) => imageName(c) === 'ip-masq-agent-v2');
}

export function azureIpMasqAgentLayer(
  ds: KubeObject,
  index: ObjectIndex,
  pods: readonly PodInfo[],
  gaps: readonly ReadGap[] = [],
  warnings: Finding[] = [],
): AzureIpMasqAgentLayer {
  const container = containers(ds).find((c) => imageName(c) === 'ip-masq-agent-v2') ?? containers(ds)[0] ?? {};
  const flags = parseGoFlags(argvOf(container), VALUE_FLAGS);
  const nomasqAllReservedRanges = goBool(flags.get('nomasq-all-reserved-ranges')) ?? false;
  const enableIPv6 = goBool(flags.get('enable-ipv6')) ?? false;
  const listing = listConfigDir(ds, container, index, gaps);
  const files = listing.ok ? listing.files : [];
  return {
    mechanism: 'azure-ip-masq-agent',
    daemonSet: refOf(ds),
    chain: flags.get('masq-chain') || 'IP-MASQ-AGENT',
    enableIPv6,
    config: listing.ok
      ? merge(files, { nomasqAllReservedRanges, enableIPv6 }, refOf(ds), warnings)
      : {
          status: 'invalid',
          because: listing.because,
          detail: `${listing.detail}; the agent exits and crash-loops`,
          source: listing.source,
        },
    files: files.map((f) => f.ref),
    scope: agentScope(ds, pods),
  };
}

interface ConfigFile {
  ref: ObjectRef;
  text: string;
}

/** What the agent finds in /etc/config: its ip-masq* files, or why it cannot read them (it exits). */
type Listing =
  | { ok: true; files: ConfigFile[] }
  | { ok: false; because: ReasonCode; detail: string; source: ObjectRef };

/**
 * `syncConfig` does `ReadDir("/etc/config/")` — an error when the directory does not exist — then
 * `ReadFile` on every entry whose name starts with `ip-masq` (an error on a directory). So the
 * directory the container sees decides: the volume mounted at /etc/config (configMap, projected or
 * emptyDir), plus mounts below it, which add entries of their own.
 */
function listConfigDir(ds: KubeObject, container: Json, index: ObjectIndex, gaps: readonly ReadGap[]): Listing {
  const namespace = ds.metadata.namespace ?? 'kube-system';
  const dsRef = refOf(ds);
  const volumes = getArray(ds, 'spec', 'template', 'spec', 'volumes').filter(isRecord);
  const files: ConfigFile[] = [];
  let exists = false;
  for (const mount of getArray(container, 'volumeMounts').filter(isRecord)) {
    const mountPath = (getString(mount, 'mountPath') ?? '').replace(/\/+$/, '');
    const volume = volumes.find((v) => getString(v, 'name') === getString(mount, 'name'));
    const subPath = getString(mount, 'subPath');
    if (CONFIG_DIR.startsWith(`${mountPath}/`)) {
      return {
        ok: false,
        because: 'AGENT_CONFIG_DIR_UNSURE',
        detail: `volume ${getString(mount, 'name')} mounted at ${mountPath} decides what ${CONFIG_DIR} holds`,
        source: dsRef,
      };
    }
    if (mountPath === CONFIG_DIR) {
      exists = true;
      if (subPath || !volume)
        return {
          ok: false,
          because: 'AGENT_CONFIG_DIR_UNSURE',
          detail: `${CONFIG_DIR} comes from ${subPath ? `subPath ${subPath} of ` : ''}volume ${getString(mount, 'name')}`,
          source: dsRef,
        };
      const listed = volumeFiles(volume, namespace, index, gaps, dsRef);
      if (!listed.ok) return listed;
      files.push(...listed.files);
      continue;
    }
    if (!mountPath.startsWith(`${CONFIG_DIR}/`)) continue;
    // A mount below /etc/config makes the directory (the runtime creates it) and an entry in it.
    exists = true;
    const rest = mountPath.slice(CONFIG_DIR.length + 1);
    const entry = rest.split('/')[0]!;
    if (!entry.startsWith(FILE_PREFIX)) continue;
    const source = rest.includes('/') || !subPath ? undefined : fileSource(ds, container, mountPath);
    if (!source || source.kind !== 'configmap') {
      return {
        ok: false,
        because: 'AGENT_CONFIG_DIR_UNSURE',
        detail: `${CONFIG_DIR}/${entry} is ${source ? 'not a ConfigMap key' : 'a directory, which the agent cannot read as a file'}`,
        source: dsRef,
      };
    }
    const listed = configMapFiles(
      { name: source.configMap, optional: source.optional, items: [{ key: source.key, path: entry }] },
      namespace,
      index,
      gaps,
    );
    if (!listed.ok) return listed;
    files.push(...listed.files);
  }
  if (!exists) {
    return {
      ok: false,
      because: 'AGENT_CONFIG_DIR_NOT_MOUNTED',
      detail: `nothing is mounted at ${CONFIG_DIR} in DaemonSet ${ds.metadata.name}: ReadDir("/etc/config/") fails`,
      source: dsRef,
    };
  }
  return {
    ok: true,
    files: files.sort((a, b) => compareText(`${a.ref.name}/${a.ref.key}`, `${b.ref.name}/${b.ref.key}`)),
  };
}

/** The ip-masq* files a volume projects at its top level. */
function volumeFiles(
  volume: Json,
  namespace: string,
  index: ObjectIndex,
  gaps: readonly ReadGap[],
  dsRef: ObjectRef,
): Listing {
  if (getRecord(volume, 'emptyDir')) return { ok: true, files: [] };
  const direct = getRecord(volume, 'configMap');
  if (direct) return configMapFiles(direct, namespace, index, gaps);
  const projected = getRecord(volume, 'projected');
  if (!projected)
    return {
      ok: false,
      because: 'AGENT_CONFIG_DIR_UNSURE',
      detail: `volume ${getString(volume, 'name')} is not a ConfigMap, projected or emptyDir volume`,
      source: dsRef,
    };
  const files: ConfigFile[] = [];
  for (const source of getArray(projected, 'sources').filter(isRecord)) {
    const cm = getRecord(source, 'configMap');
    if (cm) {
      const listed = configMapFiles(cm, namespace, index, gaps);
      if (!listed.ok) return listed;
      files.push(...listed.files);
      continue;
    }
    // Other sources (secret, downwardAPI, serviceAccountToken): only their declared paths are known.
    const paths = Object.values(source)
      .filter(isRecord)
      .flatMap((s) => {
        const own = getString(s, 'path');
        const items = getArray(s, 'items')
          .filter(isRecord)
          .map((i) => getString(i, 'path'));
        return own !== undefined ? [own, ...items] : items.length > 0 ? items : [undefined];
      });
    const declared = paths.length > 0 && paths.every((p) => p !== undefined);
    if (!declared || paths.some((p) => p!.startsWith(FILE_PREFIX))) {
      return {
        ok: false,
        because: 'AGENT_CONFIG_DIR_UNSURE',
        detail: `volume ${getString(volume, 'name')} projects ${Object.keys(source).join(', ')} content that the cluster objects read do not show`,
        source: dsRef,
      };
    }
  }
  return { ok: true, files };
}

/** kubelet: a missing non-optional ConfigMap (or listed key) keeps the pod from starting. */
function configMapFiles(source: Json, namespace: string, index: ObjectIndex, gaps: readonly ReadGap[]): Listing {
  const name = getString(source, 'name') ?? '';
  const optional = source['optional'] === true;
  const cm = index.get('ConfigMap', namespace, name);
  const ref = { kind: 'ConfigMap', namespace, name };
  if (!cm) {
    const unread = configMapUnread(gaps, namespace);
    if (unread) return { ok: false, ...unread, source: ref };
    return optional
      ? { ok: true, files: [] }
      : { ok: false, because: 'AGENT_CONFIGMAP_REQUIRED_MISSING', detail: `ConfigMap ${name} not found`, source: ref };
  }
  const data = stringMap(getRecord(cm, 'data'));
  const items = getArray(source, 'items').filter(isRecord);
  const mapped =
    items.length > 0
      ? items.map((i) => [getString(i, 'key') ?? '', getString(i, 'path') ?? ''] as const)
      : Object.keys(data).map((k) => [k, k] as const);
  const files: ConfigFile[] = [];
  for (const [key, path] of mapped) {
    if (data[key] === undefined) {
      if (!optional)
        return {
          ok: false,
          because: 'AGENT_CONFIGMAP_REQUIRED_MISSING',
          detail: `key ${key} not found`,
          source: { ...ref, key },
        };
      continue;
    }
    const entry = path.split('/')[0]!;
    if (!entry.startsWith(FILE_PREFIX)) continue;
    if (path.includes('/'))
      return {
        ok: false,
        because: 'AGENT_CONFIG_DIR_UNSURE',
        detail: `${CONFIG_DIR}/${entry} is a directory, which the agent cannot read as a file`,
        source: { ...ref, key },
      };
    files.push({ ref: { ...ref, key }, text: data[key]! });
  }
  return { ok: true, files };
}

function merge(
  files: ConfigFile[],
  flags: { nomasqAllReservedRanges: boolean; enableIPv6: boolean },
  dsRef: ObjectRef,
  warnings: Finding[],
): AgentConfig {
  if (files.length === 0)
    return {
      status: 'valid',
      origin: 'defaults',
      because: 'AGENT_DEFAULTS_CONFIGMAP_MISSING',
      rules: agentDefaults(flags.nomasqAllReservedRanges),
      source: dsRef,
    };
  const merged: MasqRules = { nonMasqueradeCIDRs: [], masqLinkLocal: false, masqLinkLocalIPv6: false };
  // Each file is decoded onto an empty config (a file without CIDRs adds none) and checked alone: 64 CIDRs at most.
  const dialect = {
    base: { nonMasqueradeCIDRs: [], masqLinkLocal: false, masqLinkLocalIPv6: false, cidrLimit: 64 },
    v1Keys: false,
  };
  for (const file of files) {
    const parsed = parseAgentFile(file.text, flags, dialect);
    if (!parsed.ok) {
      const detail = `${file.ref.name}/${file.ref.key}: ${parsed.detail}; the agent exits and crash-loops`;
      return {
        status: 'invalid',
        because: 'AGENT_CONFIG_INVALID',
        detail,
        source: file.ref,
        ...(parsed.issue ? { issue: parsed.issue } : {}),
      };
    }
    // The same iptables-restore as the upstream agent: a zero-padded prefix is installed as octal.
    for (const { written, installed } of parsed.rewritten)
      warnings.push({ code: 'AGENT_CIDR_PREFIX_OCTAL', data: { written, installed }, source: file.ref });
    merged.nonMasqueradeCIDRs.push(...parsed.rules.nonMasqueradeCIDRs);
    merged.masqLinkLocal ||= parsed.rules.masqLinkLocal;
    merged.masqLinkLocalIPv6 ||= parsed.rules.masqLinkLocalIPv6;
  }
  merged.nonMasqueradeCIDRs = [...new Set(merged.nonMasqueradeCIDRs)].sort();
  return { status: 'valid', origin: 'file', rules: merged, ignoredKeys: [], source: files[0]!.ref };
}

/**
 * --datapath azure-ip-masq-agent without a visible DaemonSet: AKS's layout (MicrosoftDocs
 * azure-aks-docs update-azure-cni.md names the ConfigMaps), a projected volume at /etc/config as in
 * the v2 repo's examples/ip-masq-agent.yaml.
 */
const aksAgent = () =>
  referenceDaemonSet(
    'azure-ip-masq-agent',
    'kube-system',
    'mcr.microsoft.com/aks/ip-masq-agent-v2:v0.1.15',
    [],
    [
      {
        name: 'config',
        projected: {
          sources: [
            {
              configMap: {
                name: 'azure-ip-masq-agent-config',
                optional: true,
                items: [{ key: 'ip-masq-agent', path: 'ip-masq-agent' }],
              },
            },
            {
              configMap: {
                name: 'azure-ip-masq-agent-config-reconciled',
                optional: true,
                items: [{ key: 'ip-masq-agent-reconciled', path: 'ip-masq-agent-reconciled' }],
              },
            },
          ],
        },
      },
    ],
  );

export const azureIpMasqAgentDetection: Detection = {
  detect: (i) => ({
    layers: daemonSets(i, isAzureIpMasqAgentDaemonSet).map((ds) =>
      azureIpMasqAgentLayer(ds, i.index, i.pods, i.gaps, i.warnings),
    ),
  }),
  force: (i) => ({
    layers: orReference(daemonSets(i, isAzureIpMasqAgentDaemonSet), aksAgent).map((ds) =>
      azureIpMasqAgentLayer(ds, i.index, i.pods, i.gaps, i.warnings),
    ),
  }),
};
