/**
 * How a mechanism is found in the objects a person would look at (DaemonSets, ConfigMaps, CRDs,
 * node providerIDs), and how it is built when --datapath names it although its objects are not
 * visible (then from the component's reference manifest, so its defaults apply). Each mechanism's
 * config file exports one; the engine's registry lists them in nat POSTROUTING order.
 */
import type { CiliumDatapath, GatewayLayer, SnatLayer } from '../model/datapath.ts';
import type { ReadGap } from '../model/gaps.ts';
import type { KubeObject } from '../model/objects.ts';
import type { Finding } from '../model/reasons.ts';
import type { NodeInfo, PodInfo } from '../model/snapshot.ts';
import type { ResourceSpec } from '../model/resources.ts';
import type { ObjectIndex } from './objects.ts';

export interface DetectInputs {
  index: ObjectIndex;
  nodes: readonly NodeInfo[];
  pods: readonly PodInfo[];
  gaps: readonly ReadGap[];
  noDefaultSnat: boolean;
  warnings: Finding[];
}

export interface Built {
  layers: SnatLayer[];
  /** Egress gateways that come with the mechanism (Cilium's policies, Calico Enterprise's annotations). */
  gateways?: GatewayLayer[];
  cilium?: CiliumDatapath;
}

export interface Detection {
  /** earlier: the layers found before this one, in chain order (some mechanisms defer to others). */
  detect(inputs: DetectInputs, earlier: readonly SnatLayer[]): Built;
  force(inputs: DetectInputs): Built;
  /** Where its objects are, beyond kube-system's DaemonSets and ConfigMaps: the live read lists these too. */
  reads?: { resources?: readonly ResourceSpec[]; namespaces?: readonly string[] };
}

export const NOTHING: Built = { layers: [] };

export function daemonSets(inputs: DetectInputs, is: (ds: KubeObject) => boolean): KubeObject[] {
  return inputs.index.where('DaemonSet', is);
}

/** The reference manifest's DaemonSet, when --datapath names a component whose DaemonSet is not visible. */
export function referenceDaemonSet(
  name: string,
  namespace: string,
  image: string,
  args: string[] = [],
  volumes: object[] = [],
): KubeObject {
  const mounts = volumes.length > 0 ? [{ name: 'config', mountPath: '/etc/config' }] : [];
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace },
    spec: { template: { spec: { containers: [{ name, image, args, volumeMounts: mounts }], volumes } } },
  };
}

export function orReference(found: KubeObject[], reference: () => KubeObject): KubeObject[] {
  return found.length > 0 ? found : [reference()];
}
