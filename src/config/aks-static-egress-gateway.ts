/**
 * AKS Static Egress Gateway (Azure/kube-egress-gateway; learn.microsoft.com
 * azure/aks/configure-static-egress-gateway): StaticGatewayConfigurations, the CNI manager
 * DaemonSet's --exception-cidrs, and the gateway node pool's label. Found by any of them, or by a
 * pod carrying the annotation that opts it in.
 */
import type { AksStaticEgressGatewayLayer, StaticGatewayConfig } from '../model/layers/aks-static-egress-gateway.ts';
import type { KubeObject } from '../model/objects.ts';
import type { ReadGap } from '../model/gaps.ts';
import { versionGap } from './api-versions.ts';
import { argvOf, containers, parseGoFlags } from './daemonset.ts';
import { NOTHING, type Built, type Detection, type DetectInputs } from './detection.ts';
import { unreadable } from './gaps.ts';
import { getArray, getRecord, getString, refOf, type ObjectIndex } from './objects.ts';

/** consts.CNIGatewayAnnotationKey (pkg/consts/const.go): the pod names a configuration of its own namespace. */
export const GATEWAY_ANNOTATION = 'kubernetes.azure.com/static-gateway-configuration';
/** consts.UpstreamNodepoolModeLabel: gateway node pools carry it (docs/design.md). */
export const GATEWAY_NODE_LABEL = 'kubeegressgateway.azure.com/mode';
const RESOURCE = 'staticgatewayconfigurations.egressgateway.kubernetes.azure.com';
const VM_RESOURCE = 'gatewayvmconfigurations.egressgateway.kubernetes.azure.com';
const CNI_MANAGER = 'kube-egress-gateway-cni-manager';
/**
 * helm/kube-egress-gateway/values.yaml gatewayCNIManager.exceptionCidrs: Azure IMDS and AKS
 * node-local DNS, which every gateway's pods reach directly.
 */
const CHART_EXCEPTION_CIDRS = ['169.254.169.254/32', '169.254.10.11/32'];

function isCniManager(ds: KubeObject): boolean {
  return (
    ds.metadata.name === CNI_MANAGER || ds.metadata.labels?.['kube-egress-gateway-control-plane'] === 'cni-manager'
  );
}

/** api/v1alpha1/staticgatewayconfiguration_types.go, with the CRD's defaults (defaultRoute, provisionPublicIps). */
function toConfiguration(obj: KubeObject, index: ObjectIndex): StaticGatewayConfig {
  const spec = getRecord(obj, 'spec');
  const status = getRecord(obj, 'status');
  const prefix = getString(status, 'egressIpPrefix');
  const pool = getString(spec, 'gatewayNodepoolName') || getString(getRecord(spec, 'gatewayVmssProfile'), 'vmssName');
  return {
    namespace: obj.metadata.namespace ?? 'default',
    name: obj.metadata.name,
    defaultRoute: getString(spec, 'defaultRoute') === 'azureNetworking' ? 'azureNetworking' : 'staticEgressGateway',
    excludeCidrs: getArray(spec, 'excludeCidrs').filter((c): c is string => typeof c === 'string'),
    provisionPublicIps: spec?.['provisionPublicIps'] !== false,
    ...(pool ? { gatewayPool: pool } : {}),
    ...(prefix ? { egressIpPrefix: prefix } : {}),
    ...secondaryIPs(index.get('GatewayVMConfiguration', obj.metadata.namespace, obj.metadata.name)),
    source: refOf(obj),
  };
}

/**
 * status.gatewayVMProfiles[].secondaryIP of the GatewayVMConfiguration the controller keeps under
 * the configuration's own namespace and name (api/v1alpha1/gatewayvmconfiguration_types.go;
 * controllers/daemon/staticgatewayconfiguration_controller.go reads it by that key).
 */
