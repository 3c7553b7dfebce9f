import { sql, type Transaction } from 'kysely';
import type { DB } from '../../db/index.ts';
import { audit } from '../../platform/audit/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { notify, type NewNotification } from '../notifications/service.ts';
import type { CasesConfig } from './config.ts';
import { recordEvent, type CaseRow } from './events.ts';

/**
 * Reports merged into a case share its outcome. When that case closes, every report merged into it
 * (directly, or into a report that was itself merged into it) closes with it: an `outcome` event
 * carries what the handling unit reported, the reporter is told, and — now `closed` — each report can
 * be rated by its own reporter (or by a call-back), so every person who reported the problem has a say
 * in the satisfaction rate. The `outcome` event adds no metric: the work was counted once, on the
 * case that was handled. A report merged into a case that is already closed gets the outcome at once.
 */
export async function closeMergedFollowers(trx: Transaction<DB>, ctx: Ctx, cfg: CasesConfig, target: CaseRow, now: Date): Promise<number> {
  const followers = (await sql<CaseRow>`
    WITH RECURSIVE f (id) AS (
      SELECT id FROM cases WHERE merged_into = ${target.id}
      UNION
      SELECT c.id FROM cases c JOIN f ON c.merged_into = f.id
    )
    SELECT c.* FROM cases c WHERE c.id IN (SELECT id FROM f) AND c.status = 'merged' ORDER BY c.reported_at, c.id FOR UPDATE OF c`.execute(trx)).rows;
  if (!followers.length) return 0;
  const outcome = await trx
    .selectFrom('case_event')
    .select('note')
    .where('case_id', '=', target.id)
    .where('type', 'in', ['handle', 'close'])
    .where('note', 'is not', null)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  const notices: NewNotification[] = [];
  for (const row of followers) {
    // the unit that handled the problem is the one each reporter's rating is about
    const patch = { status: 'closed', closed_at: now, assigned_org_id: target.assigned_org_id, version: row.version + 1, updated_at: now };
    const next: CaseRow = { ...row, ...patch };
    await trx.updateTable('cases').set(patch).where('id', '=', row.id).execute();
    await recordEvent(trx, ctx, cfg, next, {
      type: 'outcome', from: 'merged', to: 'closed', note: outcome?.note ?? null,
      data: { targetCaseId: target.id, targetCaseNo: target.case_no },
    });
    if (row.reporter_account_id) {
      notices.push({ to: { accountId: row.reporter_account_id }, caseId: row.id, kind: 'case.update', key: 'notify.merged_case_closed', params: { caseNo: row.case_no, title: row.title, target: target.case_no } });
    }
    await audit(ctx, { action: 'case.outcome', entityType: 'case', entityId: row.id, before: row, after: next, details: { from: 'merged', to: 'closed', targetCaseId: target.id } });
  }
  // the reporters are told in one statement (and one consent lookup for their texts), not one per report
  await notify(trx, now, notices);
  return followers.length;
}
