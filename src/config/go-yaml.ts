/**
 * YAML read the way Go agents read their config files: sigs.k8s.io/yaml (YAML 1.1 scalars such as
 * `yes`/`on`, the first document only, duplicate keys allowed with the last winning) turned into
 * JSON for encoding/json. An empty document is JSON null.
 */
import { parseAllDocuments } from 'yaml';

export type DecodedYaml = { ok: true; value: unknown } | { ok: false; detail: string };

export function decodeGoYaml(text: string): DecodedYaml {
  const [doc] = parseAllDocuments(text, { version: '1.1', uniqueKeys: false });
  if (doc === undefined || !('errors' in doc)) return { ok: true, value: null };
  if (doc.errors.length > 0) return { ok: false, detail: `invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}` };
  return { ok: true, value: doc.toJS() ?? null };
}

/** encoding/json's name for a JSON value's type, as its UnmarshalTypeError says. */
export function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value;
}
