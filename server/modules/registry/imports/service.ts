import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { sql, type Selectable } from 'kysely';
import { audit } from '../../../platform/audit/index.ts';
import { inTransaction, type Ctx } from '../../../platform/context.ts';
import { AppError, conflict, notFound } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import { inScope, requirePermission, requireUser, scopeOf } from '../../../platform/access/index.ts';
import { t } from '../../../platform/i18n/index.ts';
import { insertBatches } from '../../../db/bulk.ts';
import type { Executor } from '../../../db/index.ts';
import { today } from '../residents/service.ts';
import { lockIdNumbers } from '../residents/store.ts';
import { ID_PURPOSE, protectIdNumber, protectPhone, type ProtectedId, type ProtectedPhone } from '../residents/rules.ts';
import type { ImportColumns, ImportKind, ResidentTable } from '../tables.ts';
import { Applier } from './apply.ts';
import { matchHeaders } from './columns.ts';
import { readRows, sniffFormat, type SpreadsheetFormat } from './readers.ts';
import { SeenIds } from './seen.ts';
import { checkRow, columnHeader, Lookup, registryProblem, registryRows, rowCells, type ImportRecord, type Problem, type ResidentRecord } from './rows.ts';

/** Rows per batch: one registry lookup and one statement per kind of write each. */
export const IMPORT_BATCH = 1000;
type Sealed = ProtectedId & ProtectedPhone;
/** Problems shown with the report; the rest are paged from GET /api/imports/{id}/problems. */
const REPORT_PROBLEMS = 200;

export const permissionFor = (kind: ImportKind) => (kind === 'residents' ? 'resident.import' : 'place.write');

interface RowProblem extends Problem {
  row: number;
}

/** A checked row ready to import; `hash` is the blind index of a resident's ID number. */
export interface ImportItem {
  row: number;
  record: ImportRecord;
  hash?: string;
  /** a resident's ID number and phone encrypted, when the pass was asked to (confirm) */
  sealed?: Sealed;
}

interface Pass {
  columns: ImportColumns;
  total: number;
  valid: number;
  problemRows: number;
}

/**
 * One pass over a stored file: header matching, row checks, registry checks per batch, duplicate
 * people within the file. Calls `onProblems` and `onValid` batch by batch, so neither the file nor
 * its rows are ever held whole. While one batch is at the database (registry check, then
 * `onValid`), the next is read and checked: the file's parsing and the database's writing overlap,
 * and no more than two batches are held. Batches still reach the database strictly one after
 * another, so a batch sees everything the ones before it wrote (a household created for the first
 * members of a family is found for the rest in the next batch).
 */
async function runPass(
  ctx: Ctx,
  db: Executor,
  kind: ImportKind,
  open: () => Readable,
  format: SpreadsheetFormat,
  lookup: Lookup,
  onProblems: (p: RowProblem[]) => Promise<void>,
  onValid: (items: ImportItem[], registered: Map<string, Selectable<ResidentTable>>) => Promise<void>,
  seal = false,
): Promise<Pass> {
  const day = today(ctx);
  const pii = ctx.platform.pii;
  const rows = readRows(open, format);
  const first = await rows.next();
  if (first.done) {
    await onProblems([{ row: 1, column: null, code: 'empty_file' }]);
    return { columns: { matched: {}, missing: [], unknown: [] }, total: 0, valid: 0, problemRows: 0 };
  }
  const headers = first.value.cells;
  const m = matchHeaders(kind, headers);
  const columns: ImportColumns = { matched: m.matched, missing: m.missing, unknown: m.unknown };
  if (m.missing.length) {
    await onProblems(m.missing.map((h) => ({ row: first.value.row, column: h, code: 'missing_column' })));
    for await (const _ of rows) void _; // drain, so the count is still reported
    return { columns, total: 0, valid: 0, problemRows: 0 };
  }
  const headerOf = new Map<string, string>([...m.byIndex.entries()].map(([i, key]) => [key, headers[i].trim()]));
  const label = (key: string | null) => (key ? (headerOf.get(key) ?? columnHeader(kind, key)) : null);
  const seenIds = new SeenIds();
  let total = 0;
  let valid = 0;
  let problemRows = 0;
  let pending: ImportItem[] = [];
  let problems: RowProblem[] = [];

  const settle = async (items: ImportItem[], found: RowProblem[]) => {
    let registered = new Map<string, Selectable<ResidentTable>>();
    if (kind === 'residents' && items.length) {
      const hashes = items.map((p) => p.hash!);
      // confirming writes: the people of the batch are looked up under the same city-wide lock as a registration
      if (db.isTransaction) await lockIdNumbers(db, hashes);
      registered = await registryRows(db, hashes);
      items = items.filter((p) => {
        const pr = registryProblem(lookup.scope, registered.get(p.hash!));
        if (pr) {
          found.push({ ...pr, column: label(pr.column), row: p.row });
          problemRows++;
        }
        return !pr;
      });
    }
    valid += items.length;
    if (found.length) await onProblems(found);
    if (items.length) await onValid(items, registered);
  };
  let inflight: Promise<void> = Promise.resolve();
  const flush = async () => {
    const items = pending;
    const found = problems;
    pending = [];
    problems = [];
    await inflight;
    inflight = settle(items, found);
    inflight.catch(() => undefined); // awaited at the next flush or at the end
  };

  for await (const r of rows) {
    total++;
    const cells = rowCells(m.byIndex, r.cells);
    const checked = checkRow(kind, cells, lookup, day);
    const rowProblems: RowProblem[] = checked.problems.map((p) => ({ ...p, column: label(p.column), row: r.row }));
    let hash: string | undefined;
    if (checked.record && kind === 'residents') {
      hash = pii.blindIndex(ID_PURPOSE, (checked.record as ResidentRecord).idNumber);
      const earlier = seenIds.firstRow(hash, r.row);
      if (earlier !== undefined) rowProblems.push({ row: r.row, column: label('idNumber'), code: 'duplicate_person', params: { row: earlier } });
    }
    if (rowProblems.length) {
      problemRows++;
      problems.push(...rowProblems);
    } else {
      // sealing here, while the previous batch is at the database, keeps it off the critical path;
      // for people already registered the seal goes unused
      const rec = checked.record as ResidentRecord;
      const sealed = seal && hash ? { ...protectIdNumber(pii, rec.idNumber, hash), ...protectPhone(pii, rec.phone ?? null) } : undefined;
      pending.push({ row: r.row, record: checked.record!, hash, sealed });
    }
    if (pending.length >= IMPORT_BATCH || problems.length >= IMPORT_BATCH) await flush();
  }
  await flush();
  await inflight;
  return { columns, total, valid, problemRows };
}

