/**
 * One entry per datapath mechanism, in nat POSTROUTING order: how it is detected from the objects,
 * and how it is built when --datapath names it although its objects are not visible (then from
 * the component's reference manifest, so its defaults apply).
 */
import type { CiliumDatapath, SnatLayer } from '../model/datapath.ts';
import type { ReadGap } from '../model/gaps.ts';
import type { KubeObject } from '../model/objects.ts';
import type { Finding } from '../model/reasons.ts';
import type { NodeInfo, PodInfo } from '../model/snapshot.ts';
import { awsVpcCniLayer, isAwsNodeDaemonSet } from './aws-vpc-cni.ts';
import { azureIpMasqAgentLayer, isAzureIpMasqAgentDaemonSet } from './azure-ip-masq-agent.ts';
import { calicoLayer } from './calico.ts';
import { detectCilium, forceCilium } from './cilium-datapath.ts';
import { flannelLayer, isFlannelDaemonSet } from './flannel.ts';
import { gkeDefaultSnatLayer, GKE_MASQ_CHAIN, hasGceNodes } from './gke.ts';
import { gkeEgressNatPolicyLayer } from './gke-egress-nat-policy.ts';
import { ipMasqAgentLayer, isIpMasqAgentDaemonSet } from './ip-masq-agent.ts';
import type { ObjectIndex } from './objects.ts';

export interface DetectInputs {
  index: ObjectIndex;
  nodes: readonly NodeInfo[];
  pods: readonly PodInfo[];
  gaps: readonly ReadGap[];
  noDefaultSnat: boolean;
  warnings: Finding[];
}

interface Built {
  layers: SnatLayer[];
  cilium?: CiliumDatapath;
}

interface Builder {
  detect(inputs: DetectInputs, earlier: readonly SnatLayer[]): Built;
  force(inputs: DetectInputs): Built;
}

// Felix inserts its chain at the top of POSTROUTING; GKE's start-up chain is written at boot,
// before agents append their jumps; Cilium's BPF masquerading runs at tc egress, after netfilter.
export const DATAPATH_NAMES = ['calico', 'gke-egress-nat-policy', 'gke-default-snat', 'ip-masq-agent', 'azure-ip-masq-agent', 'aws-vpc-cni', 'flannel', 'cni-bridge', 'kubenet', 'cilium', 'none'] as const;
export type DatapathName = (typeof DATAPATH_NAMES)[number];

const KUBENET_DEFAULT_CIDR = '10.0.0.0/8';
const none: Built = { layers: [] };

function daemonSets(inputs: DetectInputs, is: (ds: KubeObject) => boolean): KubeObject[] {
  return inputs.index.all('DaemonSet').filter(is);
}

/** The reference manifest's DaemonSet, when --datapath names a component whose DaemonSet is not visible. */
function referenceDaemonSet(name: string, namespace: string, image: string, args: string[] = [], volumes: object[] = []): KubeObject {
  const mounts = volumes.length > 0 ? [{ name: 'config', mountPath: '/etc/config' }] : [];
  return { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name, namespace }, spec: { template: { spec: { containers: [{ name, image, args, volumeMounts: mounts }], volumes } } } };
}

function orReference(found: KubeObject[], reference: () => KubeObject): KubeObject[] {
  return found.length > 0 ? found : [reference()];
}

const upstreamAgent = () => referenceDaemonSet('ip-masq-agent', 'kube-system', 'registry.k8s.io/networking/ip-masq-agent:v2.12.6', [],
  [{ name: 'config', configMap: { name: 'ip-masq-agent', optional: true, items: [{ key: 'config', path: 'ip-masq-agent' }] } }]);

