import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../../db/index.ts';
import type { Clock } from '../clock.ts';

export interface ScheduledTask {
  name: string;
  everySeconds: number;
  /** first run this long after the task is first registered (default: at once); for work that need not delay a start */
  firstRunAfterSeconds?: number;
  run: () => Promise<unknown>;
}

export interface TaskStats {
  runs: number;
  failures: number;
  lastDurationMs: number;
  lastRunAt: number;
}

/**
 * Recurring background work (deadline sweeps, audit sealing, delivery of queued jobs). Each task's
 * next run time is a row in scheduled_task; a process runs a task only after claiming that row
 * (FOR UPDATE SKIP LOCKED), so several server processes never run the same task at once.
 */
export class Scheduler {
  private tasks = new Map<string, ScheduledTask>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  readonly stats = new Map<string, TaskStats>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  add(task: ScheduledTask) {
    this.tasks.set(task.name, task);
  }

  /** Checks for due tasks every `pollMs` until stop(). */
  start(pollMs = 1000) {
    const tick = () => {
      this.running = this.runDue()
        .then(() => undefined)
        .catch((e) => this.log.warn({ err: e }, 'scheduler tick failed'))
        .finally(() => {
          this.running = null;
          if (this.timer) this.timer = setTimeout(tick, pollMs);
        });
    };
    this.timer = setTimeout(tick, pollMs);
  }

  async stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs every task that is due now (tests call this directly with a manual clock). */
  async runDue(): Promise<string[]> {
    const names = [...this.tasks.keys()];
    if (names.length === 0) return [];
    const now = this.clock.now();
    // register unknown tasks as due now (or after their first delay); existing schedules are kept
    await this.db
      .insertInto('scheduled_task')
      .values(names.map((name) => ({ name, interval_seconds: this.tasks.get(name)!.everySeconds, next_run_at: new Date(now.getTime() + (this.tasks.get(name)!.firstRunAfterSeconds ?? 0) * 1000) })))
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const ran: string[] = [];
    for (;;) {
      const claimed = await this.claim(names, now);
      if (!claimed) break;
      await this.runClaimed(claimed);
      ran.push(claimed);
    }
    return ran;
  }

  /** Runs one task now, whether due or not (admin "run now", tests). */
  async runNow(name: string) {
    if (!this.tasks.has(name)) throw new Error(`unknown task ${name}`);
    await this.runClaimed(name);
  }

  private async claim(names: string[], now: Date): Promise<string | null> {
    const r = await sql<{ name: string }>`
      UPDATE scheduled_task SET locked_until = ${new Date(now.getTime() + 10 * 60_000)}, last_started_at = ${now}
      WHERE name = (
        SELECT name FROM scheduled_task
        WHERE name = ANY(${names}) AND next_run_at <= ${now} AND (locked_until IS NULL OR locked_until < ${now})
        ORDER BY next_run_at LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING name`.execute(this.db);
    return r.rows[0]?.name ?? null;
  }

  private async runClaimed(name: string) {
    const task = this.tasks.get(name)!;
    const started = Date.now();
    let error: string | null = null;
    try {
      await task.run();
    } catch (e) {
      error = String((e as Error).stack ?? e).slice(0, 2000);
      this.log.error({ err: e, task: name }, 'scheduled task failed');
    }
    const s = this.stats.get(name) ?? { runs: 0, failures: 0, lastDurationMs: 0, lastRunAt: 0 };
    s.runs++;
    if (error) s.failures++;
    s.lastDurationMs = Date.now() - started;
    s.lastRunAt = Date.now();
    this.stats.set(name, s);
    const finished = this.clock.now();
    await this.db
      .updateTable('scheduled_task')
      .set({
        locked_until: null,
        last_finished_at: finished,
        next_run_at: new Date(finished.getTime() + task.everySeconds * 1000),
        interval_seconds: task.everySeconds,
        last_error: error,
        runs: sql`runs + 1`,
        failures: error ? sql`failures + 1` : sql`failures`,
      })
      .where('name', '=', name)
      .execute();
  }
}
