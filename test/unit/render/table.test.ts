/**
 * renderTable lays long tables out in pieces so its cost grows with the rows, not their square;
 * the text is still the one cli-table3 table's, line for line, whatever the cells hold.
 */
import Table from 'cli-table3';
import { describe, expect, it } from 'vitest';
import { renderTable } from '../../../src/render/table.ts';

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

/** The table as one cli-table3 table: what renderTable wrote before it used pieces. */
function oneTable(head: string[], rows: string[][]): string {
  const table = new Table({
    head,
    chars: BLANK,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  for (const row of rows) table.push(row);
  return `${table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')}\n`;
}

const HEAD = ['NAMESPACE', 'POD', 'SOURCE IP', 'REASON'];
const plain = (i: number) => [
  'shop',
  `web-${i}`,
  `172.16.0.${i % 250}`,
  i % 7 === 0 ? '' : `masqueraded to node IP 172.16.0.${i % 250}`,
];
const many = (count: number, cell: (i: number) => string[] = plain) => Array.from({ length: count }, (_, i) => cell(i));

describe('renderTable', () => {
  it.each([
    ['no rows: the head alone', []],
    ['one row', many(1)],
    ['exactly one piece', many(100)],
    [
      'several pieces, the widest cell in the last one',
      [...many(249), ['kube-system', 'the-longest-pod-name-of-all', '10.0.0.1', 'x']],
    ],
    ['a column that is empty in every row', many(150, (i) => ['shop', `web-${i}`, '', ''])],
    [
      'wide characters, which take two columns each',
      many(150, (i) => (i === 120 ? ['店舗', 'ウェブ-1', '10.0.0.1', '名前空間'] : plain(i))),
    ],
    [
      'combining marks, which take none',
      many(150, (i) => (i === 3 ? ['shop', 'cafe\u0301-the-widest-pod-name', '10.0.0.3', 'e\u0301'] : plain(i))),
    ],
    ['a cell of two lines', many(150, (i) => (i === 101 ? ['shop', 'web-101', '10.0.0.1\n10.0.0.2', 'x'] : plain(i)))],
  ])('writes %s as one table would', (_name, rows) => {
    expect(renderTable(HEAD, rows)).toBe(oneTable(HEAD, rows));
  });

  it('writes a head wider than every cell as one table would', () => {
    const rows = many(150, (i) => ['a', String(i), 'b', 'c']);
    expect(renderTable(['A VERY LONG HEADING', 'N', 'SOURCE IP', 'R'], rows)).toBe(
      oneTable(['A VERY LONG HEADING', 'N', 'SOURCE IP', 'R'], rows),
    );
  });
});
