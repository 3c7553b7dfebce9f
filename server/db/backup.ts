import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.ts';
import { openDatabase } from './index.ts';

/**
 * Backups of a whole Linli site in one file: the database (pg_dump of Linli's schema on PostgreSQL,
 * the data directory on the embedded engine) and the uploaded files. The master secret is NOT in
 * the backup: personal data inside stays encrypted, and reading it after a restore needs the secret
 * (LINLI_SECRET, or data/secret.key on the demo) that the manifest names by key id.
 *
 * File format: "LINLIBK1", then entries of [u32 name length][name][u64 size][bytes]. The first entry
 * is manifest.json; then database.sql (PostgreSQL, plain pg_dump) or pgdata.tar.gz (PGlite); then
 * files/<content hash path> for every uploaded file.
 */
export interface BackupManifest {
  format: 'linli-backup';
  version: 1;
  engine: 'pglite' | 'postgres';
  createdAt: string;
  appVersion: string;
  /** PostgreSQL: the schema that was dumped */
  schema: string | null;
  migrations: string[];
  /** id of the key the personal data is encrypted under (restore checks the configured secret knows it) */
  keyIds: string[];
  files: number;
  auditRecords: number;
}

const MAGIC = Buffer.from('LINLIBK1');

class BackupWriter {
  private constructor(private readonly fd: Awaited<ReturnType<typeof open>>) {}
  static async create(file: string) {
    const fd = await open(file, 'wx', 0o600);
    await fd.write(MAGIC);
    return new BackupWriter(fd);
  }
  private async header(name: string, size: number) {
    const n = Buffer.from(name, 'utf8');
    const h = Buffer.alloc(4 + n.length + 8);
    h.writeUInt32BE(n.length, 0);
    n.copy(h, 4);
    h.writeBigUInt64BE(BigInt(size), 4 + n.length);
    await this.fd.write(h);
  }
  async add(name: string, data: Buffer) {
    await this.header(name, data.length);
    await this.fd.write(data);
  }
  async addFile(name: string, file: string) {
    await this.header(name, statSync(file).size);
    for await (const chunk of createReadStream(file)) await this.fd.write(chunk as Buffer);
  }
  async close() {
    await this.fd.sync();
    await this.fd.close();
  }
}

/** Reads entries one after another; `onEntry` gets each name and a function that copies its bytes to a file or returns them. */
async function readBackup(file: string, onEntry: (name: string, take: { toBuffer(): Promise<Buffer>; toFile(target: string): Promise<void> }) => Promise<void>) {
  const fd = await open(file, 'r');
  try {
    const magic = Buffer.alloc(MAGIC.length);
    await fd.read(magic, 0, MAGIC.length, 0);
    if (!magic.equals(MAGIC)) throw new Error(`${file} is not a Linli backup`);
    let pos = MAGIC.length;
    const total = (await fd.stat()).size;
    while (pos < total) {
      const len = Buffer.alloc(4);
      await fd.read(len, 0, 4, pos);
      const nameLen = len.readUInt32BE(0);
      if (nameLen > 4096) throw new Error('corrupt backup (entry name too long)');
      const rest = Buffer.alloc(nameLen + 8);
      await fd.read(rest, 0, nameLen + 8, pos + 4);
      const name = rest.subarray(0, nameLen).toString('utf8');
      const size = Number(rest.readBigUInt64BE(nameLen));
      const start = pos + 4 + nameLen + 8;
      if (start + size > total) throw new Error(`corrupt backup (entry ${name} is cut off)`);
      await onEntry(name, {
        toBuffer: async () => {
          const b = Buffer.alloc(size);
          if (size > 0) await fd.read(b, 0, size, start);
          return b;
        },
        toFile: async (target) => {
          mkdirSync(path.dirname(target), { recursive: true });
          const out = await open(target, 'w', 0o600);
          try {
            const chunk = Buffer.alloc(1024 * 1024);
            for (let done = 0; done < size; ) {
              const { bytesRead } = await fd.read(chunk, 0, Math.min(chunk.length, size - done), start + done);
              if (bytesRead === 0) throw new Error(`corrupt backup (entry ${name} is cut off)`);
              await out.write(chunk.subarray(0, bytesRead));
              done += bytesRead;
            }
          } finally {
            await out.close();
          }
        },
      });
      pos = start + size;
    }
  } finally {
    await fd.close();
  }
}

function run(cmd: string, args: string[], opts: { stdoutFile?: string; env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', opts.stdoutFile ? 'pipe' : 'inherit', 'pipe'], env: { ...process.env, ...opts.env } });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const done = opts.stdoutFile ? pipeline(child.stdout!, createWriteStream(opts.stdoutFile)) : Promise.resolve();
    child.on('error', (e) => reject(new Error(`${cmd} could not be started (${e.message}); install the PostgreSQL client tools (postgresql-client-15 or newer)`)));
    child.on('exit', (code) => {
      done.then(() => (code === 0 ? resolve() : reject(new Error(`${cmd} failed (exit ${code}): ${err.trim().slice(0, 2000)}`))), reject);
    });
  });
}

function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(path.join(dir, e.name), rel));
    else if (e.isFile() && !e.name.endsWith('.tmp')) out.push(rel);
  }
  return out;
}

