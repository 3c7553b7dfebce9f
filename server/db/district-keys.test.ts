import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmptyDatabase } from '../../test/support/harness.ts';
import { citusDdl, distributedTables, distributionProblems, localTables, referenceTables } from './distribution.ts';
import type { Database } from './index.ts';
import { migrate } from './migrate.ts';

let database: Database;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ database, drop } = await openEmptyDatabase());
  await migrate(database.db);
});
afterAll(async () => {
  await database.close();
  await drop();
});

class Rollback extends Error {}

/** The problems the checker finds after `ddl`, which is rolled back afterwards. */
async function problemsAfter(...ddl: RawBuilder<unknown>[]): Promise<string[]> {
  let found: string[] = [];
  await database.db.transaction().execute(async (trx) => {
    for (const d of ddl) await d.execute(trx);
    found = await distributionProblems(trx);
    throw new Rollback();
  }).catch((e) => {
    if (!(e instanceof Rollback)) throw e;
  });
  return found;
}

describe('district keys (Citus-ready schema)', () => {
  it('every table is classified, and the schema meets the distribution rules', async () => {
    expect(await distributionProblems(database.db)).toEqual([]);
  });

  it('the large tables are the distributed ones, and their keys lead with id', async () => {
    const large = ['cases', 'case_event', 'case_assignment', 'case_deadline', 'case_attachment', 'whistle', 'whistle_call', 'supervision', 'extension_request',
      'compound', 'building', 'unit', 'household', 'household_member', 'resident', 'resident_tag', 'visit'];
    expect(distributedTables).toEqual(expect.arrayContaining(large));
    const pk = async (t: string) => (await sql<{ def: string }>`
      SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = ${t}::regclass AND contype = 'p'`.execute(database.db)).rows[0].def;
    expect(await pk('cases')).toBe('PRIMARY KEY (id, district_id)');
    expect(await pk('household_member')).toBe('PRIMARY KEY (id, district_id)');
    const caseNo = await sql<{ def: string }>`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'cases_case_no_key'`.execute(database.db);
    expect(caseNo.rows[0].def).toBe('UNIQUE (case_no, district_id)');
  });

  it('finds a new table nobody classified', async () => {
    expect(await problemsAfter(sql`CREATE TABLE gadget (id uuid PRIMARY KEY)`)).toEqual(['gadget: not classified in server/db/distribution.ts']);
  });

  it('finds a key of a distributed table without the district', async () => {
    expect(await problemsAfter(sql`CREATE UNIQUE INDEX deadline_alone ON case_deadline (id)`))
      .toEqual(['case_deadline: unique key deadline_alone (id) lacks district_id']);
    expect(await problemsAfter(sql`ALTER TABLE visit DROP CONSTRAINT visit_household_id_fkey`, sql`ALTER TABLE visit DROP CONSTRAINT visit_pkey`, sql`ALTER TABLE visit ADD PRIMARY KEY (id)`))
      .toEqual(['visit: primary key visit_pkey (id) lacks district_id']);
  });

  it('finds a foreign key between distributed tables that does not join on the district', async () => {
    expect(await problemsAfter(sql`ALTER TABLE visit ADD CONSTRAINT crossed FOREIGN KEY (district_id, household_id) REFERENCES household (id, district_id)`))
      .toEqual(['visit: foreign key crossed → household does not join on district_id on both sides']);
  });

  it('finds local and reference tables pointing the wrong way', async () => {
    expect(await problemsAfter(sql`ALTER TABLE notice ADD CONSTRAINT into_registry FOREIGN KEY (compound_id, district_id) REFERENCES compound (id, district_id)`))
      .toEqual(['notice: foreign key into_registry → compound: a local table may not point into a distributed table']);
    expect(await problemsAfter(sql`ALTER TABLE routing_rule ADD COLUMN file_id uuid CONSTRAINT to_local REFERENCES file_object (id)`))
      .toEqual(['routing_rule: foreign key to_local → file_object: a reference table may point only at reference tables']);
    expect(await problemsAfter(sql`ALTER TABLE cases ADD COLUMN file_id uuid CONSTRAINT to_local REFERENCES file_object (id)`))
      .toEqual(['cases: foreign key to_local → file_object: a distributed table may point only at distributed or reference tables']);
  });

  it('prints the Citus DDL from the same lists', () => {
    const ddl = citusDdl();
    expect(ddl).toContain(`SELECT create_distributed_table('cases', 'district_id', shard_count => 32);`);
    for (const t of distributedTables.slice(1)) expect(ddl).toMatch(new RegExp(`colocate_with => 'cases'\\) FROM unnest\\(ARRAY\\[[^\\]]*'${t}'`));
    for (const t of Object.keys(referenceTables)) expect(ddl).toMatch(new RegExp(`create_reference_table\\(t\\) FROM unnest\\(ARRAY\\[[^\\]]*'${t}'`));
    for (const t of Object.keys(localTables)) expect(ddl).toContain(t);
  });
});