/** Reads the upload into the file store (streaming) and validates it; nothing is imported yet. */
export async function createImport(ctx: Ctx, kind: ImportKind, upload: { stream: Readable; filename: string | null; truncated: () => boolean }) {
  requirePermission(ctx, permissionFor(kind));
  const user = requireUser(ctx);
  // uploads are full of ID numbers: stored encrypted, never in plain text
  // pipeline, not pipe: an upload that broke before we got it (a truncated form) fails here instead of hanging
  const encrypted = ctx.platform.pii.encryptingStream();
  const [stored] = await Promise.all([ctx.platform.files.putStream(encrypted), pipeline(upload.stream, encrypted)]);
  if (upload.truncated()) throw new AppError(413, 'PAYLOAD_TOO_LARGE', 'error.file_too_large', { mb: Math.round(ctx.platform.config.importLimitBytes / 1024 / 1024) });
  const head = await firstBytes(openUpload(ctx, stored.sha256));
  const format = sniffFormat(head);
  if (!format || stored.size === 0) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'registry.import_format');

  const jobId = newId();
  const fileId = newId();
  const scope = scopeOf(ctx);
  const region = scope.kind === 'region' ? await ctx.db.selectFrom('region').select(['city_id', 'district_id', 'street_id', 'community_id', 'grid_id']).where('id', '=', scope.regionId).executeTakeFirst() : null;
  await ctx.db.insertInto('file_object').values({ id: fileId, sha256: stored.sha256, size_bytes: stored.size, mime: 'application/octet-stream', original_name: upload.filename, uploaded_by_user: user.id }).execute();
  await ctx.db
    .insertInto('import_job')
    .values({
      // 'failed' until validation finishes, so a crash half-way leaves nothing to confirm
      id: jobId, kind, status: 'failed', file_id: fileId, file_name: upload.filename, format, columns: JSON.stringify({ matched: {}, missing: [], unknown: [] }), created_by: user.id,
      city_id: region?.city_id ?? null, district_id: region?.district_id ?? null, street_id: region?.street_id ?? null, community_id: region?.community_id ?? null, grid_id: region?.grid_id ?? null,
    })
    .execute();

  const lookup = await Lookup.load(ctx);
  let seq = 0;
  const insertProblems = insertBatches(ctx.db);
  const pass = await runPass(
    ctx, ctx.db, kind, () => openUpload(ctx, stored.sha256), format, lookup,
    async (ps) => {
      await insertProblems('import_problem', ['job_id', 'seq', 'row_number', 'column_name', 'code', 'params'], ps.map((p) => [jobId, ++seq, p.row, p.column, p.code, p.params ?? null]));
    },
    async () => undefined,
  );
  const failed = pass.columns.missing.length > 0 || pass.total === 0;
  await inTransaction(ctx, async (trx, c) => {
    await trx
      .updateTable('import_job')
      .set({ status: failed ? 'failed' : 'validated', columns: JSON.stringify(pass.columns), total_rows: pass.total, valid_rows: pass.valid, problem_rows: pass.problemRows })
      .where('id', '=', jobId)
      .execute();
    await audit(c, { action: 'import.validate', entityType: 'import_job', entityId: jobId, details: { kind, format, rows: pass.total, valid: pass.valid, problemRows: pass.problemRows } });
  });
  return getImport(ctx, jobId);
}

