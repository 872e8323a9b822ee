/** A kubeconfig for a plain http:// test server on loopback, with no credentials. */
import type { AddressInfo, Server } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

export function kubeconfigFor(server: Server): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'lab', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }],
    users: [{ name: 'nobody' }],
    contexts: [{ name: 'lab', cluster: 'lab', user: 'nobody' }],
    currentContext: 'lab',
  });
  return kc;
}
