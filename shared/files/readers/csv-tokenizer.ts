const QUOTE = 34;
const CR = 13;
const LF = 10;

/** Malformed quoting, with the line it was found on (counted as the file's line breaks). */
export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
}

type RecordDelimiter = '' | '\r\n' | '\n' | '\r';

/**
 * An RFC 4180 tokenizer over decoded text chunks: quoted fields may hold delimiters, doubled quotes
 * and line breaks. It reads like csv-parse did here before it (same records, same refusals), without
 * its per-character stream machinery, which cost about half the file path's time on a large export:
 * unquoted fields are found by scanning for the four characters that end them, quoted ones by
 * `indexOf('"')`, and a field is one `slice` unless it spans chunks.
 *
 * The record delimiter is the first line break outside quotes (CRLF, LF or CR, as csv-parse decided it):
 * other line-break characters outside quotes are then field text. A quote inside an unquoted field, a
 * character other than a delimiter or line break after a closing quote, and an unclosed quote at the
 * end are syntax errors. An empty line is a record of one empty field, and a last line without
 * characters is no record.
 */
export class CsvTokenizer {
  private readonly delimiter: number;
  private recordDelimiter: RecordDelimiter = '';
  private record: string[] = [];
  /** The current field's text read so far (before a chunk boundary or an escaped quote). */
  private field = '';
  private state: 'start' | 'unquoted' | 'quoted' | 'closed' = 'start';
  /** Characters held back until the next chunk says what they are (a CR before a possible LF, a quote before a possible second quote). */
  private carry = '';
  /** Line breaks consumed, for the error messages. */
  private lines = 1;

  constructor(delimiter: string) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** The records completed by this chunk. */
  push(text: string): string[][] {
    const out: string[][] = [];
    this.run(this.carry + text, false, out);
    return out;
  }

  /** The last record, if the text did not end with a line break; throws on an unclosed quote. */
  end(): string[][] {
    const out: string[][] = [];
    this.run(this.carry, true, out);
    if (this.state === 'quoted') throw new CsvSyntaxError(`Quote Not Closed: the parsing is finished with an opening quote at line ${this.lines}`);
    if (this.state === 'closed' || this.state === 'unquoted' || this.record.length > 0) {
      this.record.push(this.field);
      out.push(this.record);
    }
    this.record = [];
    this.field = '';
    this.state = 'start';
    return out;
  }

  /** How many characters of line break end a record at `at` (0: none, the character is field text; -1: the next chunk decides). */
  private recordDelimiterAt(s: string, at: number, end: boolean): number {
    const c = s.charCodeAt(at);
    switch (this.recordDelimiter) {
      case '\n':
        return c === LF ? 1 : 0;
      case '\r':
        return c === CR ? 1 : 0;
      case '\r\n':
        if (c !== CR) return 0;
        if (at + 1 >= s.length) return end ? 0 : -1;
        return s.charCodeAt(at + 1) === LF ? 2 : 0;
      default: {
        // The first line break outside quotes decides (csv-parse's discovery: CRLF before CR).
        if (c === LF) this.recordDelimiter = '\n';
        else if (c !== CR) return 0;
        else if (at + 1 < s.length) this.recordDelimiter = s.charCodeAt(at + 1) === LF ? '\r\n' : '\r';
        else if (end) this.recordDelimiter = '\r';
        else return -1;
        return this.recordDelimiter.length;
      }
    }
  }

  private endField(value: string): void {
    this.record.push(value);
    this.field = '';
  }

  private endRecord(out: string[][], value: string): void {
    this.record.push(value);
    out.push(this.record);
    this.record = [];
    this.field = '';
    this.state = 'start';
    this.lines += 1;
  }

  private run(s: string, end: boolean, out: string[][]): void {
    this.carry = '';
    const d = this.delimiter;
    const n = s.length;
    let i = 0;
    while (i < n) {
      if (this.state === 'start') {
        if (s.charCodeAt(i) === QUOTE) {
          this.state = 'quoted';
          i++;
          continue;
        }
        this.state = 'unquoted';
      }
      if (this.state === 'unquoted') {
        let j = i;
        let c = 0;
        for (; j < n; j++) {
          c = s.charCodeAt(j);
          if (c === d || c === CR || c === LF || c === QUOTE) break;
        }
        if (j === n) {
          this.field += s.slice(i);
          return;
        }
        if (c === d) {
          this.endField(this.field + s.slice(i, j));
          this.state = 'start';
          i = j + 1;
          continue;
        }
        if (c === QUOTE) {
          throw new CsvSyntaxError(`Invalid Opening Quote: a quote is found on field ${this.record.length} at line ${this.lines}, value is ${JSON.stringify(this.field + s.slice(i, j))}`);
        }
        const length = this.recordDelimiterAt(s, j, end);
        if (length < 0) {
          this.field += s.slice(i, j);
          this.carry = s.slice(j);
          return;
        }
        if (length === 0) {
          // A line-break character that is not the file's record delimiter: field text.
          this.field += s.slice(i, j + 1);
          i = j + 1;
          continue;
        }
        this.endRecord(out, this.field + s.slice(i, j));
        i = j + length;
        continue;
      }
      if (this.state === 'quoted') {
        const q = s.indexOf('"', i);
        if (q < 0) {
          this.field += s.slice(i);
          return;
        }
        if (q + 1 >= n && !end) {
          this.field += s.slice(i, q);
          this.carry = '"';
          return;
        }
        if (q + 1 < n && s.charCodeAt(q + 1) === QUOTE) {
          this.field += s.slice(i, q + 1);
          i = q + 2;
          continue;
        }
        this.field += s.slice(i, q);
        if (this.field.includes('\n') || this.field.includes('\r')) this.lines += this.field.match(/\r\n|\r|\n/g)?.length ?? 0;
        this.state = 'closed';
        i = q + 1;
        continue;
      }
      // closed: a delimiter or the record delimiter must follow the closing quote.
      const c = s.charCodeAt(i);
      if (c === d) {
        this.endField(this.field);
        this.state = 'start';
        i++;
        continue;
      }
      if (c === CR || c === LF) {
        const length = this.recordDelimiterAt(s, i, end);
        if (length < 0) {
          this.carry = s.slice(i);
          return;
        }
        if (length > 0) {
          this.endRecord(out, this.field);
          i += length;
          continue;
        }
      }
      throw new CsvSyntaxError(`Invalid Closing Quote: got "${s[i] ?? ''}" at line ${this.lines} instead of delimiter or record delimiter`);
    }
  }
}