async function facts(db: Kysely<DB>) {
  const migrations = (await sql<{ name: string }>`SELECT name FROM schema_migration ORDER BY name`.execute(db)).rows.map((r) => r.name);
  const schema = (await sql<{ s: string }>`SELECT current_schema() AS s`.execute(db)).rows[0].s;
  const audit = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log`.execute(db)).rows[0].n;
  return { migrations, schema, audit };
}

export interface BackupSource {
  engine: 'pglite' | 'postgres';
  db: Kysely<DB>;
  /** PostgreSQL server URL (pg_dump connects itself) */
  databaseUrl: string | null;
  /** embedded engine: a gzip tarball of the data directory */
  dump: () => Promise<Uint8Array>;
  filesDir: string;
  keyIds: string[];
  appVersion: string;
}

/** Writes a backup to `file` (which must not exist yet). */
export async function writeBackup(src: BackupSource, file: string): Promise<BackupManifest> {
  const f = await facts(src.db);
  const files = listFiles(src.filesDir);
  const manifest: BackupManifest = {
    format: 'linli-backup',
    version: 1,
    engine: src.engine,
    createdAt: new Date().toISOString(),
    appVersion: src.appVersion,
    schema: src.engine === 'postgres' ? f.schema : null,
    migrations: f.migrations,
    keyIds: src.keyIds,
    files: files.length,
    auditRecords: f.audit,
  };
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'linli-backup-'));
  const out = await BackupWriter.create(file);
  try {
    await out.add('manifest.json', Buffer.from(JSON.stringify(manifest, null, 2)));
    if (src.engine === 'postgres') {
      const dump = path.join(tmp, 'database.sql');
      // one consistent snapshot of Linli's schema; ownership and grants belong to the target server
      await run('pg_dump', ['--dbname', src.databaseUrl!, '--format=plain', '--no-owner', '--no-privileges', `--schema=${f.schema}`], { stdoutFile: dump });
      await out.addFile('database.sql', dump);
    } else {
      await out.add('pgdata.tar.gz', Buffer.from(await src.dump()));
    }
    for (const rel of files) await out.addFile(`files/${rel}`, path.join(src.filesDir, rel));
    await out.close();
  } catch (e) {
    await out.close().catch(() => undefined);
    rmSync(file, { force: true });
    throw e;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return manifest;
}

export async function readManifest(file: string): Promise<BackupManifest> {
  let manifest: BackupManifest | null = null;
  await readBackup(file, async (name, take) => {
    if (name === 'manifest.json' && !manifest) manifest = JSON.parse((await take.toBuffer()).toString('utf8'));
  });
  if (!manifest || (manifest as BackupManifest).format !== 'linli-backup') throw new Error(`${file} has no Linli backup manifest`);
  return manifest;
}

export interface RestoreTarget {
  engine: 'pglite' | 'postgres';
  databaseUrl: string | null;
  /** embedded engine: where the data directory goes (it must not be in use: the caller holds the lock) */
  pgdataDir: string | null;
  filesDir: string;
  timeZone: string;
}

/**
 * Replaces the database and the uploaded files with the backup's. PostgreSQL: the schema is dropped
 * and reloaded in one transaction (psql --single-transaction), so a failed restore changes nothing.
 * Embedded: the backup is unpacked into a new directory, which replaces the old one only once it
 * opened cleanly; the old one is kept beside it as pgdata.before-restore-<time>. Files likewise.
 */
export async function restoreBackup(file: string, target: RestoreTarget): Promise<BackupManifest> {
  const manifest = await readManifest(file);
  if (manifest.engine !== target.engine) {
    throw new Error(`this backup is of the ${manifest.engine} engine; restore it into the same engine (it cannot cross between PGlite and PostgreSQL)`);
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'linli-restore-'));
  const newFiles = `${target.filesDir}.restoring-${stamp}`;
  try {
    let dbEntry: string | null = null;
    await readBackup(file, async (name, take) => {
      if (name === 'database.sql' || name === 'pgdata.tar.gz') {
        dbEntry = path.join(tmp, name);
        await take.toFile(dbEntry);
      } else if (name.startsWith('files/')) {
        const rel = name.slice('files/'.length);
        if (rel.split('/').some((p) => p === '..' || p === '' || p.startsWith('.'))) throw new Error(`unsafe file name in backup: ${name}`);
        await take.toFile(path.join(newFiles, rel));
      }
    });
    if (!dbEntry) throw new Error('the backup holds no database');

    if (target.engine === 'postgres') {
      const drop = path.join(tmp, 'drop.sql');
      writeFileSync(drop, `DROP SCHEMA IF EXISTS "${manifest.schema!.replace(/"/g, '""')}" CASCADE;\n`);
      await run('psql', ['--dbname', target.databaseUrl!, '--no-psqlrc', '--quiet', '--single-transaction', '--set', 'ON_ERROR_STOP=1', '--file', drop, '--file', dbEntry], {
        stdoutFile: path.join(tmp, 'psql.out'),
      });
    } else {
      const dir = target.pgdataDir!;
      const fresh = `${dir}.restoring-${stamp}`;
      const database = await openDatabase({
        databaseUrl: null,
        dataDir: fresh,
        timeZone: target.timeZone,
        statementTimeoutMs: 0,
        poolMax: 1,
        queueMax: 10,
        loadDump: new Uint8Array(await readFile(dbEntry)),
      });
      await sql`SELECT count(*) FROM schema_migration`.execute(database.db);
      await database.close();
      if (existsSync(dir)) renameSync(dir, `${dir}.before-restore-${stamp}`);
      renameSync(fresh, dir);
    }
    if (existsSync(target.filesDir)) renameSync(target.filesDir, `${target.filesDir}.before-restore-${stamp}`);
    if (existsSync(newFiles)) renameSync(newFiles, target.filesDir);
    else mkdirSync(target.filesDir, { recursive: true });
    return manifest;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(newFiles, { recursive: true, force: true });
  }
}
