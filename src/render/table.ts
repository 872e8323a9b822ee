/**
 * The only cli-table3 user: kubectl-style borderless columns, never coloured (golden output and
 * pipes stay clean; NO_COLOR and non-TTY need nothing special).
 */
import Table from 'cli-table3';

const BLANK = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '   ',
};

/**
 * Rows per cli-table3 table. Its layout checks every cell against every cell above it (it fills
 * in row and column spans), so one table of n rows costs n²: 24,000 rows of `who --by pod` took
 * 46 s, and 600,000 would take hours. In pieces the cost per row is fixed.
 */
const PIECE = 100;

/** Printable ASCII: cli-table3 measures such a cell by its length. */
const PLAIN = /^[\x20-\x7e]*$/;

/**
 * Every row has a cell for each column. The rows are laid out in pieces, each with the widths of
 * the whole table, so the pieces line up as one table: the text is the one table's, line for line.
 */
export function renderTable(head: string[], rows: string[][]): string {
  return [...tablePieces(head, rows)].join('');
}

/** renderTable's text a piece at a time, for a writer that pauses between them. */
export function* tablePieces(head: string[], rows: string[][]): Generator<string> {
  const colWidths = columnWidths(head, rows);
  const trimmed = (text: string) =>
    `${text
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')}\n`;
  yield trimmed(layout(head, rows.slice(0, PIECE), colWidths));
  for (let start = PIECE; start < rows.length; start += PIECE)
    yield trimmed(layout([], rows.slice(start, start + PIECE), colWidths));
}

function layout(head: string[], rows: string[][], colWidths: number[]): string {
  // cli-table3 writes the widths it settles on back into the array it is given.
  const table = new Table({
    head,
    colWidths: [...colWidths],
    chars: BLANK,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  for (const row of rows) table.push(row);
  return table.toString();
}

/** The widths cli-table3 gives the whole table: each column's widest cell, at least 1. */
function columnWidths(head: string[], rows: string[][]): number[] {
  const widths = head.map((cell) => Math.max(1, widthOf(cell)));
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 1, widthOf(cell));
    });
  return widths;
}

function widthOf(cell: string): number {
  return PLAIN.test(cell) ? cell.length : measuredWidth(cell);
}

/**
 * A cell with wide characters, or several lines, as cli-table3 measures it: the padding of an
 * empty cell under it, up to a one-character column beside them.
 */
function measuredWidth(cell: string): number {
  const lines = layout(
    [],
    [
      [cell, '|'],
      ['', '|'],
    ],
    [],
  ).split('\n');
  return lines.at(-1)!.indexOf('|') - BLANK.middle.length;
}
