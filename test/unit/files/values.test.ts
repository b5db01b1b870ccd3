import { readDate, readNumber } from '../../../shared/files/values.js';

const de = { decimal: ',', thousands: '.', currency: ['€', 'EUR'] } as const;
const us = { decimal: '.', thousands: ',', currency: ['$'] } as const;

describe('readDate', () => {
  it.each([
    ['01.03.2025', 'dd.MM.yyyy', '2025-03-01'],
    ['1.3.2025', 'd.M.yyyy', '2025-03-01'],
    ['03/01/2025', 'MM/dd/yyyy', '2025-03-01'],
    ['2025-03-01', 'yyyy-MM-dd', '2025-03-01'],
    ['01-03-25', 'dd-MM-yy', '2025-03-01'],
    ['20250301', 'yyyyMMdd', '2025-03-01'],
    ['01.03.2025 00:00:00', 'dd.MM.yyyy', '2025-03-01'],
  ])('%s as %s is %s', (text, pattern, iso) => {
    expect(readDate(text, pattern)).toBe(iso);
  });

  it('refuses impossible and mis-patterned dates', () => {
    expect(readDate('31.02.2025', 'dd.MM.yyyy')).toBeUndefined();
    expect(readDate('13/01/2025', 'MM/dd/yyyy')).toBeUndefined();
    expect(readDate('2025-03-01', 'dd.MM.yyyy')).toBeUndefined();
    expect(readDate('', 'dd.MM.yyyy')).toBeUndefined();
  });

  it('reads spreadsheet dates and Excel serial numbers', () => {
    expect(readDate(new Date(Date.UTC(2025, 2, 1)), 'dd.MM.yyyy')).toBe('2025-03-01');
    // 45717 is the serial Excel shows for 1 March 2025 (1900 date system).
    expect(readDate(45717, 'dd.MM.yyyy')).toBe('2025-03-01');
    expect(readDate(45717.5, 'dd.MM.yyyy')).toBeUndefined();
  });
});

describe('readNumber', () => {
  it.each([
    ['1.234,56', de, 1234.56],
    ['1.234,56 €', de, 1234.56],
    ['EUR -18.500,00', de, -18500],
    ['(1.234,50)', de, -1234.5],
    ['25,00-', de, -25],
    ['0,5', de, 0.5],
    ['$1,234.56', us, 1234.56],
    ['-0.75', us, -0.75],
    ['1 234,5', { decimal: ',', thousands: ' ', currency: [] }, 1234.5],
    ["1'234.5", { decimal: '.', thousands: "'", currency: [] }, 1234.5],
  ] as const)('%s is %p', (text, format, value) => {
    expect(readNumber(text, format)).toBe(value);
  });

  it('refuses what it would have to guess', () => {
    expect(readNumber('1.234,56', us)).toBeUndefined();
    expect(readNumber('12,5', { decimal: '.', thousands: '', currency: [] })).toBeUndefined();
    expect(readNumber('n/a', de)).toBeUndefined();
    expect(readNumber('1,2,3', de)).toBeUndefined();
    expect(readNumber('', de)).toBeUndefined();
  });

  it('takes spreadsheet numbers as they are', () => {
    expect(readNumber(1234.56, de)).toBe(1234.56);
    expect(readNumber(Number.NaN, de)).toBeUndefined();
  });
});
