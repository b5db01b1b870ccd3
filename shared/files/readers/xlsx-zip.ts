import { randomUUID } from 'node:crypto';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { FileFormatError, type FileInput } from './source.js';

/** One file of a zip archive, as its central directory describes it. */
export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

/** The archive's bytes by position: the input itself when it came whole, else a temporary file it was written to. */
interface Positioned {
  size: number;
  read(position: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/**
 * A zip archive read by its central directory, so its entries can be read in any order whatever
 * order they are stored in: an XLSX writer may store a worksheet before the workbook part and the
 * shared strings it needs (exceljs's own streaming writer does). Entries are inflated as streams.
 */
export interface ZipArchive {
  /** Entries by name, compared case-insensitively (OPC part names are). */
  entry(name: string): ZipEntry | undefined;
  /** An entry's uncompressed bytes, in chunks. */
  bytes(entry: ZipEntry): AsyncGenerator<Uint8Array>;
  /** Closes the archive (a temporary file is removed). */
  close(): Promise<void>;
}

const PIECE = 1 << 16;

function fromBytes(bytes: Uint8Array): Positioned {
  return { size: bytes.length, read: async (position, length) => bytes.subarray(position, position + length), close: async () => {} };
}

/** Writes a stream to a temporary file (its central directory is at its end): disk, not memory, holds it. */
async function spooled(input: AsyncIterable<Uint8Array>): Promise<Positioned> {
  const path = join(tmpdir(), `pmi-xlsx-${randomUUID()}.zip`);
  let handle: FileHandle | undefined;
  const remove = async () => {
    await handle?.close().catch(() => {});
    await unlink(path).catch(() => {});
  };
  try {
    handle = await open(path, 'wx+', 0o600);
    let size = 0;
    for await (const chunk of input) {
      await handle.write(chunk, 0, chunk.length, size);
      size += chunk.length;
    }
    const file = handle;
    return {
      size,
      read: async (position, length) => {
        const buffer = Buffer.allocUnsafe(length);
        const { bytesRead } = await file.read(buffer, 0, length, position);
        return buffer.subarray(0, bytesRead);
      },
      close: remove,
    };
  } catch (err) {
    await remove();
    throw err;
  }
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_CENTRAL_DIRECTORY = 64 * 1024 * 1024;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function u64(v: DataView, at: number): number {
  return Number(v.getBigUint64(at, true));
}

/** Where the central directory is and how many entries it has (the zip64 record when the classic one overflows). */
async function centralDirectory(file: Positioned): Promise<{ offset: number; size: number; count: number }> {
  const tailLength = Math.min(file.size, 22 + 0xffff);
  const tail = await file.read(file.size - tailLength, tailLength);
  const t = view(tail);
  let at = tail.length - 22;
  while (at >= 0 && t.getUint32(at, true) !== EOCD) at--;
  if (at < 0) throw new FileFormatError('not a readable XLSX workbook: not a zip archive');
  let count = t.getUint16(at + 10, true);
  let size = t.getUint32(at + 12, true);
  let offset = t.getUint32(at + 16, true);
  if ((count === 0xffff || size === 0xffffffff || offset === 0xffffffff) && at >= 20 && t.getUint32(at - 20, true) === ZIP64_LOCATOR) {
    const record = view(await file.read(u64(t, at - 20 + 8), 56));
    if (record.byteLength < 56 || record.getUint32(0, true) !== ZIP64_EOCD) throw new FileFormatError('not a readable XLSX workbook: a broken zip64 record');
    count = u64(record, 32);
    size = u64(record, 40);
    offset = u64(record, 48);
  }
  if (offset + size > file.size || size > MAX_CENTRAL_DIRECTORY) throw new FileFormatError('not a readable XLSX workbook: a broken zip directory');
  return { offset, size, count };
}

function readEntries(directory: Uint8Array, count: number): ZipEntry[] {
  const v = view(directory);
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directory.length || v.getUint32(at, true) !== CENTRAL) throw new FileFormatError('not a readable XLSX workbook: a broken zip directory');
    const nameLength = v.getUint16(at + 28, true);
    const extraLength = v.getUint16(at + 30, true);
    const commentLength = v.getUint16(at + 32, true);
    const entry: ZipEntry = {
      name: Buffer.from(directory.subarray(at + 46, at + 46 + nameLength)).toString('utf8'),
      flags: v.getUint16(at + 8, true),
      method: v.getUint16(at + 10, true),
      compressedSize: v.getUint32(at + 20, true),
      size: v.getUint32(at + 24, true),
      localHeaderOffset: v.getUint32(at + 42, true),
    };
    // Zip64: the sizes and offset that overflowed 32 bits are in the 0x0001 extra field, in this order.
    let extra = at + 46 + nameLength;
    const extraEnd = Math.min(extra + extraLength, directory.length);
    while (extra + 4 <= extraEnd) {
      const id = v.getUint16(extra, true);
      const length = v.getUint16(extra + 2, true);
      if (id === 0x0001) {
        let field = extra + 4;
        const next = (): number => {
          const value = field + 8 <= extra + 4 + length ? u64(v, field) : 0;
          field += 8;
          return value;
        };
        if (entry.size === 0xffffffff) entry.size = next();
        if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
        if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next();
      }
      extra += 4 + length;
    }
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Opens a zip archive from whole bytes (read in place) or a stream (written to a temporary file first). */
export async function openZip(input: FileInput): Promise<ZipArchive> {
  const file = input instanceof Uint8Array ? fromBytes(input) : await spooled(input);
  try {
    const where = await centralDirectory(file);
    const byName = new Map<string, ZipEntry>();
    for (const entry of readEntries(await file.read(where.offset, where.size), where.count)) byName.set(entry.name.toLowerCase(), entry);

    /** The entry's stored bytes, in pieces read by position. */
    async function* stored(entry: ZipEntry): AsyncGenerator<Uint8Array> {
      const header = view(await file.read(entry.localHeaderOffset, 30));
      if (header.byteLength < 30 || header.getUint32(0, true) !== LOCAL) throw new FileFormatError(`not a readable XLSX workbook: a broken zip entry '${entry.name}'`);
      const start = entry.localHeaderOffset + 30 + header.getUint16(26, true) + header.getUint16(28, true);
      const end = start + entry.compressedSize;
      if (end > file.size) throw new FileFormatError(`not a readable XLSX workbook: the zip entry '${entry.name}' is truncated`);
      for (let at = start; at < end; at += PIECE) yield await file.read(at, Math.min(PIECE, end - at));
    }

    async function* bytes(entry: ZipEntry): AsyncGenerator<Uint8Array> {
      if (entry.flags & 1) throw new FileFormatError('the workbook is encrypted (save it without a password)');
      if (entry.method !== 0 && entry.method !== 8) throw new FileFormatError(`not a readable XLSX workbook: the zip entry '${entry.name}' uses compression method ${entry.method}`);
      let source: AsyncIterable<Uint8Array> = stored(entry);
      if (entry.method === 8) {
        const inflate = createInflateRaw();
        // Errors reach the loop below through `inflate`, which pipeline destroys with them.
        pipeline(Readable.from(source, { objectMode: false }), inflate, () => {});
        source = inflate;
      }
      let length = 0;
      try {
        for await (const chunk of source) {
          length += (chunk as Uint8Array).length;
          yield chunk as Uint8Array;
        }
      } catch (err) {
        if (err instanceof FileFormatError) throw err;
        throw new FileFormatError(`not a readable XLSX workbook: the zip entry '${entry.name}' is damaged (${(err as Error).message})`);
      }
      if (length !== entry.size) throw new FileFormatError(`not a readable XLSX workbook: the zip entry '${entry.name}' is ${length} bytes, its directory says ${entry.size}`);
    }

    return { entry: (name) => byName.get(name.toLowerCase()), bytes, close: () => file.close() };
  } catch (err) {
    await file.close();
    throw err;
  }
}
