import type { Cell } from '../values.js';

/** A file-level problem: the file as a whole cannot be read (its message is safe to show and store). */
export class FileFormatError extends Error {
  override readonly name = 'FileFormatError';
}

/** What a file arrives as: all its bytes, or a stream of them (a Node stream, a blob download, a web ReadableStream). */
export type FileInput = Uint8Array | AsyncIterable<Uint8Array>;

/** One row of a file: its number as the user sees it (CSV line, sheet row, XML record ordinal) and its cells by key. */
export interface SourceRow {
  row: number;
  cells: ReadonlyMap<string, Cell>;
}

/** Header names compare trimmed, case-insensitively, with runs of white space as one space. */
export function headerKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Called with the header once it is read: throws when a mapped column is missing. */
export type HeaderCheck = (headers: readonly string[]) => void;

export async function* chunksOf(input: FileInput): AsyncGenerator<Uint8Array> {
  if (input instanceof Uint8Array) {
    // Whole buffers are handed on in slices, so a 50 MB upload is decoded and parsed as a stream too.
    for (let at = 0; at < input.length; at += 1 << 16) yield input.subarray(at, Math.min(input.length, at + (1 << 16)));
    return;
  }
  for await (const chunk of input) yield chunk;
}
