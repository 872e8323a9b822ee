/**
 * The live read: what `who` needs and nothing more, the independent lists in parallel, each
 * checked first with a SelfSubjectAccessReview. A refused or unserved read becomes a gap that
 * config/ turns into warnings and `unknown` answers; only refusing the pods asked about is fatal.
 */
import type { ReadGap } from '../model/gaps.ts';
import type { IpRange } from '../model/net.ts';
import type { KubeObject } from '../model/objects.ts';
import { ClusterError } from '../errors.ts';
import { canList, discoverVersion } from './access.ts';
import { ApiStatusError, type ApiClient } from './http.ts';
import { listAll } from './list.ts';
import { resolveOwners } from './owners.ts';
import { readEgressServiceTargets } from './egress-services.ts';
import { nodesOf, readAgentPods } from './agent-pods.ts';
import { readExplainedPod } from './explained-pod.ts';
import { AGENT_NAMESPACES, CUSTOM_RESOURCES } from '../engine/registry/mechanisms.ts';
import { POLICY_RESOURCES } from '../config/policy-resources.ts';
import { SERVICE_CIDRS } from '../config/service-cidrs.ts';
import { CONFIGMAPS, DAEMONSETS, NAMESPACES, NODES, PODS, resourceName, type ResourceSpec } from './resources.ts';
import { compareText } from '../config/text-order.ts';

export interface ReadScope {
  /** undefined means all namespaces. */
  namespace?: string;
  labelSelector?: string;
  /** explain's pod, by name: the agents' pods are read on its node only. */
  pod?: string;
  /**
   * explain's destinations: with them, of its namespace's pods only the pod and those at these
   * addresses are read where they stand in for the whole namespace (explained-pod.ts).
   */
  destinations?: readonly IpRange[];
  /** --chunk-size: the page size of the pods asked about; every other list is one request (WHOLE). */
  chunkSize: number;
  onPage?: (resource: string, page: number, items: number) => void;
  /**
   * Each page of the pods asked about, cut, as it arrives (snapshot writes them then). Page 1
   * again means the list started over (410 Gone, list.ts).
   */
  onTargetPods?: TargetPodPages;
}

/** A live read's pages of the pods asked about, as they arrive (ReadScope.onTargetPods). */
export type TargetPodPages = (page: number, pods: readonly KubeObject[]) => void;

export interface ReadResult {
  objects: KubeObject[];
  gaps: ReadGap[];
}

export async function readCluster(client: ApiClient, scope: ReadScope): Promise<ReadResult> {
  try {
    return await readAll(client, scope);
  } catch (error) {
    // The reads run side by side: whichever fails first (a discovery request, say) says why.
    if (error instanceof ApiStatusError)
      throw new ClusterError(describeStatus(error, 'reading the cluster', client.server));
    throw error;
  }
}

