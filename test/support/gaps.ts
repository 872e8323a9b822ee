/** Read gaps as the live read records them: `forbidden('configmaps', 'kube-system')`. */
import type { ReadGap } from '../../src/model/gaps.ts';

export const forbidden = (resource: string, namespace?: string): ReadGap => ({
  resource,
  reason: 'forbidden',
  ...(namespace ? { namespace } : {}),
});
export const notServed = (resource: string): ReadGap => ({ resource, reason: 'not-served' });
export const unknownVersion = (resource: string, served: string): ReadGap => ({
  resource,
  reason: 'unknown-version',
  served,
});
