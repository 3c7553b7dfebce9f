import { Type, type TSchema } from 'typebox';
import type { App } from '../../platform/module.ts';
import { Body, DateTime, IdParams, Nullable, responses, Uuid } from '../../platform/http/schemas.ts';
import { idempotent } from '../../platform/http/idempotency.ts';
import { invalid } from '../../platform/errors.ts';
import * as companies from './companies.ts';
import * as credit from './credit.ts';
import * as fees from './fees.ts';
import * as fund from './fund.ts';
import * as resident from './resident.ts';
import * as warnings from './warnings.ts';
import * as rankings from './rankings.ts';

const tags = ['property'];
const Quarter = Type.String({ pattern: '^\\d{4}-Q[1-4]$', description: '2026-Q1' });
const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: '2026-04' });
const Day = Type.String({ format: 'date' });
const Fen = Type.Integer({ minimum: 0, maximum: 100_000_000_000, description: 'fen (分)' });
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
const Any = Type.Unknown();
const Rate = Type.Integer({ minimum: 0, maximum: 100_000, description: 'fen per m² per month' });
const Created = Type.Object({ id: Uuid });
const Obj = (props: Record<string, TSchema>) => Type.Object(props);
const perm = (permission: string) => ({ access: { permission } });

export function propertyRoutes(app: App) {
  // ---- companies, compounds, contracts ----
  app.get('/api/property/companies', {
    config: perm('property.read'),
    schema: { tags, summary: 'Property companies managing compounds in scope, with latest score, grade and cards of the last 12 months', querystring: Type.Object({ streetId: Type.Optional(Uuid), q: Type.Optional(Type.String({ maxLength: 50 })) }, { additionalProperties: false }), response: responses({ 200: Type.Array(Any) }) },
  }, async (req) => (await companies.listCompanies(req.ctx, req.query)).map((c) => ({
    id: c.id, name: c.name, creditCode: c.code, qualification: c.qualification, contactName: c.contact_name, contactPhone: c.contact_phone, hasPartyOrg: c.has_party_org ?? false,
    compounds: c.compounds ?? 0, latestQuarter: c.latest_quarter, latestTotal: c.latest_total, latestGrade: c.latest_grade, yellowCards: c.yellow_cards ?? 0, redCards: c.red_cards ?? 0,
  })));
  app.get('/api/property/companies/:id', { config: perm('property.read'), schema: { tags, summary: 'A company: profile, compounds (with governance model), contracts', params: IdParams, response: responses({ 200: Any }) } }, async (req) => companies.getCompany(req.ctx, req.params.id));
  app.patch('/api/property/companies/:id', {
    config: perm('property.manage'),
    schema: { tags, summary: 'Change a company’s profile (qualification, contact, party organisation)', params: IdParams, body: Body({ qualification: Type.Optional(Nullable(Type.String({ maxLength: 100 }))), contactName: Type.Optional(Nullable(Type.String({ maxLength: 50 }))), contactPhone: Type.Optional(Nullable(Type.String({ maxLength: 30 }))), hasPartyOrg: Type.Optional(Type.Boolean()) }), response: responses({ 200: Any }) },
  }, async (req) => companies.updateCompany(req.ctx, req.params.id, req.body));
  app.get('/api/property/companies/:id/credit-file', { config: perm('property.read'), schema: { tags, summary: 'The company’s credit file (信用档案, append-only) and its quarterly scores', params: IdParams, response: responses({ 200: Any }) } }, async (req) => credit.companyFile(req.ctx, req.params.id));
  app.post('/api/property/companies/:id/cards', {
    config: perm('property.card'),
    schema: { tags, summary: 'A yellow card for a defined bad behaviour; a second yellow within 12 months makes a red card', params: IdParams, body: Body({ behaviourCode: Text(50), reason: Text(1000), compoundId: Type.Optional(Nullable(Uuid)) }), response: responses({ 201: Obj({ yellowCardId: Uuid, redCardId: Nullable(Uuid) }) }) },
  }, (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await credit.issueCard(ctx, req.params.id, req.body) })));
  app.get('/api/property/behaviours', { config: perm('property.read'), schema: { tags, summary: 'Defined bad behaviours and their deductions', response: responses({ 200: Type.Array(Any) }) } }, async (req) => rankings.behaviours(req.ctx));

  app.get('/api/property/compounds', {
    config: perm('property.read'),
    schema: { tags, summary: 'Compounds in scope with their property company and governance model (managed: only those run by a company)', querystring: Type.Object({ managed: Type.Optional(Type.Boolean()) }, { additionalProperties: false }), response: responses({ 200: Type.Array(Any) }) },
  }, async (req) => companies.listCompounds(req.ctx, req.query));
  app.get('/api/property/compounds/:id', { config: perm('property.read'), schema: { tags, summary: 'A compound’s oversight: company, governance model (1+3 / 1+2 / 1+1), contracts', params: IdParams, response: responses({ 200: Any }) } }, async (req) => companies.getCompoundOversight(req.ctx, req.params.id));
  app.put('/api/property/compounds/:id/governance', {
    config: perm('property.manage'),
    schema: { tags, summary: 'Record the governance model (null: derive it from the registry)', params: IdParams, body: Body({ model: Nullable(Type.Union([Type.Literal('1+3'), Type.Literal('1+2'), Type.Literal('1+1')])) }), response: responses({ 200: Any }) },
  }, async (req) => companies.setGovernance(req.ctx, req.params.id, req.body.model));
  app.post('/api/property/compounds/:id/contracts', {
    config: perm('property.manage'),
    schema: {
      tags, summary: 'A service contract: period, star level, fee per m² per month by property type (fen), contract file', params: IdParams,
      body: Body({ startsOn: Day, endsOn: Day, starLevel: Type.Integer({ minimum: 1, maximum: 5 }), feeRates: Type.Object({ residential: Rate, commercial: Type.Optional(Rate), office: Type.Optional(Rate), parking: Type.Optional(Rate), other: Type.Optional(Rate) }, { additionalProperties: false }), fileId: Type.Optional(Nullable(Uuid)) }),
      response: responses({ 201: Created }),
    },
  }, (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await companies.createContract(ctx, req.params.id, req.body) })));

  // ---- the scoring standard, inspections, evaluation ----
  app.get('/api/property/credit-standard', { config: perm('property.read'), schema: { tags, summary: 'The scoring standard: four parts, line items, grades, the interview line', response: responses({ 200: Any }) } }, async (req) => credit.loadStandard(req.ctx.db));
  const Item = Type.Object({ code: Type.String({ pattern: '^[a-z_]+\\.[a-z0-9_]+$', maxLength: 60 }), nameZh: Text(100), nameEn: Text(100), points: Type.Integer({ minimum: 0, maximum: 100 }), metric: Type.Optional(Nullable(Type.Union(['response', 'resolution', 'satisfaction', 'on_time'].map((x) => Type.Literal(x))))) }, { additionalProperties: false });
  app.put('/api/property/credit-standard', {
    config: perm('property.standard'),
    schema: {
      tags, summary: 'Replace the standard (weights sum to 100, each part’s items to its weight)',
      body: Body({
        parts: Type.Array(Type.Object({ code: Type.Union(['contract', 'complaints', 'inspection', 'owner'].map((x) => Type.Literal(x))), weight: Type.Integer({ minimum: 0, maximum: 100 }), items: Type.Array(Item, { minItems: 1, maxItems: 30 }) }, { additionalProperties: false }), { minItems: 4, maxItems: 4 }),
        grades: Type.Array(Type.Object({ grade: Type.String({ minLength: 1, maxLength: 10 }), min: Type.Number({ minimum: 0, maximum: 100 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 10 }),
        interviewBelow: Type.Number({ minimum: 0, maximum: 100 }),
      }),
      response: responses({ 200: Any }),
    },
  }, async (req) => credit.putStandard(req.ctx, req.body as credit.StandardInput));
  app.post('/api/property/inspections', {
    config: perm('property.inspect'),
    schema: {
      tags, summary: 'File an inspection form (every contract and inspection line item, photos as uploaded file ids)',
      body: Body({
        compoundId: Uuid, unannounced: Type.Boolean({ description: '暗访' }), inspectedAt: Type.Optional(DateTime), note: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
        items: Type.Array(Type.Object({ code: Type.String({ maxLength: 60 }), points: Type.Number({ minimum: 0, maximum: 100, multipleOf: 0.5 }), note: Type.Optional(Nullable(Type.String({ maxLength: 500 }))), photoFileIds: Type.Optional(Type.Array(Uuid, { maxItems: 9 })) }, { additionalProperties: false }), { minItems: 1, maxItems: 60 }),
      }),
      response: responses({ 201: Obj({ id: Uuid, quarter: Type.String(), score: Type.Number() }) }),
    },
  }, (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await credit.createInspection(ctx, req.body) })));
  app.get('/api/property/inspections', {
    config: perm('property.read'),
    schema: { tags, summary: 'Inspections in scope', querystring: Type.Object({ compoundId: Type.Optional(Uuid), companyId: Type.Optional(Uuid), quarter: Type.Optional(Quarter) }, { additionalProperties: false }), response: responses({ 200: Type.Array(Any) }) },
  }, async (req) => credit.listInspections(req.ctx, req.query));
  app.get('/api/property/inspections/:id', { config: perm('property.read'), schema: { tags, summary: 'One inspection with its line items', params: IdParams, response: responses({ 200: Any }) } }, async (req) => credit.getInspection(req.ctx, req.params.id));
  app.post('/api/property/evaluations', {
    config: perm('property.evaluate'),
    schema: { tags, summary: 'Run the quarterly evaluation for the companies in scope (re-running replaces the quarter’s scores)', body: Body({ quarter: Quarter }), response: responses({ 200: Any }) },
  }, async (req) => credit.runEvaluation(req.ctx, req.body.quarter));
  app.get('/api/property/scores', {
    config: perm('property.read'),
    schema: { tags, summary: 'Quarterly scores per company (compoundId null) and per compound, with the four parts', querystring: Type.Object({ quarter: Quarter }, { additionalProperties: false }), response: responses({ 200: Type.Array(Any) }) },
  }, async (req) => credit.quarterScores(req.ctx, req.query.quarter));
  app.get('/api/property/scores/annual', {
    config: perm('property.read'),
    schema: { tags, summary: 'Annual score per company = mean of its quarterly scores, with the grade', querystring: Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) }, { additionalProperties: false }), response: responses({ 200: Type.Array(Any) }) },
  }, async (req) => credit.annualScores(req.ctx, req.query.year));
  app.get('/api/property/interviews', {
    config: perm('property.read'),
    schema: { tags, summary: 'Interview tasks (约谈) for companies below the line', querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('done')])) }, { additionalProperties: false }), response: responses({ 200: Type.Array(Any) }) },
  }, async (req) => credit.listInterviews(req.ctx, req.query));
  app.post('/api/property/interviews/:id/outcome', {
    config: perm('property.card'),
    schema: { tags, summary: 'Record the interview’s outcome (goes into the credit file)', params: IdParams, body: Body({ heldOn: Day, outcome: Text(2000) }), response: responses({ 200: Obj({ id: Uuid, status: Type.String() }) }) },
  }, async (req) => credit.recordInterviewOutcome(req.ctx, req.params.id, req.body));

  // ---- early warning ----
  app.get('/api/property/warnings', {
    config: perm('property.read'),
    schema: { tags, summary: 'Risk warnings per compound with the signals that caused them', querystring: Type.Object({ open: Type.Optional(Type.Boolean()) }, { additionalProperties: false }), response: responses({ 200: Type.Array(Any) }) },
  }, async (req) => warnings.listWarnings(req.ctx, req.query));
  app.post('/api/property/warnings/run', { config: perm('property.warning'), schema: { tags, summary: 'Recompute risk for the compounds in scope now (a daily task does it too)', body: Body({}), response: responses({ 200: Obj({ compounds: Type.Integer(), warnings: Type.Integer(), created: Type.Integer() }) }) } }, async (req) => warnings.runWarnings(req.ctx));
  app.post('/api/property/warnings/:id/acknowledge', {
    config: perm('property.warning'),
    schema: { tags, summary: 'Record that the warning was acted on (介入)', params: IdParams, body: Body({ note: Text(1000) }), response: responses({ 200: Obj({ id: Uuid, acknowledged: Type.Boolean() }) }) },
  }, async (req) => warnings.acknowledgeWarning(req.ctx, req.params.id, req.body.note));

  // ---- fees ----
  app.post('/api/property/compounds/:id/charges', {
    config: perm('property.fees'),
    schema: { tags, summary: 'Charge one month for every household with a known area (contract rate × area); repeating it adds nothing', params: IdParams, body: Body({ period: Month }), response: responses({ 200: Obj({ period: Type.String(), created: Type.Integer(), existing: Type.Integer(), withoutArea: Type.Integer() }) }) },
  }, async (req) => fees.createCharges(req.ctx, req.params.id, req.body.period));
  app.post('/api/property/payments', {
    config: perm('property.fees'),
    schema: { tags, summary: 'Record a payment (a receipt number is recorded once per compound)', body: Body({ householdId: Uuid, amountFen: Type.Integer({ minimum: 1, maximum: 100_000_000 }), paidOn: Day, method: Type.Union(['cash', 'bank', 'wechat', 'alipay', 'other'].map((x) => Type.Literal(x))), reference: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 50 }))) }), response: responses({ 201: Obj({ recorded: Type.Integer() }) }) },
  }, (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await fees.recordPayment(ctx, req.body as fees.PaymentInput) })));
  app.post('/api/property/payments/import', {
    config: { ...perm('property.fees'), rateLimit: { name: 'fee-import', perAccount: 20, windowSeconds: 60 } },
    schema: { tags, summary: `Import payments of a compound from xlsx (${fees.IMPORT_HEADER.join(' | ')}); a bad row refuses the sheet`, consumes: ['multipart/form-data'], querystring: Type.Object({ compoundId: Uuid }, { additionalProperties: false }), response: responses({ 200: Obj({ rows: Type.Integer(), imported: Type.Integer(), skipped: Type.Integer() }) }) },
  }, async (req) => {
    if (!req.isMultipart()) throw invalid('file', 'validation.required');
    const part = await req.file({ limits: { fileSize: 5 * 1024 * 1024, files: 1 } });
    if (!part) throw invalid('file', 'validation.required');
    const bytes = await part.toBuffer();
    if (part.file.truncated) throw invalid('file', 'property.import_too_many', { max: fees.IMPORT_MAX_ROWS });
    return fees.importPayments(req.ctx, req.query.compoundId, bytes);
  });
  app.get('/api/property/compounds/:id/ledger', {
    config: perm('property.read'),
    schema: { tags, summary: 'Fee ledger per household: charged, collected (oldest charges first), arrears', params: IdParams, querystring: Type.Object({ from: Type.Optional(Month), to: Type.Optional(Month) }, { additionalProperties: false }), response: responses({ 200: Any }) },
  }, async (req) => fees.ledger(req.ctx, req.params.id, req.query));
  app.get('/api/property/collection', {
    config: perm('property.read'),
    schema: { tags, summary: 'Collection rate per compound, company or street for charges of the months', querystring: Type.Object({ groupBy: Type.Union([Type.Literal('compound'), Type.Literal('company'), Type.Literal('street')]), from: Month, to: Month }, { additionalProperties: false }), response: responses({ 200: Type.Array(Obj({ id: Uuid, name: Nullable(Type.String()), chargedFen: Type.Number(), collectedFen: Type.Number(), rate: Nullable(Type.Number()) })) }) },
  }, async (req) => fees.collection(req.ctx, req.query));
  app.get('/api/property/arrears/confidential', {
    config: perm('property.arrears_confidential'),
    schema: { tags, summary: 'Arrears of party members and public servants (organisation department only; every reading is audited)', response: responses({ 200: Type.Array(Any) }) },
  }, async (req) => fees.confidentialArrears(req.ctx));
  app.post('/api/property/compounds/:id/statements', {
    config: perm('property.fees'),
    schema: { tags, summary: 'Publish the quarter’s property-fee income and spending (once per quarter)', params: IdParams, body: Body({ quarter: Quarter, incomeFen: Fen, spending: Type.Array(Type.Object({ item: Text(100), amountFen: Fen }, { additionalProperties: false }), { maxItems: 50 }), note: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))) }), response: responses({ 201: Created }) },
  }, (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await fees.publishStatement(ctx, req.params.id, req.body) })));
  app.get('/api/property/compounds/:id/books', { config: perm('property.read'), schema: { tags, summary: 'The compound’s public books: statements and fund proposals', params: IdParams, response: responses({ 200: Any }) } }, async (req) => fees.staffBooks(req.ctx, req.params.id));

  // ---- maintenance fund ----
  const Quote = Type.Object({ vendor: Text(100), amountFen: Type.Integer({ minimum: 1, maximum: 100_000_000_000 }), fileId: Type.Optional(Nullable(Uuid)) }, { additionalProperties: false });
  app.post('/api/property/fund-proposals', {
    config: perm('property.fund'),
    schema: { tags, summary: 'Propose a use of the maintenance fund, with budget and quotes', body: Body({ compoundId: Uuid, title: Text(100), description: Text(5000), budgetFen: Type.Integer({ minimum: 1, maximum: 100_000_000_000 }), quotes: Type.Array(Quote, { minItems: 1, maxItems: 10 }) }), response: responses({ 201: Created }) },
  }, (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await fund.createProposal(ctx, req.body) })));
  app.get('/api/property/fund-proposals', {
    config: perm('property.read'),
    schema: { tags, summary: 'Fund proposals in scope', querystring: Type.Object({ compoundId: Type.Optional(Uuid), status: Type.Optional(Type.Union(['draft', 'voting', 'approved', 'rejected', 'spent'].map((x) => Type.Literal(x)))) }, { additionalProperties: false }), response: responses({ 200: Type.Array(Any) }) },
  }, async (req) => fund.listProposals(req.ctx, req.query));
  app.get('/api/property/fund-proposals/:id', { config: perm('property.read'), schema: { tags, summary: 'One proposal with its tally', params: IdParams, response: responses({ 200: Any }) } }, async (req) => fund.getProposal(req.ctx, req.params.id));
  app.post('/api/property/fund-proposals/:id/open', { config: perm('property.fund'), schema: { tags, summary: 'Open voting until closesAt; the electorate is fixed now', params: IdParams, body: Body({ closesAt: DateTime }), response: responses({ 200: Any }) } }, async (req) => fund.openVoting(req.ctx, req.params.id, req.body.closesAt));
  app.post('/api/property/fund-proposals/:id/close', { config: perm('property.fund'), schema: { tags, summary: 'Close voting and decide by the stored rules', params: IdParams, body: Body({}), response: responses({ 200: Any }) } }, async (req) => fund.closeVoting(req.ctx, req.params.id));
  app.post('/api/property/fund-proposals/:id/spend', {
    config: perm('property.fund'),
    schema: { tags, summary: 'Record the spending of an approved proposal with its invoices', params: IdParams, body: Body({ invoices: Type.Array(Type.Object({ number: Text(50), amountFen: Type.Integer({ minimum: 1, maximum: 100_000_000_000 }), issuedOn: Day, fileId: Type.Optional(Nullable(Uuid)) }, { additionalProperties: false }), { minItems: 1, maxItems: 50 }) }), response: responses({ 200: Any }) },
  }, async (req) => fund.recordSpending(req.ctx, req.params.id, req.body.invoices));

  // ---- residents ----
  app.get('/api/resident/property', { config: { access: 'resident' }, schema: { tags, summary: 'My compound: property company, its latest grade, governance model, contract, whether I may rate', response: responses({ 200: Any }) } }, async (req) => resident.myProperty(req.ctx));
  app.post('/api/resident/property/ratings', {
    config: { access: 'resident' },
    schema: { tags, summary: 'Rate my property company (owners; one rating per household and quarter)', body: Body({ scores: Type.Array(Type.Object({ code: Type.String({ maxLength: 60 }), score: Type.Integer({ minimum: 1, maximum: 5 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 30 }), comment: Type.Optional(Nullable(Type.String({ maxLength: 500 }))) }), response: responses({ 201: Obj({ id: Uuid, quarter: Type.String() }) }) },
  }, (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await resident.rateCompany(ctx, req.body) })));
  app.get('/api/resident/property/bill', { config: { access: 'resident' }, schema: { tags, summary: 'My household’s property-fee charges, payments and arrears', response: responses({ 200: Any }) } }, async (req) => resident.myBill(req.ctx));
  app.get('/api/resident/property/books', { config: { access: 'resident' }, schema: { tags, summary: 'My compound’s public books: statements and fund proposals with tallies', response: responses({ 200: Any }) } }, async (req) => resident.myBooks(req.ctx));
  app.post('/api/resident/property/votes', {
    config: { access: 'resident' },
    schema: { tags, summary: 'Vote on a fund proposal of my compound (owners; one vote per household)', body: Body({ proposalId: Uuid, choice: Type.Union([Type.Literal('agree'), Type.Literal('disagree'), Type.Literal('abstain')]) }), response: responses({ 201: Obj({ proposalId: Uuid, choice: Type.String() }) }) },
  }, (req, reply) => idempotent(req, reply, async (ctx) => ({ status: 201, body: await resident.vote(ctx, req.body) })));

  // ---- public ----
  app.get('/api/public/property/rankings', {
    config: { access: 'public' },
    schema: { tags, summary: 'Public ranking of property companies per district or street, with grade and cards (credit file in summary)', querystring: Type.Object({ districtId: Type.Optional(Uuid), streetId: Type.Optional(Uuid), quarter: Type.Optional(Quarter) }, { additionalProperties: false }), response: responses({ 200: Any }) },
  }, async (req) => rankings.publicRanking(req.ctx, req.query));
}
