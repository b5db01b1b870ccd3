/**
 * A small reader for Bicep files, built on the tree-sitter-bicep grammar (run through web-tree-sitter,
 * so nothing native is compiled). There is no Bicep compiler on this machine; the tests use this to
 * check that every file parses cleanly and to read property values out of the syntax tree.
 *
 * @example
 * const files = await loadBicepFiles();
 * const [cosmos] = findResources(files, 'Microsoft.DocumentDB/databaseAccounts');
 * literal(property(cosmos.body, 'properties.disableLocalAuth')); // true
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Language, Parser } from 'web-tree-sitter';
import type { Node, Tree } from 'web-tree-sitter';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const infraDir = join(repoRoot, 'infra');

export interface BicepFile {
  /** Path relative to the repository root, e.g. infra/modules/cosmos.bicep. */
  readonly path: string;
  readonly source: string;
  readonly tree: Tree;
  readonly root: Node;
}

export interface ResourceDeclaration {
  readonly file: BicepFile;
  /** The symbolic name, e.g. `account` in `resource account '...' = {`. */
  readonly symbol: string;
  /** Resource type without the API version, e.g. Microsoft.DocumentDB/databaseAccounts. */
  readonly type: string;
  readonly apiVersion: string;
  readonly node: Node;
  /** The resource's body object (inside a loop or condition when there is one). */
  readonly body: Node;
  /** The `[for ... in ...: {...}]` node when the declaration is a loop. */
  readonly loop: Node | null;
}

/** Thrown by {@link literal} when a node is an expression rather than a literal value. */
export class NotALiteral extends Error {
  override readonly name = 'NotALiteral';
  constructor(readonly node: Node) {
    super(`not a literal: ${node.text.slice(0, 120)}`);
  }
}

let parserPromise: Promise<Parser> | undefined;

/** One parser per process: loading the grammar's wasm is the slow part. */
function bicepParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    const require = createRequire(import.meta.url);
    await Parser.init({ locateFile: () => require.resolve('web-tree-sitter/tree-sitter.wasm') });
    const language = await Language.load(require.resolve('tree-sitter-bicep/tree-sitter-bicep.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return parserPromise;
}

/** Every *.bicep file under a directory, recursively, sorted by path. */
export function listBicepFiles(dir: string = infraDir): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...listBicepFiles(full));
    else if (entry.name.endsWith('.bicep')) found.push(full);
  }
  return found.sort();
}

export async function parseBicep(path: string, source: string = readFileSync(path, 'utf8')): Promise<BicepFile> {
  const parser = await bicepParser();
  const tree = parser.parse(source);
  if (!tree) throw new Error(`tree-sitter returned no tree for ${path}`);
  return { path: relative(repoRoot, path), source, tree, root: tree.rootNode };
}

export async function loadBicepFiles(dir: string = infraDir): Promise<BicepFile[]> {
  return Promise.all(listBicepFiles(dir).map((p) => parseBicep(p)));
}

function named(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null);
}

/** ERROR and MISSING nodes, as "line:column kind text" strings; empty when the file parsed cleanly. */
export function syntaxProblems(node: Node): string[] {
  const problems: string[] = [];
  const walk = (n: Node): void => {
    if (n.isError || n.isMissing) {
      const where = `${n.startPosition.row + 1}:${n.startPosition.column + 1}`;
      problems.push(`${where} ${n.isMissing ? `MISSING ${n.type}` : 'ERROR'} ${JSON.stringify(n.text.slice(0, 60))}`);
    }
    for (const c of n.children) if (c) walk(c);
  };
  walk(node);
  return problems;
}

/** Unwraps `if (...) {...}` and `[for x in y: ...]` down to the object they declare. */
function declaredObject(node: Node): { body: Node; loop: Node | null } | null {
  if (node.type === 'object') return { body: node, loop: null };
  if (node.type === 'if_statement') {
    const obj = named(node).find((c) => c.type === 'object');
    return obj ? { body: obj, loop: null } : null;
  }
  if (node.type === 'for_statement') {
    const inner = node.childForFieldName('body');
    const unwrapped = inner ? declaredObject(inner) : null;
    return unwrapped ? { body: unwrapped.body, loop: node } : null;
  }
  return null;
}

function resourceDeclarations(file: BicepFile): ResourceDeclaration[] {
  const found: ResourceDeclaration[] = [];
  const walk = (n: Node): void => {
    if (n.type === 'resource_declaration') {
      const kids = named(n);
      const symbol = kids.find((c) => c.type === 'identifier');
      const typeString = kids.find((c) => c.type === 'string');
      const declared = kids.map(declaredObject).find((d) => d !== null);
      if (symbol && typeString && declared) {
        const [type = '', apiVersion = ''] = String(literal(typeString)).split('@');
        found.push({ file, symbol: symbol.text, type, apiVersion, node: n, ...declared });
      }
    }
    for (const c of named(n)) walk(c);
  };
  walk(file.root);
  return found;
}

/** Every resource declaration of a type (case-insensitive, API version ignored) across the files. */
export function findResources(files: readonly BicepFile[], type: string): ResourceDeclaration[] {
  return files.flatMap(resourceDeclarations).filter((r) => r.type.toLowerCase() === type.toLowerCase());
}

/** All resource declarations in the files. */
export function allResources(files: readonly BicepFile[]): ResourceDeclaration[] {
  return files.flatMap(resourceDeclarations);
}