function openUpload(ctx: Ctx, sha256: string): Readable {
  const raw = ctx.platform.files.open(sha256);
  const plain = raw.pipe(ctx.platform.pii.decryptingStream());
  raw.on('error', (e) => plain.destroy(e));
  return plain;
}

async function firstBytes(stream: Readable): Promise<Buffer> {
  for await (const chunk of stream) {
    stream.destroy();
    return chunk as Buffer;
  }
  return Buffer.alloc(0);
}

async function findJob(ctx: Ctx, id: string) {
  const job = await ctx.db.selectFrom('import_job as j').selectAll('j').where('j.id', '=', id).where((eb) => inScope(eb, scopeOf(ctx), { regionOf: 'j' })).executeTakeFirst();
  if (!job) throw notFound();
  requirePermission(ctx, permissionFor(job.kind));
  return job;
}

export async function getImport(ctx: Ctx, id: string) {
  const job = await findJob(ctx, id);
  const problems = await listProblems(ctx, id, { limit: REPORT_PROBLEMS });
  return { job, problems: problems.items, problemsTruncated: problems.nextCursor !== null };
}

export async function listProblems(ctx: Ctx, id: string, q: { after?: number; limit?: number }) {
  await findJob(ctx, id);
  const limit = q.limit ?? 500;
  const rows = await ctx.db
    .selectFrom('import_problem')
    .selectAll()
    .where('job_id', '=', id)
    .where('seq', '>', q.after ?? 0)
    .orderBy('seq')
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit).map((p) => ({
    seq: p.seq,
    row: p.row_number,
    column: p.column_name,
    code: p.code,
    message: t(ctx.lang, `registry.import.${p.code}`, { ...((p.params as Record<string, string | number> | null) ?? {}), column: p.column_name ?? '' }),
  }));
  return { items, nextCursor: rows.length > limit ? items[items.length - 1].seq : null };
}

/**
 * Imports every valid row of a validated file in one transaction. The file is read and checked
 * again (the registry may have changed since); rows that are no longer valid are skipped and
 * counted. A second confirm, or two at once, finds the job no longer 'validated': 409.
 */
export async function confirmImport(ctx: Ctx, id: string) {
  const job = await findJob(ctx, id);
  const file = await ctx.db.selectFrom('file_object').select('sha256').where('id', '=', job.file_id).executeTakeFirstOrThrow();
  const result = await inTransaction(ctx, async (trx, c) => {
    await sql`SET LOCAL statement_timeout = 0`.execute(trx);
    const claimed = await trx.updateTable('import_job').set({ status: 'confirmed' }).where('id', '=', id).where('status', '=', 'validated').returning('id').executeTakeFirst();
    if (!claimed) throw conflict('IMPORT_NOT_PENDING', 'registry.import_not_pending', { status: job.status });
    const lookup = await Lookup.load(c);
    const applier = new Applier(c, trx, lookup, `import:${id}`, today(c));
    let skipped = 0;
    await runPass(
      c, trx, job.kind, () => openUpload(c, file.sha256), job.format, lookup,
      async (ps) => {
        skipped += new Set(ps.map((p) => p.row)).size;
      },
      async (items, registered) => {
        if (job.kind === 'residents') await applier.applyResidents(items as (ImportItem & { record: ResidentRecord; hash: string; sealed: Sealed })[], registered);
        else if (job.kind === 'households') await applier.applyHouseholds(items.map((i) => i.record) as never);
        else await applier.applyBuildings(items.map((i) => i.record) as never);
      },
      true,
    );
    const r = { ...applier.result, skipped: applier.result.skipped + skipped };
    const user = requireUser(c);
    await trx.updateTable('import_job').set({ result: JSON.stringify(r), confirmed_by: user.id, confirmed_at: c.platform.clock.now() }).where('id', '=', id).execute();
    await audit(c, { action: 'import.confirm', entityType: 'import_job', entityId: id, details: { kind: job.kind, ...r } });
    return r;
  });
  return { ...(await getImport(ctx, id)), result };
}

export async function listImports(ctx: Ctx) {
  const user = requireUser(ctx);
  const kinds = (['residents', 'households', 'buildings'] as ImportKind[]).filter((k) => user.permissions.has(permissionFor(k)));
  if (kinds.length === 0) requirePermission(ctx, 'resident.import');
  return ctx.db
    .selectFrom('import_job as j')
    .selectAll('j')
    .where('j.kind', 'in', kinds)
    .where((eb) => inScope(eb, scopeOf(ctx), { regionOf: 'j' }))
    .orderBy('j.created_at', 'desc')
    .limit(100)
    .execute();
}
