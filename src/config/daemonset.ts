/**
 * What a datapath agent's DaemonSet tells us: its container's flags, where its config file comes
 * from, and which nodes it runs on. Shared by every agent module (ip-masq-agent today, more later).
 */
import type { KubeObject } from '../model/objects.ts';
import type { NodeScope } from '../model/datapath.ts';
import type { PodInfo } from '../model/snapshot.ts';
import { getArray, getRecord, getString, isRecord, stringMap, type Json } from './objects.ts';

export function containers(ds: KubeObject): Json[] {
  return getArray(ds, 'spec', 'template', 'spec', 'containers').filter(isRecord);
}

/** The image name without registry path, tag or digest: `registry.k8s.io/networking/ip-masq-agent:v2` → `ip-masq-agent`. */
export function imageName(container: Json): string {
  const image = getString(container, 'image') ?? '';
  const last = image.split('/').pop() ?? '';
  return last.split('@')[0]!.split(':')[0]!;
}

/** command[1:] + args, the argv the process sees after its own name. */
export function argvOf(container: Json): string[] {
  const strings = (key: string) => getArray(container, key).filter((a): a is string => typeof a === 'string');
  return [...strings('command').slice(1), ...strings('args')];
}

export type GoFlags = Map<string, string>;

/**
 * Go `flag` package parsing (what ip-masq-agent uses): `-name`, `--name`, `--name=value`, and
 * `--name value` for flags that take a value; parsing stops at the first non-flag argument or `--`.
 * Only the caller's value flags consume the next argument, so the many boolean logging flags
 * (glog/klog `--logtostderr`, …) never swallow the flag after them.
 */
export function parseGoFlags(argv: readonly string[], valueFlags: ReadonlySet<string>): GoFlags {
  const flags: GoFlags = new Map();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--' || !arg.startsWith('-') || arg === '-') break;
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    if (eq >= 0) flags.set(body.slice(0, eq), body.slice(eq + 1));
    else if (valueFlags.has(body)) flags.set(body, argv[++i] ?? '');
    else flags.set(body, 'true');
  }
  return flags;
}

/** klog/glog flags that take a value, which every Kubernetes agent binary registers. */
export const KLOG_VALUE_FLAGS = [
  'v',
  'vmodule',
  'log_dir',
  'log_file',
  'log_file_max_size',
  'stderrthreshold',
  'log_backtrace_at',
];

/** Go's strconv.ParseBool; undefined for anything else (the agent would exit on it). */
export function goBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** Where a file the agent reads comes from: a ConfigMap key, or nothing mounted there. */
export type FileSource =
  | { kind: 'configmap'; configMap: string; key: string; optional: boolean; keyListed: boolean }
  | { kind: 'not-mounted' };

/**
 * Resolves an absolute file path inside the container to the ConfigMap key that kubelet projects
 * there, following volumeMounts (with subPath), configMap and projected volumes and their `items`.
 */
export function fileSource(ds: KubeObject, container: Json, filePath: string): FileSource {
  const volumes = getArray(ds, 'spec', 'template', 'spec', 'volumes').filter(isRecord);
  for (const mount of getArray(container, 'volumeMounts').filter(isRecord)) {
    const mountPath = (getString(mount, 'mountPath') ?? '').replace(/\/+$/, '');
    const subPath = getString(mount, 'subPath');
    const pathInVolume =
      subPath && mountPath === filePath
        ? subPath
        : !subPath && filePath.startsWith(`${mountPath}/`)
          ? filePath.slice(mountPath.length + 1)
          : undefined;
    if (pathInVolume === undefined) continue;
    const volume = volumes.find((v) => getString(v, 'name') === getString(mount, 'name'));
    const sources = volume ? volumeSources(volume) : [];
    for (const source of sources) {
      const found = configMapKeyFor(source, pathInVolume);
      if (found) return found;
    }
    return { kind: 'not-mounted' };
  }
  return { kind: 'not-mounted' };
}

/**
 * Whether a directory exists in the container: something is mounted at it or below it (the runtime
 * creates the mount point's parents), or a volume mounted above it projects a file under it. An
 * image may ship the directory itself; the agents here (Cilium, ip-masq-agent-v2) do not.
 */
export function directoryMounted(ds: KubeObject, container: Json, dir: string): boolean {
  const target = dir.replace(/\/+$/, '');
  return getArray(container, 'volumeMounts')
    .filter(isRecord)
    .some((mount) => {
      const mountPath = (getString(mount, 'mountPath') ?? '').replace(/\/+$/, '');
      if (mountPath === target || mountPath.startsWith(`${target}/`)) return true;
      if (!target.startsWith(`${mountPath}/`) || getString(mount, 'subPath')) return false;
      const volumes = getArray(ds, 'spec', 'template', 'spec', 'volumes').filter(isRecord);
      const volume = volumes.find((v) => getString(v, 'name') === getString(mount, 'name'));
      const under = `${target.slice(mountPath.length + 1)}/`;
      return (volume ? volumeSources(volume) : []).some((source) =>
        getArray(source, 'items')
          .filter(isRecord)
          .some((item) => (getString(item, 'path') ?? '').startsWith(under)),
      );
    });
}

function volumeSources(volume: Json): Json[] {
  const direct = getRecord(volume, 'configMap');
  if (direct) return [direct];
  return getArray(volume, 'projected', 'sources').flatMap((s): Json[] => {
    const cm = getRecord(s, 'configMap');
    return cm ? [cm] : [];
  });
}

function configMapKeyFor(source: Json, pathInVolume: string): FileSource | undefined {
  const configMap = getString(source, 'name') ?? '';
  const optional = source['optional'] === true;
  const items = getArray(source, 'items').filter(isRecord);
  if (items.length === 0) return { kind: 'configmap', configMap, key: pathInVolume, optional, keyListed: false };
  const item = items.find((i) => getString(i, 'path') === pathInVolume);
  const key = item && getString(item, 'key');
  return key ? { kind: 'configmap', configMap, key, optional, keyListed: true } : undefined;
}

/**
 * The nodes the agent runs on: where its pods are when the input has them, otherwise where its
 * nodeSelector allows (the caller reports that this is an inference).
 */
export function agentScope(ds: KubeObject, pods: readonly PodInfo[]): NodeScope {
  const own = pods.filter(
    (p) =>
      p.namespace === ds.metadata.namespace &&
      p.workload.kind === 'DaemonSet' &&
      p.workload.name === ds.metadata.name &&
      p.nodeName,
  );
  if (own.length > 0) return { basis: 'agent-pods', nodes: [...new Set(own.map((p) => p.nodeName!))].sort() };
  return { basis: 'node-selector', selector: stringMap(getRecord(ds, 'spec', 'template', 'spec', 'nodeSelector')) };
}
