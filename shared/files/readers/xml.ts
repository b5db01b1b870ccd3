import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Encoding, FileOptions } from '../mapping.js';
import type { Cell } from '../values.js';
import { decodeText } from './text.js';
import { FileFormatError, headerKey, type FileInput, type SourceRow } from './source.js';

type XmlOptions = Extract<FileOptions, { kind: 'xml' }>;

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, parseAttributeValue: false, trimValues: true, textNodeName: '#text' });

/**
 * The encoding of an XML document without a byte-order mark: `file.encoding` when set, else its
 * declaration's (`<?xml … encoding="ISO-8859-1"?>`: read as Windows-1252, its superset, as browsers
 * do), else UTF-8.
 */
export function xmlEncoding(configured: Encoding | undefined): (head: Uint8Array) => Encoding {
  return (head) => {
    if (configured) return configured;
    const prolog = Buffer.from(head).toString('latin1');
    const declared = /^<\?xml[^>]*\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(prolog)?.[1]?.toLowerCase();
    if (declared === undefined || declared === 'utf-8' || declared === 'utf8') return 'utf-8';
    if (['iso-8859-1', 'latin1', 'iso-8859-15', 'windows-1252', 'cp1252'].includes(declared)) return 'windows-1252';
    throw new FileFormatError(`the XML declares encoding ${declared}; set file.encoding (utf-8, utf-16le, utf-16be or windows-1252)`);
  };
}

/** A parsed element as cells: `child`, `parent.child`, `@attr`, `child.@attr`; a repeated child counts once (its first). */
function flatten(node: unknown, prefix: string, into: Map<string, Cell>): void {
  if (Array.isArray(node)) {
    if (node.length > 0) flatten(node[0], prefix, into);
    return;
  }
  if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      if (key === '#text') into.set(headerKey(prefix), String(value));
      else flatten(value, prefix ? `${prefix}.${key}` : key, into);
    }
    return;
  }
  into.set(headerKey(prefix), node === undefined || node === null ? null : String(node));
}

/** The attributes of the document's root element, as `/@name` cells (exports put the date or hotel there). */
function rootAttributes(startTag: string): Map<string, Cell> {
  const name = /^<([^\s/>]+)/.exec(startTag)?.[1] ?? 'root';
  const selfClosed = startTag.endsWith('/>') ? startTag : `${startTag.slice(0, -1)}/>`;
  const parsed = parser.parse(selfClosed) as Record<string, Record<string, unknown> | string>;
  const root = parsed[name];
  const cells = new Map<string, Cell>();
  if (root && typeof root === 'object') {
    for (const [key, value] of Object.entries(root)) if (key.startsWith('@')) cells.set(headerKey(`/${key}`), String(value));
  }
  return cells;
}

/**
 * Reads an XML document one record element at a time: the text is scanned for the next
 * `<recordElement …>…</recordElement>`, which alone is checked and parsed, so a large export never
 * becomes one object tree in memory. Record elements do not nest in the exports this serves (a
 * record element inside another would end the outer one early). Rows are numbered by record ordinal.
 */
export async function* readXml(input: FileInput, options: XmlOptions): AsyncGenerator<SourceRow> {
  const name = options.recordElement;
  const open = new RegExp(`<${name.replace(/[.-]/g, '\\$&')}(?=[\\s/>])`, 'g');
  const close = `</${name}>`;
  let buffer = '';
  let root: Map<string, Cell> | undefined;
  let ordinal = 0;
  let ended = false;
  const text = decodeText(input, xmlEncoding(options.encoding));
  const more = async (): Promise<boolean> => {
    if (ended) return false;
    const next = await text.next();
    if (next.done) {
      ended = true;
      return false;
    }
    buffer += next.value;
    return true;
  };
  for (;;) {
    if (!root) {
      const start = /<(?![?!])[^>]*>/.exec(buffer);
      if (!start) {
        if (!(await more())) break;
        continue;
      }
      root = rootAttributes(start[0]);
      // The root element may itself be a record element (a file of one record); otherwise move past it.
      if (!new RegExp(`^<${name.replace(/[.-]/g, '\\$&')}(?=[\\s/>])`).test(start[0])) buffer = buffer.slice(start.index + start[0].length);
      else buffer = buffer.slice(start.index);
    }
    open.lastIndex = 0;
    const at = open.exec(buffer);
    if (!at) {
      // Keep a tail long enough to hold the start of a split tag.
      buffer = buffer.slice(Math.max(0, buffer.length - name.length - 2));
      if (!(await more())) break;
      continue;
    }
    const tagEnd = buffer.indexOf('>', at.index);
    if (tagEnd < 0) {
      if (!(await more())) throw new FileFormatError(`the XML ends inside a <${name}> tag`);
      continue;
    }
    let end: number;
    if (buffer[tagEnd - 1] === '/') end = tagEnd + 1;
    else {
      const closeAt = buffer.indexOf(close, tagEnd);
      if (closeAt < 0) {
        if (!(await more())) throw new FileFormatError(`record ${ordinal + 1}: <${name}> is not closed`);
        continue;
      }
      end = closeAt + close.length;
    }
    const element = buffer.slice(at.index, end);
    buffer = buffer.slice(end);
    ordinal++;
    const valid = XMLValidator.validate(element);
    if (valid !== true) throw new FileFormatError(`record ${ordinal}: malformed XML (${valid.err.msg})`);
    const parsed = parser.parse(element) as Record<string, unknown>;
    const cells = new Map<string, Cell>(root);
    flatten(parsed[name], '', cells);
    yield { row: ordinal, cells };
  }
  if (!root) throw new FileFormatError('the file holds no XML element');
  if (ordinal === 0) throw new FileFormatError(`the file holds no <${name}> element`);
}
