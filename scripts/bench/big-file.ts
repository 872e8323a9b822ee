/**
 * Writes the benchmark cluster (bench-cluster.ts) as one `kind: List` YAML file the size of a
 * `kubectl get -A -o yaml` dump of it: each pod with the fields a real API server adds (containers,
 * conditions, managedFields), about 200 MB for the 150,000 pods. `-f` of this file is what the
 * streaming reader (src/cli/input.ts) is measured on. Run: node scripts/bench/big-file.ts OUT.yaml
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { stringify } from 'yaml';
import type { KubeObject } from '../../src/model/objects.ts';
import { benchCluster } from './bench-cluster.ts';

/** What the API server and kubelet add to a pod that the tool never reads. */
function padded(obj: KubeObject): KubeObject {
  if (obj.kind !== 'Pod') return obj;
  const time = '2026-01-01T00:00:00Z';
  const spec = obj['spec'] as Record<string, unknown>;
  return {
    ...obj,
    metadata: { ...obj.metadata, uid: '5f0c1d7e-0000-4000-8000-000000000000', resourceVersion: '123456', creationTimestamp: time,
      managedFields: [{ apiVersion: 'v1', manager: 'kube-controller-manager', operation: 'Update', time, fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } } }] },
    spec: { ...spec, restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', terminationGracePeriodSeconds: 30,
      containers: [{ name: 'c', image: 'registry.example/app:1.2.3', ports: [{ containerPort: 8080, protocol: 'TCP' }], resources: { requests: { cpu: '100m', memory: '128Mi' } }, env: [{ name: 'MODE', value: 'production' }] }] },
    status: { ...(obj['status'] as object), hostIP: '172.16.0.1', startTime: time,
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastTransitionTime: time })) },
  } as unknown as KubeObject;
}

const out = createWriteStream(process.argv[2] ?? 'big.yaml');
out.write('apiVersion: v1\nkind: List\nitems:\n');
for (const obj of benchCluster()) {
  const text = stringify([padded(obj)], { lineWidth: 0 });
  if (!out.write(text)) await once(out, 'drain');
}
out.end();
await once(out, 'finish');