export const DATAPATH_BUILDERS: Record<DatapathName, Builder> = {
  calico: {
    detect: (i) => ({ layers: [calicoLayer(i.index)].filter((l) => l !== undefined) }),
    force: (i) => ({ layers: [calicoLayer(i.index) ?? { mechanism: 'calico', pools: [], felix: { natOutgoingExclusions: 'IPPoolsOnly' }, perNode: {}, scope: { basis: 'all-nodes' }, egressIPSupport: 'Disabled', egressGatewayPolicies: [] }] }),
  },
  'gke-egress-nat-policy': {
    detect: (i) => ({ layers: [gkeEgressNatPolicyLayer(i.index, i.nodes, i.warnings)].filter((l) => l !== undefined) }),
    force: (i) => ({ layers: [gkeEgressNatPolicyLayer(i.index, i.nodes, i.warnings) ?? { mechanism: 'gke-egress-nat-policy', policies: [], clusterRanges: [], scope: { basis: 'all-nodes' } }] }),
  },
  'gke-default-snat': {
    // On Autopilot and Dataplane V2, EgressNATPolicy governs masquerading instead (§2.1, §2.4).
    detect: (i, earlier) => (hasGceNodes(i.nodes) && !earlier.some((l) => l.mechanism === 'gke-egress-nat-policy') ? { layers: [gkeDefaultSnatLayer(i.noDefaultSnat)] } : none),
    force: (i) => ({ layers: [gkeDefaultSnatLayer(i.noDefaultSnat)] }),
  },
  'ip-masq-agent': {
    detect: (i, earlier) => {
      const policyGoverned = earlier.some((l) => l.mechanism === 'gke-egress-nat-policy');
      const layers = daemonSets(i, isIpMasqAgentDaemonSet).map((ds) => ipMasqAgentLayer(ds, i, i.warnings));
      // GKE's own agent (chain IP-MASQ) follows EgressNATPolicy where that API is used.
      return { layers: policyGoverned ? layers.filter((l) => l.chain !== GKE_MASQ_CHAIN) : layers };
    },
    force: (i) => ({ layers: orReference(daemonSets(i, isIpMasqAgentDaemonSet), upstreamAgent).map((ds) => ipMasqAgentLayer(ds, i, i.warnings)) }),
  },
  'azure-ip-masq-agent': {
    detect: (i) => ({ layers: daemonSets(i, isAzureIpMasqAgentDaemonSet).map((ds) => azureIpMasqAgentLayer(ds, i.index, i.pods)) }),
    force: (i) => ({ layers: orReference(daemonSets(i, isAzureIpMasqAgentDaemonSet), () => referenceDaemonSet('azure-ip-masq-agent', 'kube-system', 'mcr.microsoft.com/aks/ip-masq-agent-v2:v0.1.15'))
      .map((ds) => azureIpMasqAgentLayer(ds, i.index, i.pods)) }),
  },
  'aws-vpc-cni': {
    detect: (i) => ({ layers: daemonSets(i, isAwsNodeDaemonSet).slice(0, 1).map((ds) => awsVpcCniLayer(ds, i.pods)) }),
    force: (i) => ({ layers: [awsVpcCniLayer(daemonSets(i, isAwsNodeDaemonSet)[0] ?? referenceDaemonSet('aws-node', 'kube-system', 'amazon-k8s-cni:v1.20.0'), i.pods)] }),
  },
  flannel: {
    detect: (i) => ({ layers: daemonSets(i, isFlannelDaemonSet).slice(0, 1).map((ds) => flannelLayer(ds, i.index, i.pods)) }),
    force: (i) => ({ layers: [flannelLayer(daemonSets(i, isFlannelDaemonSet)[0], i.index, i.pods)] }),
  },
  kubenet: {
    // kubenet left with dockershim in 1.24; before that it is the default when no CNI is visible.
    detect: (i, earlier) => {
      const old = i.nodes.length > 0 && i.nodes.every((n) => /^v1\.(1\d|2[0-3])\./.test(n.kubeletVersion ?? ''));
      if (earlier.length > 0 || !old) return none;
      i.warnings.push({ code: 'KUBENET_ASSUMED', data: { cidr: KUBENET_DEFAULT_CIDR } });
      return { layers: [{ mechanism: 'kubenet', nonMasqueradeCIDR: KUBENET_DEFAULT_CIDR, scope: { basis: 'all-nodes' } }] };
    },
    force: () => ({ layers: [{ mechanism: 'kubenet', nonMasqueradeCIDR: KUBENET_DEFAULT_CIDR, scope: { basis: 'all-nodes' } }] }),
  },
  'cni-bridge': { detect: () => none, force: () => ({ layers: [{ mechanism: 'cni-bridge', scope: { basis: 'all-nodes' } }] }) },
  cilium: {
    detect: (i) => {
      const found = detectCilium(i.index, i.nodes, i.pods, i.warnings);
      return found ? { layers: [found.layer], cilium: found.datapath } : none;
    },
    force: (i) => {
      const found = forceCilium(i.index, i.nodes, i.pods, i.warnings);
      return { layers: [found.layer], cilium: found.datapath };
    },
  },
  none: { detect: () => none, force: () => none },
};
