/**
 * The only cli-table3 user: kubectl-style borderless columns, never coloured (golden output and
 * pipes stay clean; NO_COLOR and non-TTY need nothing special).
 */
import Table from 'cli-table3';

const BLANK = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '',
  'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '   ',
};

export function renderTable(head: string[], rows: string[][]): string {
  const table = new Table({ head, chars: BLANK, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 } });
  table.push(...rows);
  return `${table.toString().split('\n').map((line) => line.trimEnd()).join('\n')}\n`;
}