async function readAll(client: ApiClient, scope: ReadScope): Promise<ReadResult> {
  const gaps: ReadGap[] = [];
  // A list narrowed by a field selector comes after the access review of the whole list.
  const read = (spec: ResourceSpec, namespace?: string, version = spec.versions[0]!, part?: ListPart) =>
    readOrGap(client, spec, version, { namespace, scope, gaps, ...(part ? { part } : {}) });
  // Everything at once: the pod list's pages come one after another, the rest fits in beside it.
  // Every node is read whatever the scope: each answer asks whether the destination is an
  // address of the cluster (any node's InternalIP or pod CIDR, engine/core/cluster-addresses.ts),
  // and gateways pick their nodes by label among all of them.
  const namespaces = read(NAMESPACES);
  // The nodes whose agents' pods are read, decided as early as a page of the pods allows: more
  // pods than one page holds is a large scope, for which every agent pod is read beside the other
  // pages (not lists per node after the last one); explain's pod, once a page has it, is on its
  // node whatever the other pages hold.
  let decided: (nodes: readonly string[] | undefined) => void = () => {};
  const early = new Promise<readonly string[] | undefined>((resolve) => {
    decided = resolve;
  });
  const targetPods = readTargetPods(client, scope, namespaces, (more, page) => {
    const pod = scope.pod === undefined ? undefined : page.find((p) => p.metadata.name === scope.pod);
    if (pod) decided(nodesOf([pod], scope.pod));
    else if (more && scope.pod === undefined) decided(undefined);
  });
  const nodesOfTargets = targetPods.then(
    (pods) => nodesOf(pods, scope.pod),
    () => undefined,
  );
  const targetNodes = targetCoversAll(scope) ? Promise.resolve(undefined) : Promise.race([early, nodesOfTargets]);
  const [pods, namespaceList, nodes, agents, custom] = await Promise.all([
    targetPods,
    namespaces,
    read(NODES),
    namespaces.then((list) => readAgentNamespaces(list, { client, scope, read, targetNodes })),
    Promise.all(
      [...CUSTOM_RESOURCES, ...POLICY_RESOURCES, SERVICE_CIDRS].map(async (spec) => {
        const { served, unknown, refused } = await discoverVersion(client, spec);
        if (served) return read(spec, spec.namespaced ? scope.namespace : undefined, served);
        if (unknown) gaps.push({ resource: resourceName(spec), reason: 'unknown-version', served: unknown.join(', ') });
        else gaps.push({ resource: resourceName(spec), reason: refused ? 'forbidden' : 'not-served' });
        return [];
      }),
    ),
  ]);
  const objects = [...pods, ...namespaceList, ...nodes, ...agents, ...custom.flat()];
  const egressServices = objects.filter((o) => o.kind === 'EgressService');
  const [owners, egressServiceTargets] = await Promise.all([
    resolveOwners(client, pods, gaps),
    readEgressServiceTargets(client, egressServices, scope.chunkSize, gaps),
  ]);
  objects.push(...owners, ...egressServiceTargets);
  return { objects, gaps: gaps.sort(compareGaps) };
}

type Read = (
  spec: ResourceSpec,
  namespace?: string,
  version?: string,
  part?: ListPart,
) => Promise<readonly KubeObject[]>;

interface AgentReadContext {
  client: ApiClient;
  scope: ReadScope;
  read: Read;
  /** The nodes of the pods asked about; undefined: every agent pod is read. */
  targetNodes: Promise<readonly string[] | undefined>;
}

/** The agents' ConfigMaps and DaemonSets, and their own pods, which say which nodes they run on whatever pods the user asked about. */
async function readAgentNamespaces(
  namespaces: readonly KubeObject[],
  { client, scope, read, targetNodes }: AgentReadContext,
): Promise<KubeObject[]> {
  // Without the namespace list every agent namespace may exist: each is read (a refusal there then
  // makes the datapath unknown, as it should, rather than an agent going unseen).
  const existing = new Set(namespaces.map((n) => n.metadata.name));
  const agentNamespaces =
    namespaces === REFUSED
      ? AGENT_NAMESPACES
      : AGENT_NAMESPACES.filter((ns) => ns === 'kube-system' || existing.has(ns));
  const lists = await Promise.all(
    agentNamespaces.map(async (ns) => {
      const daemonSets = read(DAEMONSETS, ns);
      const agentPods = targetCoversAll(scope)
        ? []
        : readAgentPods(ns, daemonSets, targetNodes, {
            all: () => read(PODS, ns),
            mayList: () => canList(client, PODS, ns),
            onNode: (node) => read(PODS, ns, 'v1', { fieldSelector: `spec.nodeName=${node}`, fromWatchCache: true }),
          });
      return (await Promise.all([read(CONFIGMAPS, ns), daemonSets, agentPods])).flat();
    }),
  );
  return lists.flat();
}

