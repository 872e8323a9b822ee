/**
 * Starts the lab control plane once for the integration project and stops it afterwards.
 * The binaries come from test/lab/build-k8s.sh (LAB_BIN_DIR when scripts/test.mjs already ran it).
 */
import { spawnSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { startLab, type LabInfo } from '../support/lab.ts';
import { seedCluster } from './fixtures.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    lab: LabInfo;
  }
}

function labBinDir(): string {
  if (process.env['LAB_BIN_DIR']) return process.env['LAB_BIN_DIR'];
  const built = spawnSync('bash', ['test/lab/build-k8s.sh', 'kubectl', 'kube-apiserver', 'etcd'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (built.status !== 0) throw new Error('test/lab/build-k8s.sh failed; see its output above');
  return built.stdout.trim().split('\n').pop()!;
}

export default async function setup(project: TestProject) {
  const lab = await startLab(labBinDir());
  const { stop, ...info } = lab;
  try {
    seedCluster(info);
  } catch (error) {
    await stop();
    throw error;
  }
  project.provide('lab', info);
  return stop;
}
