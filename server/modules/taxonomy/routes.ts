import { Type } from 'typebox';
import type { App } from '../../platform/module.ts';
import { Body, responses } from '../../platform/http/schemas.ts';
import { idempotent } from '../../platform/http/idempotency.ts';
import * as service from './service.ts';

const L3 = Type.Object({ 'zh-CN': Type.String(), 'zh-TW': Type.String(), en: Type.String() });
const L3In = (max: number) => Type.Object({ 'zh-CN': Type.String({ minLength: 1, maxLength: max }), 'zh-TW': Type.String({ minLength: 1, maxLength: max }), en: Type.String({ minLength: 1, maxLength: max }) }, { additionalProperties: false });
const L3Patch = (max: number) => Type.Partial(L3In(max), { additionalProperties: false });
const ItemFields = { code: Type.String(), name: L3, description: L3, keywords: Type.Array(Type.String()), active: Type.Boolean(), sortOrder: Type.Integer() };
const Item = Type.Object({ ...ItemFields, parentCode: Type.Union([Type.String(), Type.Null()]) });
const Top = Type.Object({ ...ItemFields, children: Type.Array(Type.Object(ItemFields)) });
const Service = Type.Object({ ...ItemFields, parentCode: Type.String(), parentName: L3 });

type Row = Awaited<ReturnType<typeof service.listTaxonomy>>[number];
const present = (r: Row) => ({
  code: r.code,
  name: { 'zh-CN': r.name_zh_cn, 'zh-TW': r.name_zh_tw, en: r.name_en },
  description: { 'zh-CN': r.description_zh_cn, 'zh-TW': r.description_zh_tw, en: r.description_en },
  keywords: r.keywords,
  active: r.active,
  sortOrder: r.sort_order,
});

export function taxonomyRoutes(app: App) {
  const Query = Type.Object({ includeInactive: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
  app.get(
    '/api/taxonomy',
    { config: { access: 'public' }, schema: { tags: ['taxonomy'], summary: 'Case categories: top-level codes with their second-level items (zh-CN, zh-TW, en)', security: [], querystring: Query, response: responses({ 200: Type.Array(Top) }) } },
    async (req) => {
      const rows = await service.listTaxonomy(req.ctx, !!req.query.includeInactive);
      return rows.filter((r) => r.level === 1).map((t) => ({ ...present(t), children: rows.filter((c) => c.parent_code === t.code).map(present) }));
    },
  );
  app.get(
    '/api/taxonomy/services',
    { config: { access: 'public' }, schema: { tags: ['taxonomy'], summary: 'Second-level items with their parent (what Open311 publishes as services)', security: [], querystring: Query, response: responses({ 200: Type.Array(Service) }) } },
    async (req) => {
      const rows = await service.listTaxonomy(req.ctx, !!req.query.includeInactive);
      return rows
        .filter((t) => t.level === 1)
        .flatMap((t) => rows.filter((r) => r.parent_code === t.code).map((r) => ({ ...present(r), parentCode: t.code, parentName: present(t).name })));
    },
  );
  app.patch(
    '/api/taxonomy/:code',
    { config: { access: { permission: 'taxonomy.write' } },
      schema: {
        tags: ['taxonomy'],
        summary: 'Edit a category (codes never change)',
        params: Type.Object({ code: Type.String({ maxLength: 80 }) }, { additionalProperties: false }),
        body: Body({ name: Type.Optional(L3Patch(50)), description: Type.Optional(L3Patch(500)), keywords: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 30 }), { maxItems: 100 })), active: Type.Optional(Type.Boolean()), sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })) }),
        response: responses({ 200: Item }),
      },
    },
    async (req) => {
      const r = await service.updateItem(req.ctx, req.params.code, req.body);
      return { ...present(r), parentCode: r.parent_code };
    },
  );
  app.post(
    '/api/taxonomy',
    { config: { access: { permission: 'taxonomy.write' } },
      schema: {
        tags: ['taxonomy'],
        summary: 'Add a category',
        body: Body({ code: Type.String({ pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)?$', maxLength: 80 }), parentCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })), name: L3In(50), description: Type.Optional(L3In(500)), keywords: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 30 }), { maxItems: 100 })), sortOrder: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })) }),
        response: responses({ 201: Item }),
      },
    },
    (req, reply) => idempotent(req, reply, async (ctx) => {
      const r = await service.createItem(ctx, req.body);
      return { status: 201, body: { ...present(r), parentCode: r.parent_code } };
    }),
  );
}
