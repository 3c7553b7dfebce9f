import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type pg from 'pg';

/**
 * Statements of the hot paths (every request's session, every intake's place and hot-spot check)
 * that PostgreSQL should parse and plan once per connection instead of on every call: planning
 * them cost more than running them (docs/benchmarks.md, pg_stat_statements). A statement carries
 * the mark as a comment; the pool names it after its text, so node-postgres prepares it on each
 * connection the first time and afterwards only binds and executes it. Only a few fixed texts are
 * marked, which bounds what each connection keeps. The embedded engine ignores the comment.
 */
const MARK = '/* linli:prepare */';

/** `${PREPARE}` at the start of a `sql` template; `.modifyFront(PREPARE)` on a select builder. */
export const PREPARE = sql.raw(MARK);
const names = new Map<string, string>();

/** Wraps a pooled client's query() so that marked statements go as named (prepared) statements. */
export function prepareMarked(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (config: unknown, values?: unknown, callback?: unknown) => {
    if (typeof config === 'string' && config.includes(MARK) && Array.isArray(values)) {
      let name = names.get(config);
      if (!name) names.set(config, (name = `linli_${createHash('sha1').update(config).digest('hex').slice(0, 20)}`));
      return query({ name, text: config, values }, callback);
    }
    return query(config, values, callback);
  };
}
