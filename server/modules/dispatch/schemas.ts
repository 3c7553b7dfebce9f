import { Type } from 'typebox';
import { Nullable, Uuid } from '../../platform/http/schemas.ts';

const Outcome = Nullable(Type.Union([Type.Literal('accepted'), Type.Literal('corrected')]));

/** What was suggested for a case at intake and what the dispatcher did with it (part of the case read). */
export const CaseSuggestion = Type.Object({
  category: Type.String({ description: 'suggested top-level category' }),
  categoryName: Type.String(),
  subCategory: Nullable(Type.String()),
  confidence: Type.Number({ minimum: 0, maximum: 1 }),
  modelVersion: Type.Integer(),
  handlerOrgId: Nullable(Uuid),
  handlerOrgName: Nullable(Type.String()),
  handlerMatched: Type.Boolean({ description: 'false: no routing rule matched, the community dispatches by hand' }),
  categoryOutcome: Outcome,
  handlerOutcome: Outcome,
});
