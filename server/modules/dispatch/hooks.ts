import type { WriteBatch } from '../../db/batch.ts';
import type { Executor } from '../../db/index.ts';
import type { Ctx } from '../../platform/context.ts';
import type { CasesConfig } from '../cases/config.ts';
import type { CaseRow } from '../cases/events.ts';
import type { Place } from '../cases/place.ts';
import { reportText } from './duplicates.ts';
import { detectHotSpots } from './hotspots.ts';
import { recordExample } from './service.ts';
import { recordCategoryDecision, recordHandlerDecision, recordSuggestion } from './suggestions.ts';

/**
 * What the case loop tells smart dispatch, each inside the case's own transaction. The case loop
 * calls these after its own checks; they never decide whether the case action may happen.
 */

/** A new report: what the classifier and routing suggest for it, and whether it makes a hot spot. */
export async function afterIntake(w: WriteBatch, ctx: Ctx, cfg: CasesConfig, row: CaseRow, place: Place) {
  await recordSuggestion(w, ctx, cfg, row, place);
  await detectHotSpots(w, ctx, cfg, row);
}

/** Registration: the dispatcher's category (accepted or corrected suggestion). */
export async function afterRegister(db: Executor, ctx: Ctx, caseId: string, category: string, top: string) {
  await recordCategoryDecision(db, ctx, caseId, category, top);
}

/** Dispatch: the dispatcher's handler (accepted or corrected suggestion). */
export async function afterDispatch(db: Executor, ctx: Ctx, caseId: string, orgId: string) {
  await recordHandlerDecision(db, ctx, caseId, orgId);
}

/**
 * Closing: the category a dispatcher confirmed at registration becomes a training example for the
 * next retraining — `dispatcher_corrected` when it differs from what the classifier had suggested,
 * `dispatcher_set` otherwise (also when the case had no suggestion). One example per case; a reopened
 * case closed again relabels it.
 */
export async function afterClose(db: Executor, ctx: Ctx, row: CaseRow) {
  const s = await db.selectFrom('dispatch_suggestion').select(['category', 'category_outcome']).where('case_id', '=', row.id).executeTakeFirst();
  await recordExample(ctx, {
    text: reportText(row),
    category: row.category_top,
    subCategory: row.category !== row.category_top ? row.category : null,
    source: s?.category_outcome === 'corrected' ? 'dispatcher_corrected' : 'dispatcher_set',
    caseId: row.id,
    suggestedCategory: s?.category ?? null,
  });
}
