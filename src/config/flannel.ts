/**
 * flannel: the kube-flannel DaemonSet's `--ip-masq` and the Network of net-conf.json in the
 * kube-flannel-cfg ConfigMap (flannel-io/flannel Documentation/kube-flannel.yml; reference §6.1).
 */
import type { FlannelLayer } from '../model/layers/flannel.ts';
import type { KubeObject } from '../model/objects.ts';
import type { PodInfo } from '../model/snapshot.ts';
import { agentScope, argvOf, containers, goBool, imageName, KLOG_VALUE_FLAGS, parseGoFlags } from './daemonset.ts';
import type { Finding } from '../model/reasons.ts';
import { parseCidr } from '../net/ip.ts';
import { invalidAddressWarnings } from './addresses.ts';
import { getRecord, isRecord, refOf, stringMap, type ObjectIndex } from './objects.ts';
import { daemonSets, type Detection } from './detection.ts';

const CONFIG_MAP = 'kube-flannel-cfg';
const VALUE_FLAGS = new Set([
  'iface',
  'iface-regex',
  'subnet-file',
  'public-ip',
  'etcd-endpoints',
  'kube-subnet-mgr-namespace',
  ...KLOG_VALUE_FLAGS,
]);

export function isFlannelDaemonSet(ds: KubeObject): boolean {
  return containers(ds).some((c) => ['flannel', 'flanneld'].includes(imageName(c)));
}

export function flannelLayer(
  ds: KubeObject | undefined,
  index: ObjectIndex,
  pods: readonly PodInfo[],
  warnings: Finding[] = [],
): FlannelLayer {
  const namespace =
    ds?.metadata.namespace ??
    index.where('ConfigMap', (c) => c.metadata.name === CONFIG_MAP)[0]?.metadata.namespace ??
    'kube-flannel';
  const container =
    ds && (containers(ds).find((c) => ['flannel', 'flanneld'].includes(imageName(c))) ?? containers(ds)[0]);
  // flanneld's --ip-masq defaults to false in the binary; the stock manifest passes it.
  const ipMasq = container ? (goBool(parseGoFlags(argvOf(container), VALUE_FLAGS).get('ip-masq')) ?? false) : true;
  const configSource = { kind: 'ConfigMap', namespace, name: CONFIG_MAP, key: 'net-conf.json' };
  const layer: FlannelLayer = {
    mechanism: 'flannel',
    ipMasq,
    configSource,
    scope: ds ? agentScope(ds, pods) : { basis: 'all-nodes' },
  };
  if (ds) layer.daemonSet = refOf(ds);
  const netConf = parseNetConf(
    stringMap(getRecord(index.get('ConfigMap', namespace, CONFIG_MAP), 'data'))['net-conf.json'],
  );
  if (netConf.network) layer.network = netConf.network;
  if (netConf.ipv6Network) layer.ipv6Network = netConf.ipv6Network;
  for (const [key, value, family] of [
    ['Network', netConf.network, 4],
    ['IPv6Network', netConf.ipv6Network, 6],
  ] as const) {
    if (value === undefined || parseCidr(value)?.cidr.family === family) continue;
    warnings.push(
      ...invalidAddressWarnings(configSource, [
        { kind: `flannel ${key} CIDR`, field: `net-conf.json ${key}`, value, hides: [family] },
      ]),
    );
  }
  return layer;
}

function parseNetConf(text: string | undefined): { network?: string; ipv6Network?: string } {
  if (!text) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (!isRecord(value)) return {};
    const out: { network?: string; ipv6Network?: string } = {};
    if (typeof value['Network'] === 'string') out.network = value['Network'];
    if (typeof value['IPv6Network'] === 'string') out.ipv6Network = value['IPv6Network'];
    return out;
  } catch {
    return {};
  }
}

export const flannelDetection: Detection = {
  detect: (i) => ({
    layers: daemonSets(i, isFlannelDaemonSet)
      .slice(0, 1)
      .map((ds) => flannelLayer(ds, i.index, i.pods, i.warnings)),
  }),
  force: (i) => ({ layers: [flannelLayer(daemonSets(i, isFlannelDaemonSet)[0], i.index, i.pods, i.warnings)] }),
  reads: { namespaces: ['kube-flannel'] },
};
