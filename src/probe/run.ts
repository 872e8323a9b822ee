/**
 * The one place that runs probes: create, wait, read the log, and always delete — on success,
 * failure, timeout and interruption alike (design §6). Talks to the API through the small
 * interface below, which the cluster layer's client satisfies.
 */
import type { KubeObject } from '../model/objects.ts';
import type { Observation, ObservationCode, ProbePlan } from '../model/verification.ts';
import { buildProbePod, PROBE_CONTAINER, type ProbeOptions } from './manifest.ts';
import { parseObservedIp } from './parse.ts';

export interface ProbeApi {
  get<T>(path: string, query?: Record<string, string | undefined>): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  delete(path: string, query?: Record<string, string | undefined>): Promise<void>;
  getText(path: string, query?: Record<string, string | undefined>): Promise<string>;
}

export interface RunOptions extends Omit<ProbeOptions, 'index' | 'namespaceUID'> {
  /** How long a probe pod may take to start (scheduling, image pull) before it counts as never started. */
  startTimeoutSeconds: number;
  parallel: number;
  keep: boolean;
  signal: AbortSignal;
  namespaceUIDs: Record<string, string>;
  onProgress?: (done: number, total: number) => void;
  /** Polling interval while waiting for a probe; tests shorten it. */
  pollMs?: number;
}

type Observe = (code: ObservationCode, detail: string, sourceIP?: string | null) => Observation;

interface PodStatus {
  status?: {
    phase?: string;
    podIP?: string;
    containerStatuses?: {
      state?: { waiting?: { reason?: string; message?: string }; terminated?: { exitCode?: number; reason?: string } };
    }[];
  };
}

const IMAGE_FAILURES = ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull'];

export async function runProbes(
  api: ProbeApi,
  plans: readonly ProbePlan[],
  options: RunOptions,
): Promise<Observation[]> {
  const created = new Map<string, KubeObject>();
  const results: Observation[] = new Array(plans.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let i = next++; i < plans.length; i = next++) {
      results[i] = await runOne(api, plans[i]!, i, options, created);
      options.onProgress?.(++done, plans.length);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel, plans.length)) }, worker));
  } finally {
    if (!options.keep) await Promise.all([...created.values()].map((pod) => deletePod(api, pod)));
  }
  return results;
}

async function runOne(
  api: ProbeApi,
  plan: ProbePlan,
  index: number,
  options: RunOptions,
  created: Map<string, KubeObject>,
): Promise<Observation> {
  const uid = options.namespaceUIDs[plan.namespace];
  const pod = buildProbePod(plan, { ...options, index, ...(uid ? { namespaceUID: uid } : {}) });
  const probe: Observation['probe'] = { name: pod.metadata.name, node: plan.node, podIP: null };
  const observe = (code: ObservationCode, detail: string, sourceIP: string | null = null): Observation => ({
    sourceIP,
    code,
    detail,
    probe,
  });
  if (options.signal.aborted) return observe('INTERRUPTED', 'interrupted before the probe started');
  try {
    await api.post(`/api/v1/namespaces/${plan.namespace}/pods`, pod);
  } catch (error) {
    return observe('PROBE_REJECTED', (error as Error).message);
  }
  created.set(probe.name, pod);
  try {
    return await waitAndRead(api, pod, options, observe, probe);
  } finally {
    if (!options.keep) {
      await deletePod(api, pod);
      created.delete(probe.name);
    }
  }
}

async function waitAndRead(
  api: ProbeApi,
  pod: KubeObject,
  options: RunOptions,
  observe: Observe,
  probe: Observation['probe'],
): Promise<Observation> {
  const path = `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`;
  const startDeadline = Date.now() + options.startTimeoutSeconds * 1000;
  let deadline = startDeadline;
  let started = false;
  while (Date.now() < deadline) {
    if (options.signal.aborted) return observe('INTERRUPTED', 'interrupted while the probe ran');
    const { status } = await api.get<PodStatus>(path);
    probe.podIP = status?.podIP ?? probe.podIP;
    const container = status?.containerStatuses?.[0]?.state;
    const waiting = container?.waiting?.reason;
    if (waiting && IMAGE_FAILURES.includes(waiting))
      return observe('IMAGE_PULL_FAILED', `${waiting}: ${container?.waiting?.message ?? ''}`.trim());
    if (!started && (status?.phase === 'Running' || container?.terminated !== undefined)) {
      started = true;
      // Once running, the settle wait and wget's own -T timeout bound it; a little slack for the log to appear.
      deadline = Date.now() + (options.settleSeconds + options.timeoutSeconds + 10) * 1000;
    }
    if (status?.phase === 'Succeeded' || status?.phase === 'Failed') return readLog(api, path, status.phase, observe);
    await sleep(options.pollMs ?? 500, options.signal);
  }
  return started
    ? observe('PROBE_TIMEOUT', 'the probe did not finish in time')
    : observe('POD_NEVER_STARTED', 'the probe pod never started on its node');
}

async function readLog(api: ProbeApi, path: string, phase: string, observe: Observe): Promise<Observation> {
  const log = (
    await api
      .getText(`${path}/log`, { container: PROBE_CONTAINER })
      .catch((e: Error) => `(log unreadable: ${e.message})`)
  ).trim();
  if (phase === 'Failed')
    return observe(
      /wget:/.test(log) ? 'ECHO_UNREACHABLE' : 'PROBE_FAILED',
      log.split('\n').pop() || 'the probe failed',
    );
  const ip = parseObservedIp(log);
  return ip ? observe('OBSERVED', log.slice(0, 200), ip) : observe('ECHO_RESPONSE_UNPARSABLE', log.slice(0, 200));
}

async function deletePod(api: ProbeApi, pod: KubeObject): Promise<void> {
  await api
    .delete(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`, { gracePeriodSeconds: '0' })
    .catch(() => undefined);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
