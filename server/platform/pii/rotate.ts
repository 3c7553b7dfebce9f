import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/index.ts';
import type { PiiCrypto } from './crypto.ts';

/**
 * Where personal data is stored encrypted. Each module declares its columns in its LinliModule
 * (`encryptedColumns`); `npm run keys:rotate` re-encrypts them under the current LINLI_SECRET and
 * recomputes their blind indexes, and docs/security.md lists them.
 */
export interface EncryptedColumn {
  table: string;
  /** a unique, orderable key (rows are visited in its order, in batches) */
  idColumn: string;
  /** the AES-GCM ciphertext ("v1.<key id>.…") */
  cipherColumn: string;
  /** the keyed index next to it, recomputed from the decrypted value */
  index?: { column: string; purpose: string; normalize: (plain: string) => string };
  /** what it holds, for docs and reports */
  holds: string;
}

export interface RotationReport {
  table: string;
  column: string;
  rotated: number;
  /** changed by someone else between read and write; picked up by the next run */
  skipped: number;
  /** still under an older key after this run (0 when finished) */
  remaining: number;
}

export interface RotateOptions {
  batchSize?: number;
  /** stop after this many batches per column (to test resuming) */
  maxBatches?: number;
  onBatch?: (r: RotationReport) => void;
  /** called between reading a batch and writing it (tests use it to change a row in between) */
  onRead?: () => Promise<void>;
}

/**
 * Re-encrypts every value not under the current key and recomputes its blind index. Batches of
 * `batchSize` rows, each batch one short transaction that only changes rows still holding the value
 * it read, so the server keeps running (on PostgreSQL) and concurrent writers win. Running it again
 * continues where it stopped: the work left is exactly the rows whose ciphertext names an older key.
 */
export async function rotateKeys(db: Kysely<DB>, pii: PiiCrypto, columns: EncryptedColumn[], opts: RotateOptions = {}): Promise<RotationReport[]> {
  const batchSize = opts.batchSize ?? 500;
  const current = `v1.${pii.keyId}.%`;
  const reports: RotationReport[] = [];
  for (const col of columns) {
    const report: RotationReport = { table: col.table, column: col.cipherColumn, rotated: 0, skipped: 0, remaining: 0 };
    const id = sql.ref(col.idColumn);
    const cipher = sql.ref(col.cipherColumn);
    let after: string | null = null;
    for (let batch = 0; opts.maxBatches === undefined || batch < opts.maxBatches; batch++) {
      const rows: { id: string; cipher: string }[] = (
        await sql<{ id: string; cipher: string }>`
          SELECT ${id}::text AS id, ${cipher} AS cipher FROM ${sql.table(col.table)}
          WHERE ${cipher} IS NOT NULL AND ${cipher} NOT LIKE ${current} ${after === null ? sql`` : sql`AND ${id}::text > ${after}`}
          ORDER BY ${id}::text LIMIT ${batchSize}`.execute(db)
      ).rows;
      if (rows.length === 0) break;
      after = rows[rows.length - 1].id;
      const updates = rows.map((r) => {
        const plain = pii.decrypt(r.cipher);
        return { id: r.id, old: r.cipher, cipher: pii.encrypt(plain), index: col.index ? pii.blindIndex(col.index.purpose, col.index.normalize(plain)) : null };
      });
      await opts.onRead?.();
      const values = sql.join(updates.map((u) => sql`(${u.id}, ${u.old}, ${u.cipher}, ${u.index})`));
      const changed = await db.transaction().execute(async (trx) => {
        const r = await sql`
          UPDATE ${sql.table(col.table)} AS t SET ${cipher} = v.cipher ${col.index ? sql`, ${sql.ref(col.index.column)} = v.idx` : sql``}
          FROM (VALUES ${values}) AS v (id, old, cipher, idx)
          WHERE t.${id}::text = v.id AND t.${cipher} = v.old`.execute(trx);
        return Number(r.numAffectedRows ?? 0);
      });
      report.rotated += changed;
      report.skipped += updates.length - changed;
      opts.onBatch?.({ ...report });
    }
    const left = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(col.table)} WHERE ${cipher} IS NOT NULL AND ${cipher} NOT LIKE ${current}`.execute(db);
    report.remaining = left.rows[0].n;
    reports.push(report);
  }
  return reports;
}
