import { describe, expect, it } from '@jest/globals';
import { csvCell, toCsv } from '../../../shared/reporting/csv.js';

describe('CSV', () => {
  it('quotes separators, quotes and line breaks', () => {
    expect(csvCell('Bar, "The Deck"')).toBe('"Bar, ""The Deck"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell(' padded')).toBe('" padded"');
  });

  it('neutralises cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-cmd')).toBe("'-cmd");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
  });

  it('writes numbers as numbers (negative variances stay numeric) and nulls as empty cells', () => {
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell(null)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
    expect(toCsv(['a (EUR)', 'b'], [[1, null], ['x,y', -2]])).toBe('a (EUR),b\r\n1,\r\n"x,y",-2\r\n');
  });
});
