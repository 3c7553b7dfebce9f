import { Type } from 'typebox';
import type { App } from '../../platform/module.ts';
import { DateTime, Nullable, responses, Uuid } from '../../platform/http/schemas.ts';
import { monthlyReport } from './report.ts';
import * as service from './service.ts';

const Period = Type.String({ pattern: '^\\d{4}-(\\d{2}(-\\d{2})?|W\\d{2}|Q[1-4])$', description: 'YYYY-MM-DD, YYYY-Www, YYYY-MM or YYYY-Qn' });
const N = Type.Integer();
const Summary = Type.Object({
  period: Type.String(),
  from: Type.String({ format: 'date' }),
  to: Type.String({ format: 'date' }),
  totals: Type.Object({ intake: N, closed: N, rejected: N, merged: N, open: N, overdue: N, atRisk: N }),
  byDay: Type.Array(Type.Object({ day: Type.String({ format: 'date' }), n: N })),
  byCategory: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), n: N })),
  byChannel: Type.Array(Type.Object({ channel: Type.String(), n: N })),
  funnel: Type.Array(Type.Object({ step: Type.String(), n: N })),
  hotspots: Type.Array(Type.Object({ compoundId: Uuid, name: Type.String(), n: N, open: N })),
  openByGrid: Type.Array(Type.Object({ gridId: Uuid, open: N, overdue: N })),
  overdueCases: Type.Array(Type.Object({ id: Uuid, caseNo: Type.String(), title: Type.String(), status: Type.String(), orgName: Nullable(Type.String()), dueAt: Nullable(DateTime) })),
});

export function dashboardRoutes(app: App) {
  app.get(
    '/api/dashboard',
    { config: { access: { permission: 'metrics.read' } },
      schema: {
        tags: ['dashboard'],
        summary: 'Command-centre numbers for the caller’s scope: intake of a period by day, category, channel and progress; hot spots; open, overdue and at-risk work now, by grid',
        description: 'Needs metrics.read and case.read. Cases are counted in the period by the time they were reported; open/overdue/at-risk and the grid counts are the state now.',
        querystring: Type.Object({ period: Period }, { additionalProperties: false }),
        response: responses({ 200: Summary }),
      },
    },
    async (req) => service.summary(req.ctx, req.query.period),
  );

  app.get(
    '/api/dashboard/report.xlsx',
    { config: { access: { permission: 'metrics.read' } },
      schema: {
        tags: ['dashboard'],
        summary: 'Monthly report as xlsx: overview, rankings of the child organisations (score and three rates), intake by day, category, channel, progress, hot spots',
        querystring: Type.Object({ month: Type.String({ pattern: '^\\d{4}-\\d{2}$' }) }, { additionalProperties: false }),
      },
    },
    async (req, reply) => {
      const body = await monthlyReport(req.ctx, req.query.month);
      const name = `report-${req.query.month}.xlsx`;
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(body);
    },
  );
}
