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
/** YAML 1.1's booleans and the nulls of both versions; none longer than LONGEST_KEYWORD. */
const KEYWORDS = new Set(['y', 'n', 'yes', 'no', 'on', 'off', 'true', 'false', 'null']);
const LONGEST_KEYWORD = 5;

/**
 * Whether the string reads back as itself written plain: /^[A-Za-z0-9][A-Za-z0-9_./-]*$/, not
 * NUMBER_LIKE, not a keyword. Tested a character at a time: a snapshot asks it of two million
 * strings, most of them fresh from the read, where a regular expression or a cache lookup (which
 * hashes the string) cost a third of the writing. Of the plain strings only one that starts with
 * a digit can be number-like (a sign, dot or underscore cannot start one), and only a short one a
 * keyword.
 */
export function plain(text: string): boolean {
  const length = text.length;
  const first = text.charCodeAt(0);
  if (length === 0 || !isAlphanumeric(first)) return false;
  for (let i = 1; i < length; i++) {
    const c = text.charCodeAt(i);
    // _ . / -
    if (!isAlphanumeric(c) && c !== 95 && c !== 46 && c !== 47 && c !== 45) return false;
  }
  if (first >= 48 && first <= 57) return !NUMBER_LIKE.test(text);
  return length > LONGEST_KEYWORD || !KEYWORDS.has(text.toLowerCase());
}

function isAlphanumeric(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
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
 * `indent`: the `- ` of the sequence item it opens), pushed to `out` piece by piece: the item is
 * joined once into one flat string, where `+=` would make a tree of small strings that lives as
 * long as the text and costs the garbage collector a copy of each.
 */
function collection(value: unknown, indent: string, first: string, out: string[]): void {
  const inner = `${indent}  `;
  let lead = first;
  if (Array.isArray(value)) {
    for (const item of value) {
      const one = scalar(item);
      if (one !== undefined) out.push(lead, '- ', one, '\n');
      else collection(item, inner, `${lead}- `, out);
      lead = indent;
    }
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    if (item === undefined) continue;
    const name = plain(key) ? key : JSON.stringify(key);
    const one = scalar(item);
    if (one !== undefined) out.push(lead, name, ': ', one, '\n');
    else {
      out.push(lead, name, ':\n');
      collection(item, inner, inner, out);
    }
    lead = indent;
  }
}

/**
 * `value` (an object) as one item of a block sequence indented by `indent`: `- key: …`; undefined
 * when one of its string values spans lines.
 */
export function blockYamlItem(value: Record<string, unknown>, indent: string): string | undefined {
  const out: string[] = [];
  try {
    collection([value], indent, indent, out);
  } catch (error) {
    if (error === LINE_BREAK) return undefined;
    throw error;
  }
  return out.join('');
}
