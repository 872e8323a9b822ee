/**
 * Kubernetes objects in their raw wire form, as `-f` files and the live reader both give them.
 * Only the fields every object has are typed; the parsers in config/ read the rest defensively.
 */
export interface OwnerReference {
  apiVersion?: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** Where a conclusion came from: an object and, where it matters, the key inside it. */
export interface ObjectRef {
  kind: string;
  namespace?: string;
  name: string;
  key?: string;
}
