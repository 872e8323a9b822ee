/**
 * RBAC pre-flight with SelfSubjectAccessReview (as kubectl-who-can's CheckAPIAccess does), and
 * API discovery, so refusals and missing CRDs become gaps before any list is attempted.
 */
import { ApiStatusError, type ApiClient } from './http.ts';
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
  const review = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: attributes } };
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

/** The first of the spec's versions whose discovery document lists the resource, if any. */
export async function servedVersion(client: ApiClient, spec: ResourceSpec): Promise<string | undefined> {
  for (const version of spec.versions) {
    try {
      const list = await client.get<ResourceList>(`/apis/${spec.group}/${version}`);
      if (list.resources?.some((r) => r.name === spec.plural)) return version;
    } catch (error) {
      if (!(error instanceof ApiStatusError && (error.status === 404 || error.status === 403))) throw error;
    }
  }
  return undefined;
}
