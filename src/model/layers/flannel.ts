/** flannel --ip-masq. Its layer types join the datapath's by declaration merging (below). */
import type { NodeScope } from '../datapath.ts';
import type { ObjectRef } from '../objects.ts';

/** flannel --ip-masq, or without it the CNI bridge plugin's per-container rule (§6.1, §6.2). */
export interface FlannelLayer {
  mechanism: 'flannel';
  daemonSet?: ObjectRef;
  ipMasq: boolean;
  /** net-conf.json Network / IPv6Network; undefined when kube-flannel-cfg could not be read. */
  network?: string;
  ipv6Network?: string;
  configSource: ObjectRef;
  scope: NodeScope;
}

declare module '../datapath.ts' {
  interface SnatLayers {
    flannel: FlannelLayer;
  }
}
