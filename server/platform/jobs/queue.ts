import { sql, type Kysely } from 'kysely';
import type { DB, Executor } from '../../db/index.ts';
import type { Clock } from '../clock.ts';
import { newId } from '../ids.ts';

/**
 * Work to do later, in a table: outgoing callbacks, text messages, re-training. Enqueue inside the
 * transaction that makes the work necessary, so it exists exactly when the change does. Workers in
 * any number of processes claim due jobs with FOR UPDATE SKIP LOCKED; failures retry with backoff.
 */
export type JobHandler = (payload: Record<string, unknown>, job: { id: string; attempts: number }) => Promise<void>;

export interface JobStats {
  processed: number;
  failed: number;
}

export interface NewJob {
  kind: string;
  payload: Record<string, unknown>;
  runAt: Date;
  maxAttempts?: number;
}

/** Adds jobs in the caller's transaction (for code that has the transaction but not the queue). */
export async function enqueueJobs(db: Executor, jobs: NewJob[]): Promise<string[]> {
  if (!jobs.length) return [];
  const rows = jobs.map((j) => ({ id: newId(), kind: j.kind, payload: JSON.stringify(j.payload), run_at: j.runAt, max_attempts: j.maxAttempts ?? 10 }));
  await db.insertInto('job').values(rows).execute();
  return rows.map((r) => r.id);
}

export class JobQueue {
  private handlers = new Map<string, JobHandler>();
  readonly stats: JobStats = { processed: 0, failed: 0 };

  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
  ) {}

  register(kind: string, handler: JobHandler) {
    this.handlers.set(kind, handler);
  }

  async enqueue(db: Executor, kind: string, payload: Record<string, unknown>, opts: { runAt?: Date; maxAttempts?: number } = {}) {
    const [id] = await enqueueJobs(db, [{ kind, payload, runAt: opts.runAt ?? this.clock.now(), maxAttempts: opts.maxAttempts }]);
    return id;
  }

  /** Exponential backoff: 10 s, 20 s, 40 s … capped at one hour. */
  static backoffMs(attempts: number) {
    return Math.min(3_600_000, 10_000 * 2 ** Math.max(0, attempts - 1));
  }

  /** Claims and runs due jobs until none is left or `max` have run. Returns how many ran. */
  async runDue(max = 50): Promise<number> {
    const kinds = [...this.handlers.keys()];
    if (kinds.length === 0) return 0;
    let ran = 0;
    while (ran < max) {
      const now = this.clock.now();
      const lease = new Date(now.getTime() + 5 * 60_000);
      const claimed = await this.db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('job')
          .select(['id', 'kind', 'payload', 'attempts', 'max_attempts'])
          .where('done_at', 'is', null)
          .where('run_at', '<=', now)
          .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
          .where('kind', 'in', kinds)
          .where((eb) => eb('attempts', '<', eb.ref('max_attempts')))
          .orderBy('run_at')
          .limit(1)
          .forUpdate()
          .skipLocked()
          .executeTakeFirst();
        if (!row) return null;
        await trx.updateTable('job').set({ locked_until: lease, attempts: sql`attempts + 1` }).where('id', '=', row.id).execute();
        return row;
      });
      if (!claimed) break;
      ran++;
      const attempts = claimed.attempts + 1;
      try {
        await this.handlers.get(claimed.kind)!(claimed.payload as Record<string, unknown>, { id: claimed.id, attempts });
        await this.db.updateTable('job').set({ done_at: this.clock.now(), locked_until: null, last_error: null }).where('id', '=', claimed.id).execute();
        this.stats.processed++;
      } catch (e) {
        this.stats.failed++;
        const retryAt = new Date(this.clock.now().getTime() + JobQueue.backoffMs(attempts));
        await this.db
          .updateTable('job')
          .set({ locked_until: null, run_at: retryAt, last_error: String((e as Error).message ?? e).slice(0, 1000) })
          .where('id', '=', claimed.id)
          .execute();
      }
    }
    return ran;
  }
}
