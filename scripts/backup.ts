// `npm run backup -- <file>`: the database and the uploaded files in one file (docs/operations.md).
// PostgreSQL: runs while Linli serves (pg_dump takes a consistent snapshot). Embedded database: stop
// the server first (one process at a time may open the data directory).
import { sql } from 'kysely';
import { writeBackup } from '../server/db/backup.ts';
import { modules } from '../server/modules/index.ts';
import { withPlatform } from './cli.ts';

const file = process.argv[2];
if (!file) {
  console.error('usage: npm run backup -- <file>');
  process.exit(64);
}
const manifest = await withPlatform(async (p, database, config) => {
  // the keys the personal data is actually under (usually one; two in the middle of a rotation)
  const keyIds = new Set<string>();
  for (const c of modules.flatMap((m) => m.encryptedColumns ?? [])) {
    const r = await sql<{ k: string }>`SELECT DISTINCT split_part(${sql.ref(c.cipherColumn)}, '.', 2) AS k FROM ${sql.table(c.table)} WHERE ${sql.ref(c.cipherColumn)} IS NOT NULL`.execute(p.db);
    for (const row of r.rows) keyIds.add(row.k);
  }
  return writeBackup(
    { engine: database.engine, db: p.db, databaseUrl: config.databaseUrl, dump: () => database.dump(), filesDir: config.filesDir, keyIds: [...keyIds], appVersion: config.version },
    file,
  );
});
console.log(`backup written to ${file}: ${manifest.engine} database (${manifest.migrations.length} migrations, ${manifest.auditRecords} audit records), ${manifest.files} uploaded files`);
if (manifest.keyIds.length) {
  console.log(`personal data in it is encrypted under key ${manifest.keyIds.join(', ')}: keep LINLI_SECRET (demo: data/secret.key) safe and apart from the backup; without it that data cannot be read after a restore`);
}
