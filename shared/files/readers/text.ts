import { TextDecoder } from 'node:util';
import type { Encoding } from '../mapping.js';
import { chunksOf, FileFormatError, type FileInput } from './source.js';

/** The encoding a byte-order mark announces, and the mark's length. */
function sniffBom(head: Uint8Array): { encoding: Encoding; length: number } | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

/**
 * Decodes a byte stream as text, chunk by chunk (characters split across chunks are joined by the
 * streaming decoder). A byte-order mark decides the encoding and is dropped; otherwise `declared`
 * does. UTF-8 is decoded strictly: a Windows-1252 file read as UTF-8 fails with a message saying
 * which encoding to set, rather than importing mangled names.
 */
export async function* decodeText(input: FileInput, declared: Encoding | ((head: Uint8Array) => Encoding)): AsyncGenerator<string> {
  // A function decides from the first bytes (an XML declaration), so it waits for enough of them.
  const headBytes = typeof declared === 'function' ? 256 : 3;
  const choose = (head: Uint8Array): Encoding => (typeof declared === 'function' ? declared(head) : declared);
  let decoder: TextDecoder | undefined;
  let pending: Uint8Array = new Uint8Array(0);
  let offset = 0;
  const fail = (encoding: string): never => {
    throw new FileFormatError(`the file is not valid ${encoding} text (in the bytes from offset ${offset}); set file.encoding (utf-8, utf-16le, utf-16be or windows-1252)`);
  };
  for await (const chunk of chunksOf(input)) {
    let bytes = chunk;
    if (!decoder) {
      // A mark (or a declaration) may be split over the first chunks: wait for enough bytes.
      pending = concat(pending, bytes);
      if (pending.length < headBytes) continue;
      const bom = sniffBom(pending);
      const encoding = bom?.encoding ?? choose(pending);
      decoder = new TextDecoder(encoding, { fatal: true });
      bytes = pending.subarray(bom?.length ?? 0);
      offset = bom?.length ?? 0;
    }
    let text: string;
    try {
      text = decoder.decode(bytes, { stream: true });
    } catch {
      return fail(decoder.encoding);
    }
    offset += bytes.length;
    if (text) yield decoder.encoding === 'windows-1252' ? fixCp1252(text) : text;
  }
  if (!decoder) {
    const bom = sniffBom(pending);
    decoder = new TextDecoder(bom?.encoding ?? choose(pending), { fatal: true });
    pending = pending.subarray(bom?.length ?? 0);
  } else pending = new Uint8Array(0);
  try {
    const rest = decoder.decode(pending);
    if (rest) yield decoder.encoding === 'windows-1252' ? fixCp1252(rest) : rest;
  } catch {
    fail(decoder.encoding);
  }
}

/**
 * Windows-1252's bytes 0x80–0x9F (€, ‚, „, …, ‘, ’, “, ”, –, —, ™, Š, š, Ž, ž, Ÿ, ...). Node's decoder
 * for the label reads them as Latin-1 control characters, so they are mapped here (the WHATWG table;
 * the five bytes it leaves undefined stay as they are).
 */
const CP1252_HIGH = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function fixCp1252(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (ch) => CP1252_HIGH[ch.charCodeAt(0) - 0x80] ?? ch);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
