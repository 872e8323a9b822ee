// A stand-in API server for training the code cache (train.mjs): plain HTTP on loopback, serving
// the example cluster's objects as JSON lists the way the API server answers kubectl egress's
// reads — aggregated discovery, access reviews (all allowed), lists by namespace and field
// selector. It is not a test double: nothing checks its answers; it only makes the live read's
// code run once, so that the cache holds it compiled.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseAllDocuments } from 'yaml';

/** Plural resource → kind, for the built-in kinds the example holds. */
const KINDS = {
  pods: 'Pod',
  nodes: 'Node',
  namespaces: 'Namespace',
  configmaps: 'ConfigMap',
  daemonsets: 'DaemonSet',
  replicasets: 'ReplicaSet',
};

const LIST_PATH = /^\/(?:api|apis\/[^/]+)\/[^/]+\/(?:namespaces\/([^/]+)\/)?([^/]+)$/;

function objectsOf(file) {
  const items = parseAllDocuments(readFileSync(file, 'utf8')).flatMap((d) => d.toJS()?.items ?? []);
  const namespaces = [...new Set(items.map((o) => o.metadata?.namespace).filter(Boolean))];
  return [...items, ...namespaces.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }))];
}

function answer(objects, method, url) {
  const { pathname, searchParams } = new URL(url, 'http://training');
  if (method === 'POST') return { status: { allowed: true } };
  if (pathname === '/apis') return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', items: [] };
  const list = LIST_PATH.exec(pathname);
  const kind = list && KINDS[list[2]];
  if (!kind) return undefined;
  const [field, value] = (searchParams.get('fieldSelector') ?? '').split('=');
  const items = objects.filter(
    (o) =>
      o.kind === kind &&
      (list[1] === undefined || o.metadata?.namespace === list[1]) &&
      (!field || field.split('.').reduce((at, key) => at?.[key], o) === value),
  );
  return { kind: `${kind}List`, apiVersion: 'v1', metadata: { resourceVersion: '1' }, items };
}

/** Serves `file`'s objects; resolves to the server once it listens. */
export function startTrainingServer(file) {
  const objects = objectsOf(file);
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const body = answer(objects, request.method, request.url);
      response.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body ?? { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404 }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
