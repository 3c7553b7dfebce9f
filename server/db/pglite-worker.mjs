// Runs the embedded PGlite database in its own thread. PGlite executes SQL synchronously inside
// WebAssembly and ignores statement_timeout, so a heavy query on the main thread would freeze the
// whole server. Here it can only block this thread; the main thread enforces the timeout by
// terminating this worker and starting a new one (PostgreSQL recovers from its WAL as after a crash).
// Plain JavaScript so that it loads in a worker whatever TypeScript loader started the process.
// Protocol: server/db/pglite-protocol.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

const { dataDir, timeZone, loadDump, parsers } = workerData;
const port = parentPort;
// parser functions cannot cross threads; the main thread sends which OIDs map to which conversion
const conversions = {
  number: (v) => (v === null ? null : Number(v)),
  text: (v) => v,
};
const typeParsers = Object.fromEntries(Object.entries(parsers).map(([oid, kind]) => [oid, conversions[kind]]));

function errorOf(e) {
  return { message: e.message, code: e.code, detail: e.detail, constraint: e.constraint, table: e.table, column: e.column };
}

async function main() {
  const db = await PGlite.create(dataDir ?? undefined, {
    parsers: typeParsers,
    // tests start from a migrated template instead of migrating each time
    ...(loadDump ? { loadDataDir: new Blob([loadDump]) } : {}),
  });
  await db.exec(`SET TIME ZONE '${String(timeZone).replace(/'/g, "''")}'`);
  await db.listen('linli', (payload) => port.postMessage({ event: 'notify', channel: 'linli', payload }));
  port.postMessage({ event: 'ready' });

  port.on('message', async (req) => {
    try {
      if (req.op === 'query') {
        const r = await db.query(req.sql, req.params ?? []);
        port.postMessage({ id: req.id, rows: r.rows, affectedRows: r.affectedRows });
      } else if (req.op === 'exec') {
        // the simple protocol: several statements in one string (migrations), results of the last one
        const results = await db.exec(req.sql);
        const last = results[results.length - 1];
        port.postMessage({ id: req.id, rows: last?.rows ?? [], affectedRows: last?.affectedRows });
      } else if (req.op === 'dump') {
        const blob = await db.dumpDataDir('gzip');
        port.postMessage({ id: req.id, dump: new Uint8Array(await blob.arrayBuffer()) });
      } else if (req.op === 'close') {
        await db.exec('CHECKPOINT');
        await db.close();
        port.postMessage({ id: req.id, rows: [] });
      }
    } catch (e) {
      port.postMessage({ id: req.id, error: errorOf(e) });
    }
  });
}

main().catch((e) => port.postMessage({ event: 'fatal', message: e.message }));