async function readTargetPods(
  client: ApiClient,
  scope: ReadScope,
  namespaces: Promise<readonly KubeObject[]>,
  onPage: (more: boolean, page: readonly KubeObject[]) => void,
): Promise<readonly KubeObject[]> {
  const where = scope.namespace === undefined ? 'in any namespace' : `in namespace "${scope.namespace}"`;
  if ((await canList(client, PODS, scope.namespace)) === false) {
    throw new ClusterError(
      `forbidden: you may not list pods ${where}; the README lists the ClusterRole kubectl egress needs`,
    );
  }
  const list = (options: { chunkSize: number; fieldSelector?: string; report?: boolean }) =>
    listAll(client, PODS, 'v1', {
      chunkSize: options.chunkSize,
      onPage: (page, items, more, objects) => {
        if (options.report === false) return;
        scope.onPage?.('pods', page, items);
        scope.onTargetPods?.(page, objects);
        onPage(more, objects);
      },
      namespace: scope.namespace,
      labelSelector: scope.labelSelector,
      ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}),
    });
  try {
    if (scope.pod === undefined) return await list({ chunkSize: scope.chunkSize });
    // explain asks about one pod: the other pods it needs are few, or its namespace's are read whole,
    // in one request as the datapath's lists are.
    if (scope.destinations === undefined) return await list({ chunkSize: WHOLE });
    return await readExplainedPod(scope.pod, scope.destinations, namespaceAnnotations(namespaces, scope.namespace), {
      named: (name) => list({ chunkSize: WHOLE, fieldSelector: `metadata.name=${name}` }),
      at: (address) => list({ chunkSize: WHOLE, fieldSelector: `status.podIP=${address}`, report: false }),
      all: () => list({ chunkSize: WHOLE }),
    });
  } catch (error) {
    if (error instanceof ApiStatusError)
      throw new ClusterError(describeStatus(error, `listing pods ${where}`, client.server));
    throw error;
  }
}

/** The namespace's annotations, or undefined when the namespaces were refused or it is not among them. */
async function namespaceAnnotations(
  namespaces: Promise<readonly KubeObject[]>,
  name: string | undefined,
): Promise<Readonly<Record<string, string>> | undefined> {
  const found = (await namespaces.catch(() => REFUSED)).find((n) => n.metadata.name === name);
  return found && (found.metadata.annotations ?? {});
}

/** What a refused list gives: no objects, and by its identity, the sign that the list was refused. */
const REFUSED: readonly KubeObject[] = Object.freeze([]);

interface ReadContext {
  namespace: string | undefined;
  scope: ReadScope;
  gaps: ReadGap[];
  /** Set for a part of a list whose access the caller has already reviewed. */
  part?: ListPart;
}

/** A part of a list, by field selector; see ListOptions for fromWatchCache. */
interface ListPart {
  fieldSelector: string;
  fromWatchCache?: boolean;
}

async function readOrGap(
  client: ApiClient,
  spec: ResourceSpec,
  version: string,
  { namespace, scope, gaps, part }: ReadContext,
): Promise<readonly KubeObject[]> {
  const gap: ReadGap = { resource: resourceName(spec), reason: 'forbidden', ...(namespace ? { namespace } : {}) };
  const refused = () => {
    gaps.push(gap);
    return REFUSED;
  };
  if (part === undefined && (await canList(client, spec, namespace)) === false) return refused();
  try {
    return await listAll(client, spec, version, {
      chunkSize: WHOLE,
      onPage: (page, items) => scope.onPage?.(gap.resource, page, items),
      namespace,
      ...part,
    });
  } catch (error) {
    if (error instanceof ApiStatusError && error.status === 403) return refused();
    if (error instanceof ApiStatusError)
      throw new ClusterError(describeStatus(error, `listing ${gap.resource}`, client.server));
    throw error;
  }
}

function targetCoversAll(scope: ReadScope): boolean {
  return scope.namespace === undefined && !scope.labelSelector;
}

/**
 * Only the pods asked about come in pages of --chunk-size, as kubectl lists them. Every other list
 * — nodes, the agents' settings and pods, the custom resources — is one request: a list without a
 * limit is served whole from the API server's watch cache, where the pages of a limited one come
 * one after another. On the benchmark cluster the 2,000 CiliumNodes took four pages in a row, the
 * last read to end; `who -n team-00` went from 1.13 to 1.04 s (medians of six alternating runs;
 * the slowest from 1.80 to 1.14 s).
 */
const WHOLE = 0;

function describeStatus(error: ApiStatusError, doing: string, server: string): string {
  if (error.status === 401) return `the API server at ${server} rejected the credentials (401 Unauthorized)`;
  if (error.status === 403) return `forbidden while ${doing}: ${error.message}`;
  return `${doing} failed: HTTP ${error.status}${error.reason ? ` ${error.reason}` : ''}: ${error.message}`;
}

function compareGaps(a: ReadGap, b: ReadGap): number {
  return compareText(a.resource, b.resource) || compareText(a.namespace ?? '', b.namespace ?? '');
}
