import { parse } from 'csv-parse/sync';
import { CsvSyntaxError, CsvTokenizer } from '../../../shared/files/readers/csv-tokenizer.js';

/** The records of `text` fed in pieces of `size` characters, or the syntax error's first word. */
function tokenize(text: string, delimiter: string, size: number): string[][] | string {
  const t = new CsvTokenizer(delimiter);
  const out: string[][] = [];
  try {
    for (let at = 0; at < text.length; at += size) out.push(...t.push(text.slice(at, at + size)));
    out.push(...t.end());
  } catch (err) {
    if (err instanceof CsvSyntaxError) return err.message.split(':')[0] as string;
    throw err;
  }
  return out;
}

/** What csv-parse, which the file reader used before, makes of it with the reader's options then. */
function reference(text: string, delimiter: string): string[][] | string {
  try {
    return parse(text, { delimiter, relax_column_count: true, skip_empty_lines: false, trim: false, bom: false }) as string[][];
  } catch (err) {
    const code = (err as { code?: string }).code;
    return code === 'CSV_QUOTE_NOT_CLOSED' ? 'Quote Not Closed' : code === 'INVALID_OPENING_QUOTE' ? 'Invalid Opening Quote' : code === 'CSV_INVALID_CLOSING_QUOTE' ? 'Invalid Closing Quote' : `other: ${String(err)}`;
  }
}

describe('CSV tokenizer', () => {
  it('reads the cases csv-parse read the same way: quotes, doubled quotes, line breaks in quotes, empty lines, CRLF, LF, CR', () => {
    const cases = [
      'a;b;c\r\n1;"2;3";4\r\n',
      'a,b\n"x ""quoted"" y","line\nbreak"\n\nlast,row',
      'a,b\r"1","2"\r3,4\r',
      'a,b\r\nx\ny,z\r\n',
      'a,b\n1,\n,\n',
      'a\tb\n"",""\n',
      'only',
      '',
      '\n\n',
      'a,"b"\r\n"c"',
      'h\r\n"multi\r\nline\nfield",x\r\n',
    ];
    for (const text of cases) {
      const expected = reference(text, text.includes(';') ? ';' : text.includes('\t') ? '\t' : ',');
      for (const size of [1, 2, 3, 7, 1 << 16]) expect([text, size, tokenize(text, text.includes(';') ? ';' : text.includes('\t') ? '\t' : ',', size)]).toEqual([text, size, expected]);
    }
  });

  it('refuses what csv-parse refused: an unclosed quote, a quote inside an unquoted field, text after a closing quote', () => {
    for (const [text, error] of [
      ['a,b\n1,"2,3\n', 'Quote Not Closed'],
      ['a,b\n1,x"y\n', 'Invalid Opening Quote'],
      ['a,b\n1,"2"x\n', 'Invalid Closing Quote'],
      ['a,b\r\n1,"2"\n', 'Invalid Closing Quote'],
    ] as const) {
      expect(reference(text, ',')).toBe(error);
      for (const size of [1, 4, 100]) expect(tokenize(text, ',', size)).toBe(error);
    }
  });

  it('agrees with csv-parse on random text of delimiters, quotes and line breaks, in any chunking', () => {
    // A fixed-seed generator: the same cases every run.
    let seed = 18;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = ['a', 'b', 'ä', ',', ',', '"', '"', '\n', '\r\n', '\r', ' ', '1'];
    for (let n = 0; n < 1500; n++) {
      let text = '';
      const length = Math.floor(next() * 24);
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
      const expected = reference(text, ',');
      if (typeof expected === 'string' && expected.startsWith('other')) throw new Error(`${JSON.stringify(text)}: ${expected}`);
      const size = 1 + Math.floor(next() * 5);
      expect([JSON.stringify(text), size, tokenize(text, ',', size)]).toEqual([JSON.stringify(text), size, expected]);
    }
  });
});
