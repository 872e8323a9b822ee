/**
 * Which group versions serve which resources, from aggregated discovery: one GET of /apis
 * (apidiscovery.k8s.io v2, GA in Kubernetes 1.30; v2beta1 from 1.26 behind a gate that 1.27 turned
 * on) instead of a GET per group version — about 40 requests for the custom resources the tool
 * knows, each on its own connection, which were the last part of explain's read to finish
 * (issue 20). kubectl asks for it with the same Accept header (client-go discovery
 * `AcceptV2`/`AcceptV2Beta1`). A server without it answers the plain APIGroupList, and then
 * access.ts asks each group version as before.
 */
import { ApiStatusError, type ApiClient } from './http.ts';

const ACCEPT = [
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
  'application/json;q=0.9',
].join(',');

interface GroupDiscoveryList {
  kind?: string;
  items?: {
    metadata?: { name?: string };
    versions?: { version?: string; freshness?: string; resources?: { resource?: string }[] }[];
  }[];
}

/** A group version of the aggregated document: its resources, or `stale` when its server did not answer the API server. */
export type DiscoveredVersion = { resources: ReadonlySet<string> } | 'stale';

/** group → version → what it serves, in the server's order of preference. */
export type Discovery = ReadonlyMap<string, ReadonlyMap<string, DiscoveredVersion>>;

const documents = new WeakMap<ApiClient, Promise<Discovery | undefined>>();

/** The aggregated discovery document, asked once per client; undefined when the server does not give one (or refuses it). */
export function aggregatedDiscovery(client: ApiClient): Promise<Discovery | undefined> {
  let document = documents.get(client);
  if (!document) {
    document = fetchDiscovery(client);
    documents.set(client, document);
  }
  return document;
}

async function fetchDiscovery(client: ApiClient): Promise<Discovery | undefined> {
  let body: GroupDiscoveryList;
  try {
    body = await client.getAccepting<GroupDiscoveryList>('/apis', ACCEPT);
  } catch (error) {
    // Refused or absent: asking each group version finds out what may be found out, as before.
    if (error instanceof ApiStatusError) return undefined;
    throw error;
  }
  return body.kind === 'APIGroupDiscoveryList' ? indexGroups(body) : undefined;
}

export function indexGroups(body: GroupDiscoveryList): Discovery {
  const groups = new Map<string, Map<string, DiscoveredVersion>>();
  for (const group of body.items ?? []) {
    const versions = new Map<string, DiscoveredVersion>();
    for (const v of group.versions ?? []) {
      if (!v.version) continue;
      versions.set(
        v.version,
        v.freshness === 'Stale'
          ? 'stale'
          : { resources: new Set((v.resources ?? []).map((r) => r.resource ?? '').filter(Boolean)) },
      );
    }
    if (group.metadata?.name) groups.set(group.metadata.name, versions);
  }
  return groups;
}
