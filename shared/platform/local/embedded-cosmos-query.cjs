'use strict';
// The embedded server's query engine (@zeit/cosmosdb-query) has two quadratic steps:
// - it compiles `FROM c` into `collection.reduce(($, c) => [...$, { c }], [])`, which copies the
//   growing array once per document: every query costs O(n²) in the documents of the whole
//   container (every tenant's), not in what it matches; at 25,000 documents about 10 s a query;
// - it copies each page of results without their `undefined` values (stripUndefined) the same
//   way, O(n²) in the items of a page, and deep-copies every item on the way.
// The same steps written with filter/map and push give the same arrays in the same order in
// linear time; JOINs and everything after the first FROM step are left as compiled. Plain
// CommonJS: it patches the package's module instance inside the embedded server's worker thread.
const cosmosQuery = require('@zeit/cosmosdb-query').default;
const helpers = require('@zeit/cosmosdb-query/lib/helpers');

const QUADRATIC_FROM = /\$c\.reduce\(\(\$, (\w+)\) => typeof \1 !== "undefined" \? \[\.\.\.\$, \{\s*\1: \1\s*\}\] : \$, \[\]\)/g;

/** The compiled query with its first FROM step made linear (unchanged when the step is not there). */
function linearFrom(code) {
  return code.replace(QUADRATIC_FROM, (_, alias) => `$c.filter((${alias}) => typeof ${alias} !== "undefined").map((${alias}) => ({ ${alias}: ${alias} }))`);
}

/** Whether `undefined` sits anywhere in a value (an array hole counts). */
function holdsUndefined(value) {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (typeof value[i] === 'undefined' || holdsUndefined(value[i])) return true;
    return false;
  }
  if (value && typeof value === 'object') {
    for (const k of Object.keys(value)) if (typeof value[k] === 'undefined' || holdsUndefined(value[k])) return true;
  }
  return false;
}

/**
 * The value without `undefined` (in arrays too, unlike JSON), as helpers.stripUndefined gives it.
 * The package copies every result to do so; the server serialises results at once and never
 * changes them, so a value without `undefined` (every stored document: it arrived as JSON) is
 * answered as it is, and only the parts holding `undefined` (projected fields an item lacks) are copied.
 */
function stripUndefined(value) {
  if (!holdsUndefined(value)) return value;
  if (Array.isArray(value)) {
    const out = [];
    for (const v of value) if (typeof v !== 'undefined') out.push(stripUndefined(v));
    return out;
  }
  const out = {};
  for (const [k, v] of Object.entries(value)) if (typeof v !== 'undefined') out[k] = stripUndefined(v);
  return out;
}

let patched = false;

/** Makes every query compiled by the package from now on use the linear FROM step, and results copied in linear time. Idempotent. */
function useLinearScans() {
  if (patched) return;
  const proto = Object.getPrototypeOf(cosmosQuery('SELECT * FROM c'));
  const compiled = Object.getOwnPropertyDescriptor(proto, 'code');
  if (!compiled || typeof compiled.get !== 'function') throw new Error('@zeit/cosmosdb-query: Query.code is no longer a getter; revisit embedded-cosmos-query.cjs');
  const original = compiled.get;
  Object.defineProperty(proto, 'code', {
    configurable: true,
    get() {
      const code = original.call(this);
      return code ? linearFrom(code) : code;
    },
  });
  // The package calls it through `exports.` (paginate, itself) and `$h.` (compiled projections): replacing the export reaches every call.
  helpers.stripUndefined = stripUndefined;
  patched = true;
}

module.exports = { linearFrom, stripUndefined, useLinearScans };
