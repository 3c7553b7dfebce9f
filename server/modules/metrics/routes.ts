import { Type } from 'typebox';
import type { App } from '../../platform/module.ts';
import { Body, Nullable, responses, Uuid } from '../../platform/http/schemas.ts';
import * as service from './service.ts';

const R = Nullable(Type.Number());
const Period = Type.String({ pattern: '^\\d{4}-(\\d{2}(-\\d{2})?|W\\d{2}|Q[1-4])$', description: 'YYYY-MM-DD, YYYY-Www, YYYY-MM or YYYY-Qn' });
const OrgRow = Type.Object({
  orgId: Uuid, name: Type.String(), intake: Type.Number(), responseRate: R, resolutionRate: R, satisfactionRate: R, onTimeRate: R, score: R, rank: Nullable(Type.Integer()),
  registrationOnTimeRate: R, accurateDispatchRate: R, closingOnTimeRate: R, reworkRate: R, returnRate: R, overdue: Type.Number(), avgHandlingHours: R,
  whistleCheckinRate: R, evaluated: Type.Number(),
});
const ScoreW = Type.Object({ response: Type.Number({ minimum: 0, maximum: 1 }), resolution: Type.Number({ minimum: 0, maximum: 1 }), satisfaction: Type.Number({ minimum: 0, maximum: 1 }) }, { additionalProperties: false });
const SatW = Type.Object({ satisfied: Type.Number({ minimum: 0, maximum: 1 }), basically_satisfied: Type.Number({ minimum: 0, maximum: 1 }), dissatisfied: Type.Number({ minimum: 0, maximum: 1 }) }, { additionalProperties: false });
const Weights = Type.Object({ score: ScoreW, satisfaction: SatW });

export function metricsRoutes(app: App) {
  app.get(
    '/api/metrics/orgs',
    { config: { access: { permission: 'metrics.read' } },
      schema: {
        tags: ['metrics'],
        summary: 'Numbers, composite score and ranking of the organisations of one level in the caller’s scope',
        querystring: Type.Object({ period: Period, level: Type.Union([Type.Literal('street'), Type.Literal('community'), Type.Literal('department'), Type.Literal('property')]) }, { additionalProperties: false }),
        response: responses({ 200: Type.Array(OrgRow) }),
      },
    },
    async (req) => service.orgMetrics(req.ctx, req.query.period, req.query.level),
  );
  app.get(
    '/api/metrics/grid-workers',
    { config: { access: { permission: 'metrics.read' } },
      schema: {
        tags: ['metrics'],
        summary: 'Grid workers: valid-report rate and on-time verification rate',
        querystring: Type.Object({ period: Period }, { additionalProperties: false }),
        response: responses({ 200: Type.Array(Type.Object({ userId: Uuid, name: Type.String(), gridId: Uuid, reports: Type.Number(), validReportRate: R, verifications: Type.Number(), verificationOnTimeRate: R })) }),
      },
    },
    async (req) => service.gridWorkerMetrics(req.ctx, req.query.period),
  );
  app.get('/api/metrics/weights', { config: { access: { permission: 'metrics.read' } }, schema: { tags: ['metrics'], summary: 'Score and satisfaction weights', response: responses({ 200: Weights }) } }, async (req) => service.getWeights(req.ctx));
  app.put(
    '/api/metrics/weights',
    { config: { access: { permission: 'metrics.admin' } }, schema: { tags: ['metrics'], summary: 'Set the score weights (sum 1) and/or the satisfaction weights', body: Body({ score: Type.Optional(ScoreW), satisfaction: Type.Optional(SatW) }), response: responses({ 200: Weights }) } },
    async (req) => service.setWeights(req.ctx, req.body),
  );
}
