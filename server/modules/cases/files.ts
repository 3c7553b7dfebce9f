import type { Executor } from '../../db/index.ts';
import { scopeOf } from '../../platform/access/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError, forbidden, invalid, notFound, unauthorized } from '../../platform/errors.ts';
import { sniffMime } from '../../platform/files/store.ts';
import { newId } from '../../platform/ids.ts';
import { audit } from '../../platform/audit/index.ts';
import type { CaseRow } from './events.ts';
import { caseVisible } from './store.ts';

/** Photos and documents a case may carry; anything else is refused whatever its name says. */
export const ACCEPTED_MIME = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/gif', 'application/pdf']);

function uploader(ctx: Ctx): { user: string | null; resident: string | null } {
  const p = ctx.principal;
  if (p.kind === 'user') return { user: p.id, resident: null };
  if (p.kind === 'resident') return { user: null, resident: p.id };
  if (p.kind === 'anonymous') throw unauthorized();
  throw forbidden();
}

export interface Upload {
  filename: string;
  bytes: Buffer;
  truncated: boolean;
}

/** Stores uploads by content hash and records one file_object per upload. */
export async function saveUploads(ctx: Ctx, files: Upload[]) {
  const who = uploader(ctx);
  if (!files.length) throw invalid('file', 'validation.required');
  const mb = Math.round(ctx.platform.config.uploadLimitBytes / 1024 / 1024);
  const checked = files.map((f, i) => {
    if (f.truncated || f.bytes.length > ctx.platform.config.uploadLimitBytes) throw new AppError(413, 'PAYLOAD_TOO_LARGE', 'error.file_too_large', { mb });
    const mime = sniffMime(f.bytes);
    if (!mime || !ACCEPTED_MIME.has(mime)) throw invalid(`file${files.length > 1 ? `.${i}` : ''}`, 'error.file_type', { mime: mime ?? 'unknown' });
    return { ...f, mime };
  });
  const out: { id: string; sha256: string; mime: string; size: number }[] = [];
  for (const f of checked) {
    const { sha256, size } = await ctx.platform.files.put(f.bytes);
    out.push({ id: newId(), sha256, mime: f.mime, size });
  }
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('file_object')
      .values(out.map((o, i) => ({ id: o.id, sha256: o.sha256, size_bytes: o.size, mime: o.mime, original_name: checked[i].filename.slice(0, 200) || null, uploaded_by_user: who.user, uploaded_by_resident: who.resident })))
      .execute();
    await audit({ ...ctx, db: trx }, { action: 'file.upload', entityType: 'file', entityId: out.map((o) => o.id).join(','), details: { count: out.length } });
  });
  return out;
}

/** Links the caller's own uploads to a case; someone else's file id is a field error. */
export async function linkAttachments(db: Executor, ctx: Ctx, c: CaseRow, ids: string[], kind: 'before' | 'after' | 'other', eventId: string) {
  const who = uploader(ctx);
  const unique = [...new Set(ids)];
  const mine = await db
    .selectFrom('file_object')
    .select('id')
    .where('id', 'in', unique)
    .where((eb) => (who.user ? eb('uploaded_by_user', '=', who.user) : eb('uploaded_by_resident', '=', who.resident!)))
    .execute();
  if (mine.length !== unique.length) throw invalid('attachmentIds', 'error.not_found');
  await db
    .insertInto('case_attachment')
    .values(unique.map((file_id) => ({ case_id: c.id, file_id, kind, district_id: c.district_id, event_id: eventId, added_at: ctx.platform.clock.now() })))
    .onConflict((oc) => oc.columns(['case_id', 'file_id', 'district_id']).doNothing())
    .execute();
}

/** A file, to its uploader or to anyone who may see a case it is attached to. */
export async function readFile(ctx: Ctx, id: string) {
  const p = ctx.principal;
  if (p.kind === 'anonymous') throw unauthorized();
  const scope = scopeOf(ctx);
  const f = await ctx.db
    .selectFrom('file_object as f')
    .select(['f.id', 'f.sha256', 'f.mime', 'f.size_bytes', 'f.original_name'])
    .where('f.id', '=', id)
    .where((eb) =>
      eb.or([
        p.kind === 'user' ? eb('f.uploaded_by_user', '=', p.id) : p.kind === 'resident' ? eb('f.uploaded_by_resident', '=', p.id) : eb.lit(false),
        eb.exists(
          eb.selectFrom('case_attachment as a').innerJoin('cases as c', 'c.id', 'a.case_id').select('a.file_id').whereRef('a.file_id', '=', 'f.id')
            .where((e2) => (p.kind === 'resident' ? e2('c.reporter_account_id', '=', p.id) : caseVisible(e2 as never, scope))),
        ),
      ]),
    )
    .executeTakeFirst();
  if (!f) throw notFound();
  return { ...f, bytes: await ctx.platform.files.get(f.sha256) };
}
