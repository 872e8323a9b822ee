/** json/yaml serialisation of report objects. */
import { stringify } from 'yaml';

export type DataFormat = 'json' | 'yaml';

export function serialize(value: unknown, format: DataFormat): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value, { lineWidth: 0 });
}

/** A report whose `items` come one at a time: `who -A` on a large cluster has hundreds of thousands. */
export interface StreamedReport {
  envelope: Record<string, unknown>;
  items: Iterable<unknown>;
}

const ITEMS_MARK = '\u0000items\u0000';
/** Streamed text is written in pieces of about a megabyte. */
export const PIECE_LENGTH = 1 << 20;

/** The JSON text of `value` before and after its `items` (in its place among the keys), which come one at a time. */
export function jsonAroundItems(value: Record<string, unknown>): [head: string, tail: string] {
  const [head, tail] = serialize({ ...value, items: ITEMS_MARK }, 'json').split(JSON.stringify(ITEMS_MARK));
  return [head!, tail!];
}

/** One item of a List's `items` as serialize() indents it there, without the comma before it. */
export function jsonItem(item: unknown): string {
  return `    ${JSON.stringify(item, null, 2).replaceAll('\n', '\n    ')}`;
}

/**
 * Writes the report in pieces of about a megabyte: the same text serialize() gives for the
 * envelope with its items in place, without the items ever being one object or one string.
 * YAML, which no one reads at that size, is written whole.
 */
export function writeReport(report: StreamedReport, format: DataFormat, write: (text: string) => void): void {
  for (const piece of reportPieces(report, format)) write(piece);
}

/** writeReport's pieces, for a writer that pauses between them. */
export function* reportPieces(report: StreamedReport, format: DataFormat): Generator<string> {
  if (format === 'yaml') return yield serialize({ ...report.envelope, items: [...report.items] }, 'yaml');
  const [head, tail] = jsonAroundItems(report.envelope);
  let buffer = head;
  let first = true;
  for (const item of report.items) {
    buffer += `${first ? '[\n' : ',\n'}${jsonItem(item)}`;
    first = false;
    if (buffer.length >= PIECE_LENGTH) {
      yield buffer;
      buffer = '';
    }
  }
  yield `${buffer}${first ? '[]' : '\n  ]'}${tail}`;
}
