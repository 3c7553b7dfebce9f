import { Type } from 'typebox';
import type { App } from '../../../platform/module.ts';
import type { Platform } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';
import { DateTime, IdParams, Nullable, responses, Uuid } from '../../../platform/http/schemas.ts';
import type { ImportKind } from '../tables.ts';
import { exportResidents } from '../residents/export.ts';
import { ResidentFilter } from '../residents/routes.ts';
import * as service from './service.ts';
import { templateWorkbook, XLSX_MIME } from './sheets.ts';

const Kind = Type.Union([Type.Literal('residents'), Type.Literal('households'), Type.Literal('buildings')]);
const ProblemItem = Type.Object({ row: Type.Integer(), column: Nullable(Type.String()), code: Type.String(), message: Type.String() });
const Counts = Type.Object({ created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer(), skipped: Type.Integer(), householdsCreated: Type.Integer() });
const Report = Type.Object({
  id: Uuid,
  kind: Type.String(),
  status: Type.String({ description: 'validated (waiting for confirm), confirmed, failed (missing columns or no rows)' }),
  fileName: Nullable(Type.String()),
  format: Type.String(),
  columns: Type.Object({ matched: Type.Record(Type.String(), Type.String()), missing: Type.Array(Type.String()), unknown: Type.Array(Type.String()) }),
  totalRows: Type.Integer(),
  validRows: Type.Integer(),
  problemRows: Type.Integer(),
  problems: Type.Array(ProblemItem),
  problemsTruncated: Type.Boolean(),
  result: Nullable(Counts),
  createdAt: DateTime,
  confirmedAt: Nullable(DateTime),
});

type Job = Awaited<ReturnType<typeof service.listImports>>[number];
const presentJob = (j: Job) => ({
  id: j.id,
  kind: j.kind,
  status: j.status,
  fileName: j.file_name,
  format: j.format,
  columns: j.columns as never,
  totalRows: j.total_rows,
  validRows: j.valid_rows,
  problemRows: j.problem_rows,
  result: (j.result as never) ?? null,
  createdAt: new Date(j.created_at).toISOString(),
  confirmedAt: j.confirmed_at ? new Date(j.confirmed_at).toISOString() : null,
});
const presentReport = (r: Awaited<ReturnType<typeof service.getImport>>) => ({
  ...presentJob(r.job),
  problems: r.problems.map(({ seq: _seq, ...p }) => p),
  problemsTruncated: r.problemsTruncated,
});

export function importRoutes(app: App, platform: Platform) {
  const tags = ['imports'];

  app.post(
    '/api/imports',
    { config: { access: 'staff' },
      schema: {
        tags,
        summary: 'Upload a spreadsheet (xlsx or csv, UTF-8 or GBK) as multipart field "file": validation report, nothing imported yet',
        description:
          'Headers are matched by Chinese name or alias (see the template). Every row is checked (ID check digit, unknown building, duplicate person, impossible date …); the report lists row, column and problem. POST /api/imports/{id}/confirm imports the valid rows.',
        consumes: ['multipart/form-data'],
        querystring: Type.Object({ kind: Type.Optional(Kind) }, { additionalProperties: false }),
        response: responses({ 201: Report }),
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'error.unsupported_media_type');
      const data = await req.file({ limits: { fileSize: platform.config.importLimitBytes, files: 1 } });
      if (!data) throw new AppError(400, 'VALIDATION_FAILED', 'error.validation', {}, { file: { key: 'validation.required' } });
      const kind = ((req.query as { kind?: ImportKind }).kind ?? 'residents') as ImportKind;
      const report = await service.createImport(req.ctx, kind, { stream: data.file, filename: data.filename ?? null, truncated: () => data.file.truncated });
      reply.code(201);
      return presentReport(report);
    },
  );

  app.get(
    '/api/imports',
    { config: { access: 'staff' }, schema: { tags, summary: 'Recent imports in scope', response: responses({ 200: Type.Array(Type.Omit(Report, ['problems', 'problemsTruncated'])) }) } },
    async (req) => (await service.listImports(req.ctx)).map(presentJob),
  );

  app.get('/api/imports/:id', { config: { access: 'staff' }, schema: { tags, summary: 'An import’s report', params: IdParams, response: responses({ 200: Report }) } }, async (req) =>
    presentReport(await service.getImport(req.ctx, req.params.id)),
  );

  app.get(
    '/api/imports/:id/problems',
    { config: { access: 'staff' },
      schema: {
        tags,
        summary: 'Every problem of an import, paged',
        params: IdParams,
        querystring: Type.Object({ after: Type.Optional(Type.Integer({ minimum: 0 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000 })) }, { additionalProperties: false }),
        response: responses({ 200: Type.Object({ items: Type.Array(Type.Intersect([ProblemItem, Type.Object({ seq: Type.Integer() })])), nextCursor: Nullable(Type.Integer()) }) }),
      },
    },
    async (req) => service.listProblems(req.ctx, req.params.id, req.query),
  );

  app.post(
    '/api/imports/:id/confirm',
    { config: { access: 'staff' },
      schema: {
        tags,
        summary: 'Import the valid rows in one transaction (409 if already confirmed or failed)',
        params: IdParams,
        response: responses({ 200: Report }),
      },
    },
    async (req) => {
      const r = await service.confirmImport(req.ctx, req.params.id);
      return { ...presentReport(r), result: r.result };
    },
  );

  app.get(
    '/api/imports/templates/:kind.xlsx',
    { config: { access: 'staff' }, schema: { tags, summary: 'The import template with its column guide', params: Type.Object({ kind: Kind }, { additionalProperties: false }) } },
    async (req, reply) => {
      const kind = (req.params as { kind: ImportKind }).kind;
      if (req.ctx.principal.kind !== 'user') throw new AppError(401, 'UNAUTHORIZED', 'error.unauthorized');
      const names: Record<ImportKind, string> = { residents: '居民导入模板', households: '房屋导入模板', buildings: '楼栋导入模板' };
      reply
        .type(XLSX_MIME)
        .header('content-disposition', `attachment; filename="${kind}-template.xlsx"; filename*=UTF-8''${encodeURIComponent(`${names[kind]}.xlsx`)}`);
      return reply.send(await templateWorkbook(kind));
    },
  );

  app.get(
    '/api/exports/residents.xlsx',
    { config: { access: { permission: 'resident.export' } },
      schema: {
        tags,
        summary: 'Export the filtered resident list as xlsx (masked; in full with unmasked=true, resident.export_unmasked and a second administrator’s approval of this filter; audited)',
        querystring: Type.Object(
          {
            ...ResidentFilter,
            masked: Type.Optional(Type.Boolean({ description: 'mask (the default)' })),
            unmasked: Type.Optional(Type.Boolean({ description: 'numbers in full: needs approval' })),
            approval: Type.Optional(Uuid),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => exportResidents(req.ctx, reply, req.query as never),
  );
}