function propertyKey(prop: Node): string | undefined {
  const key = prop.namedChildren[0];
  if (!key) return undefined;
  if (key.type === 'string') {
    const value = literal(key);
    return typeof value === 'string' ? value : undefined;
  }
  return key.text;
}

/** The value node of `key: value` in an object, or undefined. */
function ownProperty(obj: Node, key: string): Node | undefined {
  if (obj.type !== 'object') return undefined;
  for (const prop of named(obj)) {
    if (prop.type !== 'object_property') continue;
    if (propertyKey(prop) === key) return named(prop)[1];
  }
  return undefined;
}

/** Follows a dotted path of property names through nested objects, e.g. 'properties.siteConfig.minTlsVersion'. */
export function property(obj: Node, path: string): Node | undefined {
  let current: Node | undefined = obj;
  for (const key of path.split('.')) {
    if (!current) return undefined;
    current = ownProperty(current, key);
  }
  return current;
}

function unescape(raw: string): string {
  return raw.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
}

/**
 * The JavaScript value of a literal node: strings without interpolation, numbers, booleans, null,
 * and arrays/objects made only of those. Anything else (a reference, a call, an interpolated string)
 * throws {@link NotALiteral}, so a check never mistakes an expression for the value it expects.
 */
export function literal(node: Node): unknown {
  switch (node.type) {
    case 'string': {
      const parts = named(node);
      if (parts.some((p) => p.type === 'interpolation')) throw new NotALiteral(node);
      const text = node.text;
      if (text.startsWith("'''")) return text.slice(3, -3);
      return unescape(text.slice(1, -1));
    }
    case 'number':
      return Number(node.text);
    case 'boolean':
      return node.text === 'true';
    case 'null':
      return null;
    case 'unary_expression': {
      if (/^-\s*\d+$/.test(node.text)) return Number(node.text.replace(/\s+/g, ''));
      throw new NotALiteral(node);
    }
    case 'array':
      return named(node).map(literal);
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const prop of named(node)) {
        if (prop.type !== 'object_property') continue;
        const key = propertyKey(prop);
        const value = named(prop)[1];
        if (key === undefined || !value) throw new NotALiteral(prop);
        out[key] = literal(value);
      }
      return out;
    }
    default:
      throw new NotALiteral(node);
  }
}

/** The literal value at a path, or undefined when the property is absent. */
export function literalAt(obj: Node, path: string): unknown {
  const node = property(obj, path);
  return node === undefined ? undefined : literal(node);
}

/** The value node of `var name = value` at the top level of a file. */
export function variable(file: BicepFile, name: string): Node | undefined {
  for (const decl of named(file.root)) {
    if (decl.type !== 'variable_declaration') continue;
    const [id, value] = named(decl);
    if (id?.text === name) return value;
  }
  return undefined;
}

export interface ParameterDeclaration {
  readonly name: string;
  readonly type: string;
  readonly defaultValue: Node | undefined;
  /** Decorator calls by function name, e.g. allowed → the `@allowed([...])` call's argument nodes. */
  readonly decorators: ReadonlyMap<string, Node[]>;
}

/** A `param` declaration at the top level of a file, with the decorators written above it. */
export function parameter(file: BicepFile, name: string): ParameterDeclaration | undefined {
  for (const decl of named(file.root)) {
    if (decl.type !== 'parameter_declaration') continue;
    const [id, type, defaultValue] = named(decl);
    if (id?.text !== name || !type) continue;
    const decorators = new Map<string, Node[]>();
    const prev = decl.previousNamedSibling;
    if (prev?.type === 'decorators') {
      for (const d of named(prev)) {
        const call = named(d).find((c) => c.type === 'call_expression');
        const fn = call?.childForFieldName('function');
        const args = call?.childForFieldName('arguments');
        if (fn && args) decorators.set(fn.text, named(args));
      }
    }
    return { name, type: type.text, defaultValue, decorators };
  }
  return undefined;
}

/** The names after `param` in a file. */
export function parameterNames(file: BicepFile): string[] {
  return named(file.root)
    .filter((d) => d.type === 'parameter_declaration')
    .map((d) => named(d)[0]?.text ?? '');
}

export interface ModuleDeclaration {
  readonly symbol: string;
  readonly path: string;
  readonly body: Node;
}

/** The `module x 'path' = {...}` declarations at the top level of a file. */
export function modules(file: BicepFile): ModuleDeclaration[] {
  const out: ModuleDeclaration[] = [];
  for (const decl of named(file.root)) {
    if (decl.type !== 'module_declaration') continue;
    const kids = named(decl);
    const symbol = kids.find((c) => c.type === 'identifier');
    const path = kids.find((c) => c.type === 'string');
    const declared = kids.map(declaredObject).find((d) => d !== null);
    if (symbol && path && declared) out.push({ symbol: symbol.text, path: String(literal(path)), body: declared.body });
  }
  return out;
}

/** The expression a `[for x in <expr>: ...]` loop iterates over. */
export function loopSource(loop: Node): Node | undefined {
  const kids = named(loop);
  const body = loop.childForFieldName('body');
  // for_statement: [for (x, i) | x  in  <expr> : <body>] — the iterated expression is the last named child before the body.
  const beforeBody = kids.filter((k) => k.type !== 'for_loop_parameters' && (!body || k.startIndex < body.startIndex));
  return beforeBody[beforeBody.length - 1];
}
