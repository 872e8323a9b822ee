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

/** unicode.IsSpace: Latin-1 \t \n \v \f \r, space, U+0085, U+00A0, and the other White_Space runes (not the BOM). */
const GO_SPACE_THEN_BRACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*\{/;

/**
 * What the ip-masq-agents (upstream, Azure's v2, Cilium's BPF one) do with their file:
 * k8s.io/apimachinery pkg/util/yaml `ToJSON` passes a buffer whose first non-space byte is `{`
 * (`IsJSONBuffer`: bytes.TrimLeftFunc(unicode.IsSpace), then HasPrefix "{") to encoding/json
 * unchanged, and only converts anything else from YAML. So `{nonMasqueradeCIDRs: [10.0.0.0/8]}`
 * or a trailing comma is a JSON syntax error, not a YAML flow mapping.
 */
export function decodeAgentConfigFile(text: string): DecodedYaml {
  if (!GO_SPACE_THEN_BRACE.test(text)) return decodeGoYaml(text);
  try {
    // JSON.parse, like encoding/json, takes only space, tab, CR and LF around values and refuses
    // trailing data after the object; a duplicate key keeps the last value in both.
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return {
      ok: false,
      detail: `invalid JSON (the file starts with "{", so the agent reads it as JSON, not YAML): ${(error as Error).message}`,
    };
  }
}
