/**
 * RBAC pre-flight with SelfSubjectAccessReview (as kubectl-who-can's CheckAPIAccess does), and
 * API discovery, so refusals and missing CRDs become gaps before any list is attempted.
 */
import { ApiStatusError, FORBIDDEN, getIfVisible, type ApiClient } from './http.ts';
import { aggregatedDiscovery, type Discovery } from './discovery.ts';
import type { ResourceSpec } from './resources.ts';

interface AccessReview {
  status?: { allowed?: boolean };
}

/** true/false from the API server; undefined when the review itself could not be made. */
export function canList(client: ApiClient, spec: ResourceSpec, namespace?: string): Promise<boolean | undefined> {
  return canI(client, { verb: 'list', group: spec.group, resource: spec.plural, ...(namespace ? { namespace } : {}) });
}

export interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
}

export async function canI(client: ApiClient, attributes: ResourceAttributes): Promise<boolean | undefined> {
  const review = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: { resourceAttributes: attributes },
  };
  try {
    const answer = await client.post<AccessReview>('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', review);
    return answer.status?.allowed === true;
  } catch (error) {
    if (error instanceof ApiStatusError) return undefined;
    throw error;
  }
}

interface ResourceList {
  resources?: { name: string }[];
}

interface ApiGroup {
  versions?: { version: string }[];
}

export interface DiscoveredSpec {
  served?: string;
  unknown?: string[];
  refused?: true;
}

/**
 * Where the server serves a custom resource: the first of the spec's versions that lists it, else
 * the other versions of its group that do (`unknown`: the tool must not parse those as one it
 * knows), else neither (the API is not served, so none of its objects exist) — unless discovery
 * itself was refused (`refused`), which says nothing about what exists. From the aggregated
 * document when the server gives one (discovery.ts), else by asking the group and its versions.
 */
export async function discoverVersion(client: ApiClient, spec: ResourceSpec): Promise<DiscoveredSpec> {
  const discovery = await aggregatedDiscovery(client);
  return (discovery && specIn(discovery, spec)) ?? discoverByGroupVersion(client, spec);
}

/** The spec's answer from the aggregated document; undefined when a version of its group is stale there, which only asking that version can settle. */
export function specIn(discovery: Discovery, spec: ResourceSpec): DiscoveredSpec | undefined {
  const versions = discovery.get(spec.group);
  if (versions === undefined) return {};
  if ([...versions.values()].includes('stale')) return undefined;
  const lists = (version: string) => {
    const found = versions.get(version);
    return found !== undefined && found !== 'stale' && found.resources.has(spec.plural);
  };
  const served = spec.versions.find(lists);
  if (served) return { served };
  const unknown = [...versions.keys()].filter((v) => !spec.versions.includes(v) && lists(v));
  return unknown.length > 0 ? { unknown } : {};
}

async function discoverByGroupVersion(client: ApiClient, spec: ResourceSpec): Promise<DiscoveredSpec> {
  let refused = false;
  const lists = async (version: string) => {
    const found = await getIfVisible<ResourceList>(client, `/apis/${spec.group}/${version}`);
    if (found === FORBIDDEN) refused = true;
    return found !== FORBIDDEN && found?.resources?.some((r) => r.name === spec.plural) === true;
  };
  for (const version of spec.versions) if (await lists(version)) return { served: version };
  const group = await getIfVisible<ApiGroup>(client, `/apis/${spec.group}`);
  if (group === FORBIDDEN) refused = true;
  const others =
    group === FORBIDDEN ? [] : (group?.versions ?? []).map((v) => v.version).filter((v) => !spec.versions.includes(v));
  const unknown: string[] = [];
  for (const version of others) if (await lists(version)) unknown.push(version);
  if (unknown.length > 0) return { unknown };
  return refused ? { refused: true } : {};
}
