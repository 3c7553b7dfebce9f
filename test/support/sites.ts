import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase, type Database } from '../../server/db/index.ts';
import { urlWithDatabase, type Template } from './template.ts';

export interface Site {
  dir: string;
  filesDir: string;
  /** environment for a server or CLI process on this site */
  env: Record<string, string>;
  open: () => Promise<Database>;
  drop: () => Promise<void>;
}

/**
 * A whole Linli site on disk for tests that run real processes (server, CLI): a database copied from
 * the migrated demo template (a PostgreSQL database, or an embedded data directory) and a files directory.
 */
export async function site(template: Template): Promise<Site> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'linli-site-'));
  const filesDir = path.join(dir, 'files');
  if (template.engine === 'postgres') {
    const name = `linli_site_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: template.baseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template.templateDb}`);
    await admin.end();
    const url = urlWithDatabase(template.baseUrl, name);
    return {
      dir,
      filesDir,
      env: { DATABASE_URL: url, LINLI_DATA_DIR: dir, LINLI_FILES_DIR: filesDir },
      open: () => openDatabase({ databaseUrl: url, dataDir: null, timeZone: 'Asia/Shanghai', statementTimeoutMs: 0, poolMax: 2, queueMax: 10 }),
      drop: async () => {
        const a = new pg.Client({ connectionString: template.baseUrl });
        await a.connect();
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await a.end();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const pgdata = path.join(dir, 'pgdata');
  const first = await openDatabase({ databaseUrl: null, dataDir: pgdata, timeZone: 'Asia/Shanghai', statementTimeoutMs: 0, poolMax: 1, queueMax: 10, loadDump: new Uint8Array(readFileSync(template.dumpFile)) });
  await first.close();
  return {
    dir,
    filesDir,
    env: { DATABASE_URL: '', LINLI_DATA_DIR: dir, LINLI_FILES_DIR: filesDir },
    open: () => openDatabase({ databaseUrl: null, dataDir: pgdata, timeZone: 'Asia/Shanghai', statementTimeoutMs: 0, poolMax: 1, queueMax: 10 }),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

