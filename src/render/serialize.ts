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
const CHUNK = 1 << 20;

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
  const [head, tail] = serialize({ ...report.envelope, items: ITEMS_MARK }, 'json').split(JSON.stringify(ITEMS_MARK));
  let buffer = head!;
  let first = true;
  for (const item of report.items) {
    buffer += `${first ? '[\n' : ',\n'}    ${JSON.stringify(item, null, 2).replaceAll('\n', '\n    ')}`;
    first = false;
    if (buffer.length >= CHUNK) {
      yield buffer;
      buffer = '';
    }
  }
  yield `${buffer}${first ? '[]' : '\n  ]'}${tail}`;
}