function secondaryIPs(vm: KubeObject | undefined): Pick<StaticGatewayConfig, 'secondaryIPs'> {
  const addresses = getArray(getRecord(vm, 'status'), 'gatewayVMProfiles').flatMap(
    (p) => getString(p, 'secondaryIP') || [],
  );
  return vm && addresses.length > 0 ? { secondaryIPs: { addresses, source: refOf(vm) } } : {};
}

/**
 * The CNI manager's `serve --exception-cidrs=a,b` (cmd/kube-egress-gateway-cnimanager/cmd/serve.go;
 * a cobra subcommand, so `serve` is dropped before the flags are read), none when the flag is absent.
 */
function exceptionCidrs(ds: KubeObject | undefined): string[] {
  const container = ds && containers(ds)[0];
  if (!container) return CHART_EXCEPTION_CIDRS;
  const argv = argvOf(container).filter((a) => a !== 'serve');
  const value = parseGoFlags(argv, new Set(['exception-cidrs'])).get('exception-cidrs');
  return value === undefined
    ? []
    : value
        .split(',')
        .map((c) => c.trim())
        .filter((c) => c !== '');
}

export function aksStaticEgressGatewayLayer(
  inputs: DetectInputs,
  forced = false,
): AksStaticEgressGatewayLayer | undefined {
  const { index, gaps } = inputs;
  const configurations = index.all('StaticGatewayConfiguration').map((obj) => toConfiguration(obj, index));
  const cniManager = index.where('DaemonSet', isCniManager)[0];
  const unread: ReadGap | undefined =
    versionGap(index, 'StaticGatewayConfiguration', 'staticgatewayconfigurations') ?? unreadable(gaps, RESOURCE);
  const unreadVMs =
    versionGap(index, 'GatewayVMConfiguration', 'gatewayvmconfigurations') ?? unreadable(gaps, VM_RESOURCE);
  const gatewayNodes = inputs.nodes.some((n) => n.labels[GATEWAY_NODE_LABEL] !== undefined);
  const annotated = inputs.pods.some((p) => p.annotations[GATEWAY_ANNOTATION] !== undefined);
  // The API is not served: the add-on is not installed, and the annotation opts into nothing.
  const notServed = gaps.some((g) => g.resource === RESOURCE && g.reason === 'not-served');
  const present = configurations.length > 0 || cniManager !== undefined || gatewayNodes || (annotated && !notServed);
  if (!present && !forced) return undefined;
  return {
    mechanism: 'aks-static-egress-gateway',
    configurations,
    exceptionCidrs: exceptionCidrs(cniManager),
    ...(cniManager ? { cniManager: refOf(cniManager) } : {}),
    ...(unread ? { unreadConfigurations: unread } : {}),
    ...(unreadVMs ? { unreadVMConfigurations: unreadVMs } : {}),
  };
}

function built(layer: AksStaticEgressGatewayLayer | undefined): Built {
  return layer ? { layers: [], gateways: [layer] } : NOTHING;
}

/** A gateway beside whatever SNATs the node (Azure CNI's ip-masq-agent, Cilium): it adds no node-SNAT layer. */
export const aksStaticEgressGatewayDetection: Detection = {
  detect: (i) => built(aksStaticEgressGatewayLayer(i)),
  force: (i) => built(aksStaticEgressGatewayLayer(i, true)),
  reads: {
    resources: [
      {
        group: 'egressgateway.kubernetes.azure.com',
        versions: ['v1alpha1'],
        plural: 'staticgatewayconfigurations',
        kind: 'StaticGatewayConfiguration',
        namespaced: true,
      },
      {
        group: 'egressgateway.kubernetes.azure.com',
        versions: ['v1alpha1'],
        plural: 'gatewayvmconfigurations',
        kind: 'GatewayVMConfiguration',
        namespaced: true,
      },
    ],
    // config/default/kustomization.yaml installs it there; the AKS add-on's pods run in kube-system.
    namespaces: ['kube-egress-gateway-system'],
  },
};
