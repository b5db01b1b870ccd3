'use strict';
// Snapshots of @vercel/cosmosdb-server's in-memory account, so the embedded store survives a restart
// of the local host. The server keeps databases, containers and items in nested maps; items are
// replaced, never changed in place (patches clone), so collecting references is a consistent
// point-in-time copy that can then be written out without stopping the server.
//
// File format (one JSON value per line, so no single string has to hold the whole store):
//   {"v":1,"n":<database rid counter>}
//   {"db":<database>,"n":<container rid counter>}
//   {"coll":<container>,"db":"<db id>","n":<item rid counter>}
//   {"doc":<item>}                      (belongs to the last "coll" line)
// Resource ids, ETags and _ts are kept, so ETags a client holds stay valid across a restart.
const { promises: fs, readFileSync, existsSync, mkdirSync, unlinkSync, readdirSync } = require('node:fs');
const { dirname, basename, join } = require('node:path');

const VERSION = 1;

/** Collects references to every database, container and item: synchronous, so nothing changes meanwhile. */
function capture(account) {
  const dbs = [];
  for (const db of account.databases._data.values()) {
    const colls = [];
    for (const coll of db.collections._data.values()) {
      colls.push({ data: coll.read(), n: coll.documents._ridCount, docs: Array.from(coll.documents._data.values(), (d) => d.read()) });
    }
    dbs.push({ data: db.read(), n: db.collections._ridCount, colls });
  }
  return { n: account.databases._ridCount, dbs };
}

/**
 * Writes a captured state durably: to a temporary file in the same folder, flushed to disk, then
 * renamed over the previous snapshot. A crash at any point leaves either the old or the new file.
 */
async function write(file, state) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await fs.open(tmp, 'w', 0o600);
  try {
    let buffer = [JSON.stringify({ v: VERSION, n: state.n })];
    const flush = async (force) => {
      if (!force && buffer.length < 500) return;
      if (buffer.length > 0) await handle.write(buffer.join('\n') + '\n');
      buffer = [];
    };
    for (const db of state.dbs) {
      buffer.push(JSON.stringify({ db: db.data, n: db.n }));
      for (const coll of db.colls) {
        buffer.push(JSON.stringify({ coll: coll.data, db: db.data.id, n: coll.n }));
        for (const doc of coll.docs) {
          buffer.push(JSON.stringify({ doc }));
          await flush(false);
        }
      }
    }
    await flush(true);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
  // The rename itself is durable only once the directory is flushed (where the platform allows it).
  try {
    const dir = await fs.open(dirname(file), 'r');
    await dir.sync().finally(() => dir.close());
  } catch {
    /* not supported on this platform (Windows) */
  }
}

/** Loads a snapshot into a fresh account; returns the number of items loaded (0 without a file). */
function load(account, file) {
  // Temporary files of a write a crash interrupted are incomplete by definition.
  if (existsSync(dirname(file))) {
    for (const name of readdirSync(dirname(file))) if (name.startsWith(`${basename(file)}.`) && name.endsWith('.tmp')) unlinkSync(join(dirname(file), name));
  }
  if (!existsSync(file)) return 0;
  const lines = readFileSync(file, 'utf8').split('\n');
  const header = JSON.parse(lines[0] || '{}');
  if (header.v !== VERSION) throw new Error(`${file}: unknown snapshot version ${header.v}`);
  let db;
  let coll;
  let items = 0;
  for (let i = 1; i < lines.length; i += 1) {
    const line = lines[i];
    if (!line) continue;
    const entry = JSON.parse(line);
    if (entry.doc) {
      coll.documents._set(entry.doc);
      items += 1;
    } else if (entry.coll) {
      db.collections._set(entry.coll);
      coll = db.collection(entry.coll.id);
      coll.documents._ridCount = entry.n;
    } else if (entry.db) {
      account.databases._set(entry.db);
      db = account.database(entry.db.id);
      db.collections._ridCount = entry.n;
    }
  }
  account.databases._ridCount = header.n;
  return items;
}

module.exports = { capture, write, load };
