/** Builders for the other datapaths' objects: Calico pools and Felix settings, flannel's config, GKE policies. */
import type { KubeObject } from '../../src/model/objects.ts';
import { configMap, daemonSet, type ConfigMapBuilder, type DaemonSetBuilder } from './builders.ts';

export function ipPool(
  name: string,
  cidr: string,
  spec: { natOutgoing?: boolean; disabled?: boolean; allowedUses?: string[] } = {},
): KubeObject {
  return { apiVersion: 'crd.projectcalico.org/v1', kind: 'IPPool', metadata: { name }, spec: { cidr, ...spec } };
}

export function felixConfiguration(name: string, spec: Record<string, string>): KubeObject {
  return { apiVersion: 'crd.projectcalico.org/v1', kind: 'FelixConfiguration', metadata: { name }, spec };
}

export const awsNode = (): DaemonSetBuilder =>
  daemonSet('aws-node').image('602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.20.0');
export const calicoNode = (): DaemonSetBuilder =>
  daemonSet('calico-node', 'calico-system').image('docker.io/calico/node:v3.31.0');
export const flannelAgent = (...args: string[]): DaemonSetBuilder =>
  daemonSet('kube-flannel-ds', 'kube-flannel')
    .image('ghcr.io/flannel-io/flannel:v0.28.9')
    .args(...args);

export function flannelConfig(network: string): ConfigMapBuilder {
  return configMap('kube-flannel-cfg', 'kube-flannel').data(
    'net-conf.json',
    JSON.stringify({ Network: network, Backend: { Type: 'vxlan' } }),
  );
}

export function egressNatPolicy(name: string, cidrs: string[], action = 'NoSNAT'): KubeObject {
  return {
    apiVersion: 'networking.gke.io/v1',
    kind: 'EgressNATPolicy',
    metadata: { name },
    spec: { action, destinations: cidrs.map((cidr) => ({ cidr })) },
  };
}

/** An AKS StaticGatewayConfiguration (egressgateway.kubernetes.azure.com/v1alpha1); `egressIpPrefix` is its status, absent until reconciled. */
export function staticGatewayConfiguration(
  name: string,
  namespace: string,
  spec: Record<string, unknown>,
  egressIpPrefix?: string,
  apiVersion = 'egressgateway.kubernetes.azure.com/v1alpha1',
): KubeObject {
  return {
    apiVersion,
    kind: 'StaticGatewayConfiguration',
    metadata: { name, namespace },
    spec: { gatewayNodepoolName: 'gatewaypool', ...spec },
    ...(egressIpPrefix ? { status: { egressIpPrefix } } : {}),
  };
}

/** kube-egress-gateway's CNI manager DaemonSet as its Helm chart installs it, with the `serve` flags given. */
export const egressGatewayCniManager = (...flags: string[]): DaemonSetBuilder =>
  daemonSet('kube-egress-gateway-cni-manager', 'kube-egress-gateway-system')
    .image('mcr.microsoft.com/aks/kube-egress-gateway-cnimanager:v0.0.21')
    .args('serve', ...flags);

/** The GatewayVMConfiguration the controller keeps beside a StaticGatewayConfiguration (same namespace and name), with its nodes' secondary IPs. */
export function gatewayVMConfiguration(
  name: string,
  namespace: string,
  secondaryIPs: string[],
  apiVersion = 'egressgateway.kubernetes.azure.com/v1alpha1',
): KubeObject {
  const profiles = secondaryIPs.map((secondaryIP, i) => ({
    nodeName: `aks-gatewaypool-${i}`,
    primaryIP: `10.224.0.${20 + i}`,
    secondaryIP,
  }));
  return {
    apiVersion,
    kind: 'GatewayVMConfiguration',
    metadata: { name, namespace },
    spec: { gatewayNodepoolName: 'gatewaypool' },
    status: { gatewayVMProfiles: profiles },
  };
}
