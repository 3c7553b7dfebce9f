import { audit } from '../../platform/audit/index.ts';
import { hasPermission, requirePermission } from '../../platform/access/index.ts';
import { inTransaction, type Ctx } from '../../platform/context.ts';
import { conflict, invalid, notFound } from '../../platform/errors.ts';
import { invalidateConfig } from '../cases/config.ts';

type L3 = { 'zh-CN': string; 'zh-TW': string; en: string };

export async function listTaxonomy(ctx: Ctx, includeInactive: boolean) {
  let q = ctx.db.selectFrom('taxonomy').selectAll().orderBy('level').orderBy('sort_order').orderBy('code');
  // inactive codes only for those who edit the taxonomy
  if (!includeInactive || !hasPermission(ctx, 'taxonomy.write')) q = q.where('active', '=', true);
  return q.execute();
}

export async function updateItem(
  ctx: Ctx,
  code: string,
  input: { name?: Partial<L3>; description?: Partial<L3>; keywords?: string[]; active?: boolean; sortOrder?: number },
) {
  requirePermission(ctx, 'taxonomy.write');
  const before = await ctx.db.selectFrom('taxonomy').selectAll().where('code', '=', code).executeTakeFirst();
  if (!before) throw notFound();
  if (!Object.keys(input).length) throw invalid('_', 'validation.required');
  const patch = {
    ...(input.name?.['zh-CN'] !== undefined ? { name_zh_cn: input.name['zh-CN'] } : {}),
    ...(input.name?.['zh-TW'] !== undefined ? { name_zh_tw: input.name['zh-TW'] } : {}),
    ...(input.name?.en !== undefined ? { name_en: input.name.en } : {}),
    ...(input.description?.['zh-CN'] !== undefined ? { description_zh_cn: input.description['zh-CN'] } : {}),
    ...(input.description?.['zh-TW'] !== undefined ? { description_zh_tw: input.description['zh-TW'] } : {}),
    ...(input.description?.en !== undefined ? { description_en: input.description.en } : {}),
    ...(input.keywords !== undefined ? { keywords: input.keywords } : {}),
    ...(input.active !== undefined ? { active: input.active } : {}),
    ...(input.sortOrder !== undefined ? { sort_order: input.sortOrder } : {}),
  };
  await inTransaction(ctx, async (trx, c) => {
    await trx.updateTable('taxonomy').set({ ...patch, updated_at: ctx.platform.clock.now(), updated_by: ctx.principal.kind === 'user' ? ctx.principal.id : null }).where('code', '=', code).execute();
    await audit(c, { action: 'taxonomy.update', entityType: 'taxonomy', entityId: code, before, details: { fields: Object.keys(patch) } });
  });
  invalidateConfig();
  return (await ctx.db.selectFrom('taxonomy').selectAll().where('code', '=', code).executeTakeFirstOrThrow());
}

export async function createItem(ctx: Ctx, input: { code: string; parentCode?: string; name: L3; description?: L3; keywords?: string[]; sortOrder?: number }) {
  requirePermission(ctx, 'taxonomy.write');
  if (input.parentCode) {
    const parent = await ctx.db.selectFrom('taxonomy').select(['code', 'level']).where('code', '=', input.parentCode).executeTakeFirst();
    if (!parent || parent.level !== 1) throw invalid('parentCode', 'error.not_found');
    if (!input.code.startsWith(`${input.parentCode}.`)) throw invalid('code', 'validation.pattern');
  } else if (input.code.includes('.')) throw invalid('code', 'validation.pattern');
  if (await ctx.db.selectFrom('taxonomy').select('code').where('code', '=', input.code).executeTakeFirst()) throw conflict('CODE_TAKEN', 'taxonomy.code_taken');
  await inTransaction(ctx, async (trx, c) => {
    await trx.insertInto('taxonomy').values({
      code: input.code, parent_code: input.parentCode ?? null, level: input.parentCode ? 2 : 1,
      name_zh_cn: input.name['zh-CN'], name_zh_tw: input.name['zh-TW'], name_en: input.name.en,
      description_zh_cn: input.description?.['zh-CN'] ?? '', description_zh_tw: input.description?.['zh-TW'] ?? '', description_en: input.description?.en ?? '',
      keywords: input.keywords ?? [], sort_order: input.sortOrder ?? 1000, updated_by: ctx.principal.kind === 'user' ? ctx.principal.id : null,
    }).execute();
    await audit(c, { action: 'taxonomy.create', entityType: 'taxonomy', entityId: input.code });
  });
  invalidateConfig();
  return ctx.db.selectFrom('taxonomy').selectAll().where('code', '=', input.code).executeTakeFirstOrThrow();
}
