/**
 * Brings the node lab up once for the e2e project (a real kubelet, containerd, CNI and an outside
 * echo host; test/lab/node-lab.ts) and tears it down afterwards. Where the machine cannot run it
 * (not root, packages missing), the tests are skipped with the reason — unless
 * KUBECTL_EGRESS_REQUIRE_ALL_TESTS=1 (set by .ci/run), which makes that a failure.
 */
import { spawnSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { nodeLabUnsupported, startNodeLab, type NodeLab } from '../lab/node-lab.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    nodeLab: NodeLab | { unsupported: string };
  }
}

export default async function setup(project: TestProject) {
  const unsupported = nodeLabUnsupported();
  if (unsupported) {
    if (process.env['KUBECTL_EGRESS_REQUIRE_ALL_TESTS'] === '1')
      throw new Error(`the node lab is required here but cannot run: ${unsupported}`);
    process.stderr.write(`\nSKIPPING the node-lab end-to-end tests: ${unsupported}\n`);
    project.provide('nodeLab', { unsupported });
    return;
  }
  const built = spawnSync('bash', ['test/lab/build-k8s.sh', 'kubectl', 'kube-apiserver', 'kubelet', 'etcd'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (built.status !== 0) throw new Error('test/lab/build-k8s.sh failed; see its output above');
  const lab = await startNodeLab(built.stdout.trim().split('\n').pop()!);
  const { stop, ...info } = lab;
  project.provide('nodeLab', info);
  return stop;
}
