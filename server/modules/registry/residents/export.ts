import type { FastifyReply } from 'fastify';
import { audit } from '../../../platform/audit/index.ts';
import { inTransaction, readerOf, type Ctx } from '../../../platform/context.ts';
import { forbidden } from '../../../platform/errors.ts';
import { hasPermission, inScope, requirePermission, scopeOf } from '../../../platform/access/index.ts';
import { POLITICAL_ZH, RELATION_ZH } from '../imports/columns.ts';
import { streamingSheet, XLSX_MIME } from '../imports/sheets.ts';
import type { PoliticalStatus, Relation } from '../tables.ts';
import { ageOn } from './rules.ts';
import { allResidents, masked, today, type SearchQuery } from './service.ts';
import { consumeApproval } from '../../privacy/service.ts';

const HEADERS = ['姓名', '身份证号', '手机', '性别', '出生日期', '年龄', '民族', '政治面貌', '小区', '楼栋', '单元', '房号', '与户主关系', '户籍地址', '人户分离', '重点人群', '社区', '网格', '状态'];
const STATUS_ZH = { active: '在册', moved_out: '已迁出', deceased: '已死亡' } as const;

/**
 * Streams a filtered resident list as xlsx. ID numbers and phones are masked unless the exporter
 * asks for them in full (unmasked=true), holds resident.export_unmasked and brings a second
 * administrator's approval of this filter (approval=<id>, docs/security.md: four eyes). Every export is audited with its
 * filter and whether numbers were shown in full. The header names are the import template's, so
 * an unmasked export can be edited and imported back.
 *
 * The audit record and the spent approval commit on the primary before a row is read; the rows
 * themselves are read from the replica (readerOf), as they were already read after that commit.
 */
export async function exportResidents(ctx: Ctx, reply: FastifyReply, query: Omit<SearchQuery, 'cursor' | 'limit'> & { masked?: boolean; unmasked?: boolean; approval?: string }) {
  requirePermission(ctx, 'resident.export');
  const { masked: _m, unmasked: asked, approval, ...filter } = query;
  // numbers in full only on request, with the permission, and with a second administrator's approval of this very filter
  const unmasked = asked === true && !query.masked;
  if (unmasked && !hasPermission(ctx, 'resident.export_unmasked')) throw forbidden();
  // the approval is spent in the same transaction that records the export
  await inTransaction(ctx, async (_trx, c) => {
    if (unmasked) await consumeApproval(c, approval, filter);
    await audit(c, { action: 'resident.export', entityType: 'resident', entityId: null, details: { filter: { ...filter, q: filter.q ? '(text)' : undefined }, unmasked } });
  });

  const readCtx = { ...ctx, db: readerOf(ctx) };
  const regions = new Map(
    (await readCtx.db.selectFrom('region as rg').select(['rg.id', 'rg.name']).where('rg.level', 'in', ['community', 'grid']).where((eb) => inScope(eb, scopeOf(ctx), { regionOf: 'rg' })).execute()).map((r) => [r.id, r.name]),
  );
  const tagNames = new Map((await readCtx.db.selectFrom('care_tag').select(['code', 'name_zh']).execute()).map((t) => [t.code, t.name_zh]));
  const day = today(ctx);
  const sheet = streamingSheet('居民', HEADERS);
  const pii = ctx.platform.pii;
  const write = async () => {
    for await (const page of allResidents(readCtx, filter)) {
      for (const r of page) {
        const shown = unmasked ? { idNumber: pii.decrypt(r.id_enc), phone: r.phone_enc ? pii.decrypt(r.phone_enc) : null } : masked(ctx, r);
        sheet.add([
          r.name, shown.idNumber, shown.phone, r.gender === 'male' ? '男' : '女', r.birth_date, ageOn(r.birth_date, day), r.ethnicity,
          r.political_status ? POLITICAL_ZH[r.political_status as PoliticalStatus] : null, r.compound_name, r.building_number, r.unit_no, r.room_no,
          r.relation ? RELATION_ZH[r.relation as Relation] : null, r.registered_address, r.separated === null ? null : r.separated ? '是' : '否',
          (r.tags ?? []).map((t) => tagNames.get(t) ?? t).join('、'), regions.get(r.community_id) ?? null, r.grid_id ? (regions.get(r.grid_id) ?? null) : null, STATUS_ZH[r.status],
        ]);
      }
    }
    await sheet.finish();
  };
  write().catch((err) => {
    ctx.platform.log.error({ err }, 'resident export failed');
    sheet.stream.destroy(err as Error);
  });
  const stamp = day.replace(/-/g, '');
  reply
    .type(XLSX_MIME)
    .header('cache-control', 'no-store')
    .header('content-disposition', `attachment; filename="residents-${stamp}.xlsx"; filename*=UTF-8''${encodeURIComponent(`居民-${stamp}.xlsx`)}`);
  return reply.send(sheet.stream);
}
