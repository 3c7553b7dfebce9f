import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FieldErrors } from '../errors.ts';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv,
) => Ajv;

const common: Options = { allErrors: true, strict: false, removeAdditional: false, useDefaults: true, messages: false };

/** Bodies are taken exactly as sent: no type coercion, no silently dropped fields (mass assignment). */
export const bodyAjv = addFormats(new Ajv({ ...common, coerceTypes: false }));
/** Query strings, path parameters and headers are text by nature: coerce to the declared types. */
export const textAjv = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));

function fieldPath(e: ErrorObject): string {
  const base = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const child =
    e.keyword === 'required' ? (e.params as { missingProperty: string }).missingProperty
    : e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty
    : '';
  return [base, child].filter(Boolean).join('.') || '_';
}

const KNOWN = new Set(['required', 'type', 'minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems', 'pattern', 'format',
  'enum', 'const', 'additionalProperties', 'uniqueItems']);

/** Ajv errors → one translated message per field (the first problem of each field wins). */
export function fieldErrorsOf(errors: ErrorObject[]): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors) {
    const field = fieldPath(e);
    if (out[field]) continue;
    const p = e.params as Record<string, unknown>;
    const keyword = KNOWN.has(e.keyword) ? e.keyword : 'invalid';
    const params: Record<string, string | number> = {};
    if (typeof p.limit === 'number') params.limit = p.limit;
    if (typeof p.type === 'string') params.type = p.type;
    if (typeof p.format === 'string') params.format = p.format;
    if (Array.isArray(p.allowedValues)) params.values = p.allowedValues.join(', ');
    out[field] = { key: `validation.${keyword}`, params };
  }
  return out;
}
