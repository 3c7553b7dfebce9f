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

/**
 * Text that PostgreSQL cannot store or would silently change: NUL characters (refused by the
 * database, a 500 if they got that far) and unpaired UTF-16 surrogates (turned into U+FFFD on the
 * way in). Walks the parsed value without recursion, so a deeply nested body cannot exhaust the stack.
 */
const NOT_STORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function textProblems(value: unknown, root: string): FieldErrors {
  const out: FieldErrors = {};
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'string') {
      if (NOT_STORABLE.test(v)) out[at || '_'] ??= { key: 'validation.text' };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], at ? `${at}.${i}` : String(i)]);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        const path = at ? `${at}.${k}` : k;
        if (NOT_STORABLE.test(k)) out[path] ??= { key: 'validation.text' };
        stack.push([child, path]);
      }
    }
  }
  return out;
}
