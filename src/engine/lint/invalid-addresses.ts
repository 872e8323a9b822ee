/**
 * Address fields holding something that is not an address. The API server stores Node
 * status.addresses and CiliumNode spec.addresses as written, so `banana` can be there, and a -f
 * file is checked by nobody; whatever reads the value (kube-proxy, the CNI, a firewall script)
 * gets no address or a wrong one. config/ keeps such values out of the model and warns
 * (ADDRESS_INVALID); each is a finding on its object, since who cannot answer what needs it.
 */
import { defineCheck } from './check.ts';

export const invalidAddresses = defineCheck({
  id: 'invalid-addresses',
  codes: { ADDRESS_INVALID: 'error' },
  upstream:
    'k8s.io/api core/v1 NodeAddress, PodIP (strings the API server stores as written); Go net.ParseIP, net.ParseCIDR',
  run({ snapshot, pods }, report) {
    // A Pod's finding only for the pods -n/-A/-l selected, as every check about pods.
    const selected = new Set(pods.map((p) => `${p.namespace}/${p.name}`));
    for (const warning of snapshot.warnings) {
      if (warning.code !== 'ADDRESS_INVALID' || !warning.source) continue;
      if (warning.source.kind === 'Pod' && !selected.has(`${warning.source.namespace}/${warning.source.name}`))
        continue;
      report('ADDRESS_INVALID', warning.source, {
        kind: warning.data['kind'] ?? '',
        field: warning.data['field'] ?? '',
        value: warning.data['value'] ?? '',
      });
    }
  },
});
