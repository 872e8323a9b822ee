/**
 * AKS Static Egress Gateway (Azure/kube-egress-gateway): pods annotated with the name of a
 * StaticGatewayConfiguration of their namespace send IPv4 traffic through a WireGuard tunnel to a
 * gateway node pool, which SNATs it to the configuration's egress addresses. Its layer type joins
 * the datapath's by declaration merging (below).
 */
import type { ObjectRef } from '../objects.ts';
import type { ReadGap } from '../gaps.ts';

/**
 * One StaticGatewayConfiguration (egressgateway.kubernetes.azure.com/v1alpha1,
 * api/v1alpha1/staticgatewayconfiguration_types.go): namespaced, used only by pods of its namespace.
 */
export interface StaticGatewayConfig {
  namespace: string;
  name: string;
  /** spec.defaultRoute, `staticEgressGateway` by default (the CRD's kubebuilder default). */
  defaultRoute: 'staticEgressGateway' | 'azureNetworking';
  /** spec.excludeCidrs: bypass the gateway (defaultRoute staticEgressGateway), or the only ones sent to it (azureNetworking). */
  excludeCidrs: string[];
  /** spec.provisionPublicIps, true by default: the egress addresses are a public IP prefix, else private secondary IPs. */
  provisionPublicIps: boolean;
  /** spec.gatewayNodepoolName, else spec.gatewayVmssProfile.vmssName: where the traffic leaves. */
  gatewayPool?: string;
  /** status.egressIpPrefix: a public prefix (`20.65.41.84/30`), or private IPs joined by commas (`10.0.1.8,10.0.1.9`); absent until reconciled. */
  egressIpPrefix?: string;
  /**
   * The gateway nodes' secondary private IPs, which the gateway SNATs to: status.gatewayVMProfiles
   * of the GatewayVMConfiguration of the same namespace and name (docs/design.md); absent when not read or not there.
   */
  secondaryIPs?: { addresses: string[]; source: ObjectRef };
  source: ObjectRef;
}

export interface AksStaticEgressGatewayLayer {
  mechanism: 'aks-static-egress-gateway';
  configurations: StaticGatewayConfig[];
  /**
   * The CNI manager's --exception-cidrs (every gateway's pods bypass it for these, with defaultRoute
   * staticEgressGateway); the chart's default when its DaemonSet is not among the objects read.
   */
  exceptionCidrs: string[];
  cniManager?: ObjectRef;
  /** StaticGatewayConfigurations could not be read (RBAC, an unknown version): an annotated pod's answer is unknown. */
  unreadConfigurations?: ReadGap;
  /** GatewayVMConfigurations could not be read: the secondary IPs a private destination sees are unknown. */
  unreadVMConfigurations?: ReadGap;
}

declare module '../datapath.ts' {
  interface GatewayLayers {
    'aks-static-egress-gateway': AksStaticEgressGatewayLayer;
  }
}
