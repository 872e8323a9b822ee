/**
 * Block YAML for plain JSON data (what snapshot writes of Pods and Nodes), a hundred times faster
 * than the yaml package's stringify, which builds a document tree per item (14 s for 50,000 cut
 * pods on the 2-core machine). A string is written plain only when it reads back as the same
 * string under YAML 1.2 (the yaml package, this tool's reader) and 1.1 (kubectl's go-yaml):
 * letters, digits and `_ . / -`, not starting with a digit-like or keyword form; anything else is a
 * JSON string, which is a valid YAML double-quoted scalar.
 */

/** Number-like to some YAML reader: 010, 1_000, 1e3, 2001-12-14, 0x1F, 0o17, 0b101, .5 … */
const NUMBER_LIKE = /^[-+]?[0-9._]+([eE][-+]?[0-9_]+)?$|^[-+]?[0-9][0-9._eE+-]*$|^0[xob]/i;
/** YAML 1.1's booleans and the nulls of both versions. */
const KEYWORDS = new Set(['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null']);
const PLAIN = /^[A-Za-z0-9][A-Za-z0-9_./-]*$/;

/**
 * What plain() answered, by string: a snapshot's keys, label values, namespaces and node names
 * repeat across its items, and the three tests took a third of its writing time. Short strings
 * only, and a bounded number, so a file of distinct long values cannot grow it without end.
 */
const plainAnswers = new Map<string, boolean>();
const REMEMBERED_LENGTH = 64;
const REMEMBERED_COUNT = 100_000;

function plain(text: string): boolean {
  const known = plainAnswers.get(text);
  if (known !== undefined) return known;
  const answer = PLAIN.test(text) && !NUMBER_LIKE.test(text) && !KEYWORDS.has(text.toLowerCase());
  if (text.length <= REMEMBERED_LENGTH && plainAnswers.size < REMEMBERED_COUNT) plainAnswers.set(text, answer);
  return answer;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Met at the first string value with a line break, which the caller writes with the yaml package
 * instead (a block scalar a person can read): one walk of the item, not a search and then a write.
 */
const LINE_BREAK = Symbol('line break');

/** The value on one line, or undefined for a collection that takes lines of its own. */
function scalar(value: unknown): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
  if (typeof value === 'string') {
    if (plain(value)) return value;
    if (value.includes('\n')) throw LINE_BREAK;
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return value.length === 0 ? '[]' : undefined;
  if (isObject(value)) return Object.values(value).some((v) => v !== undefined) ? undefined : '{}';
  return JSON.stringify(String(value));
}

/**
 * `value`'s lines, each at `indent` but the first, which starts with `first` instead (as long as
 * `indent`: the `- ` of the sequence item it opens). One string built as it goes: no array of
 * lines per item, no re-indenting of a first line afterwards.
 */
function collection(value: unknown, indent: string, first: string): string {
  const inner = `${indent}  `;
  let text = '';
  let lead = first;
  if (Array.isArray(value)) {
    for (const item of value) {
      const one = scalar(item);
      text += one !== undefined ? `${lead}- ${one}\n` : collection(item, inner, `${lead}- `);
      lead = indent;
    }
    return text;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    if (item === undefined) continue;
    const name = plain(key) ? key : JSON.stringify(key);
    const one = scalar(item);
    text += one !== undefined ? `${lead}${name}: ${one}\n` : `${lead}${name}:\n${collection(item, inner, inner)}`;
    lead = indent;
  }
  return text;
}

/**
 * `value` (an object) as one item of a block sequence indented by `indent`: `- key: …`; undefined
 * when one of its string values spans lines.
 */
export function blockYamlItem(value: Record<string, unknown>, indent: string): string | undefined {
  try {
    return collection([value], indent, indent);
  } catch (error) {
    if (error === LINE_BREAK) return undefined;
    throw error;
  }
}
