import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { ClassifierExampleTable, ClassifierModelTable } from './tables.ts';
import type { Insertable } from 'kysely';

/** Models kept in the table; older ones are deleted when a new one is stored. */
export const MODELS_KEPT = 5;

const SUMMARY_COLUMNS = [
  'version',
  'trained_at',
  'trigger',
  'trained_by',
  'featuriser',
  'corpus_digest',
  'data_digest',
  'corpus_examples',
  'taxonomy_examples',
  'learned_examples',
  'test_examples',
  'metrics',
  'size_bytes',
  'training_ms',
] as const;

export async function latestModelSummary(db: Executor) {
  return db.selectFrom('classifier_model').select(SUMMARY_COLUMNS).orderBy('version', 'desc').limit(1).executeTakeFirst();
}

export async function latestVersion(db: Executor): Promise<number | null> {
  const r = await db.selectFrom('classifier_model').select((eb) => eb.fn.max('version').as('v')).executeTakeFirst();
  return r?.v ?? null;
}

export async function modelByVersion(db: Executor, version: number) {
  return db.selectFrom('classifier_model').select([...SUMMARY_COLUMNS, 'model']).where('version', '=', version).executeTakeFirst();
}

/** Stores a model as the next version and keeps only the newest MODELS_KEPT. */
export async function insertModel(db: Executor, row: Omit<Insertable<ClassifierModelTable>, 'version'>): Promise<number> {
  const next = ((await latestVersion(db)) ?? 0) + 1;
  await db
    .insertInto('classifier_model')
    .values({ ...row, version: next })
    .execute();
  await db.deleteFrom('classifier_model').where('version', '<=', next - MODELS_KEPT).execute();
  return next;
}

/** Takes the training lease if nobody holds it (or its holder's lease ran out); false otherwise. */
export async function claimTraining(db: Executor, holder: string, now: Date, until: Date): Promise<boolean> {
  const r = await db
    .updateTable('classifier_training')
    .set({ running_until: until, holder })
    .where('id', '=', 1)
    .where((eb) => eb.or([eb('running_until', 'is', null), eb('running_until', '<', now)]))
    .returning('id')
    .executeTakeFirst();
  return r !== undefined;
}

export async function releaseTraining(db: Executor, holder: string) {
  await db.updateTable('classifier_training').set({ running_until: null, holder: null }).where('id', '=', 1).where('holder', '=', holder).execute();
}

export async function learnedExamples(db: Executor, limit: number) {
  // the newest `limit`, handed to training oldest first (a later label of the same text wins)
  const rows = await db
    .selectFrom('classifier_example')
    .select(['text', 'category', 'sub_category', 'source', 'updated_at', 'id'])
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse();
}

/** The learned examples' state: changes when one is added or relabelled (part of a model's data digest). */
export async function learnedState(db: Executor): Promise<{ count: number; lastChange: string | null }> {
  const r = await db
    .selectFrom('classifier_example')
    .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.max('updated_at').as('last')])
    .executeTakeFirstOrThrow();
  return { count: Number(r.n), lastChange: r.last ? new Date(r.last).toISOString() : null };
}

/** Inserts an example, or relabels the one already recorded for the same case. */
export async function upsertExample(db: Executor, row: Insertable<ClassifierExampleTable>, now: Date): Promise<{ id: string; created: boolean }> {
  if (row.case_id) {
    const r = await db
      .insertInto('classifier_example')
      .values({ ...row, created_at: now, updated_at: now })
      .onConflict((oc) =>
        oc
          .column('case_id')
          .where('case_id', 'is not', null)
          .doUpdateSet({
            text: (eb) => eb.ref('excluded.text'),
            category: (eb) => eb.ref('excluded.category'),
            sub_category: (eb) => eb.ref('excluded.sub_category'),
            source: (eb) => eb.ref('excluded.source'),
            suggested_category: (eb) => eb.ref('excluded.suggested_category'),
            created_by: (eb) => eb.ref('excluded.created_by'),
            updated_at: now,
          }),
      )
      .returning(['id', sql<boolean>`(xmax = 0)`.as('created')])
      .executeTakeFirstOrThrow();
    return { id: r.id, created: r.created };
  }
  await db
    .insertInto('classifier_example')
    .values({ ...row, created_at: now, updated_at: now })
    .execute();
  return { id: row.id, created: true };
}

/** Examples recorded or relabelled after a moment (the last model's training). */
export async function examplesSince(db: Executor, since: Date): Promise<number> {
  const r = await db
    .selectFrom('classifier_example')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('updated_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function countExamples(db: Executor): Promise<{ total: number; corrected: number }> {
  const r = await db
    .selectFrom('classifier_example')
    .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.count<string>(eb.case().when('source', '=', 'dispatcher_corrected').then(1).end()).as('c')])
    .executeTakeFirstOrThrow();
  return { total: Number(r.n), corrected: Number(r.c) };
}
