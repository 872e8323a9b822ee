/**
 * kwok against the lab's real kube-apiserver while the scale fixture is generated (test-lab.md §4):
 * it initialises the fake nodes and sets every pod bound to them Running with an IP from its node's
 * pod CIDR. Once all pods have one it is stopped: the statuses stay in etcd, so the cached fixture
 * needs no kwok.
 */
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess, terminate } from '../../test/support/lab.ts';
import type { Api } from './api.ts';

export const KWOK_CONFIG = fileURLToPath(new URL('kwok.yaml', import.meta.url));

export function startKwok(binDir: string, kubeconfig: string, logDir: string): ChildProcess {
  return startProcess(
    join(binDir, 'kwok'),
    ['--kubeconfig', kubeconfig, '--config', KWOK_CONFIG, '--v', 'WARN'],
    join(logDir, 'kwok.log'),
  );
}

export { terminate as stopKwok };

/** Only metadata: the count must not cost the kube-apiserver (which kwok is waiting on) whole pods. */
const METADATA_ONLY = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';

/** Counts the pods a paginated list returns. */
async function count(api: Api, query: string): Promise<number> {
  let total = 0;
  let next = '';
  do {
    const response = await api.raw(
      'GET',
      `/api/v1/pods?limit=5000&${query}${next ? `&continue=${encodeURIComponent(next)}` : ''}`,
      undefined,
      METADATA_ONLY,
    );
    if (response.status !== 200)
      throw new Error(`listing pods: HTTP ${response.status} ${response.body.slice(0, 300)}`);
    // An empty metadata-only list has `items: null`.
    const page = JSON.parse(response.body) as { items: unknown[] | null; metadata: { continue?: string } };
    total += page.items?.length ?? 0;
    next = page.metadata.continue ?? '';
  } while (next);
  return total;
}

/** Pods kwok has not finished: not Running yet, or Running without an IP. */
export async function podsWithoutIP(api: Api): Promise<number> {
  const notRunning = await count(api, 'fieldSelector=status.phase!%3DRunning');
  const noIP = await count(api, 'fieldSelector=status.phase%3DRunning,status.podIP%3D');
  return notRunning + noIP;
}

/** All pods: one item plus the remainingItemCount an unfiltered list reports. */
async function podCount(api: Api): Promise<number> {
  const response = await api.raw('GET', '/api/v1/pods?limit=1', undefined, METADATA_ONLY);
  const page = JSON.parse(response.body) as { items: unknown[] | null; metadata: { remainingItemCount?: number } };
  return (page.items?.length ?? 0) + (page.metadata.remainingItemCount ?? 0);
}

export async function waitUntilAllRunning(
  api: Api,
  kwok: ChildProcess,
  expected: number,
  timeoutMs = 30 * 60_000,
): Promise<void> {
  const total = await podCount(api);
  if (total !== expected) throw new Error(`the cluster holds ${total} pods, not ${expected}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await podsWithoutIP(api);
    console.error(`[scale] pods Running with an IP: ${expected - left}/${expected}`);
    if (left === 0) return;
    if (kwok.exitCode !== null)
      throw new Error(`kwok exited (${kwok.exitCode}) with ${left} pods still without an IP; see kwok.log`);
    if (Date.now() > deadline) throw new Error(`${left} pods still without an IP after ${timeoutMs / 60_000} minutes`);
    await new Promise((r) => setTimeout(r, 10_000));
  }
}
