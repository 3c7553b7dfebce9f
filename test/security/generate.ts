import fc from 'fast-check';

/**
 * Request generation from a route's own JSON schemas (the TypeBox schemas the server validates
 * with), for the fuzzer and the access tests. `validArb` makes values the schema accepts; `invalidOf`
 * turns one valid value into many that it must refuse, one defect at a time.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  const?: unknown;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  default?: unknown;
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function stringArb(s: JsonSchema): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 40, Math.max(min, 40));
  if (s.pattern === UUID.source || s.format === 'uuid') return fc.uuid();
  if (s.format === 'date-time') return fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
  if (s.format === 'date') return fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  if (s.format === 'email') return fc.emailAddress();
  if (s.format === 'uri') return fc.webUrl();
  if (s.pattern) {
    return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length >= min && v.length <= (s.maxLength ?? Infinity));
  }
  return fc.string({ minLength: min, maxLength: max, unit: 'grapheme' }).filter((v) => v.length >= min && v.length <= (s.maxLength ?? Infinity));
}

/** Values the schema accepts (small ones: arrays up to 3 items, strings up to 40 characters). */
export function validArb(s: JsonSchema): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return fc.oneof(...alts.map(validArb));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string':
      return stringArb(s);
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1000 });
    case 'number':
      return fc.double({ min: s.minimum ?? -1000, max: s.maximum ?? 1000, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const item = validArb(s.items ?? {});
      const minLength = s.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(s.maxItems ?? 3, 3));
      return s.uniqueItems ? fc.uniqueArray(item, { minLength, maxLength, selector: (v) => JSON.stringify(v) }) : fc.array(item, { minLength, maxLength });
    }
    case 'object': {
      const props = s.properties ?? {};
      const model = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, validArb(v)]));
      return fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in props) });
    }
    default:
      return fc.jsonValue();
  }
}

/** The simplest value the schema accepts, deterministic (the base every defect is applied to). */
export function minimalValid(s: JsonSchema, seed = 1): unknown {
  return fc.sample(validArb(s), { seed, numRuns: 1 })[0];
}

const typeOf = (s: JsonSchema): string | undefined => {
  if (s.const !== undefined) return typeof s.const === 'string' ? 'string' : typeof s.const;
  if (s.enum) return typeof s.enum[0];
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return undefined;
  return Array.isArray(s.type) ? s.type[0] : s.type;
};

/** Whether the schema (or any alternative of it) accepts this JSON type. */
function accepts(s: JsonSchema, jsonType: string): boolean {
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.some((a) => accepts(a, jsonType));
  if (s.const !== undefined || s.enum) return false;
  const t = typeOf(s);
  if (t === undefined) return true;
  return t === jsonType || (t === 'number' && jsonType === 'integer');
}

const WRONG_TYPES: [string, unknown][] = [
  ['string', 'wrong-type'],
  ['integer', 12345],
  ['number', 1.5],
  ['boolean', true],
  ['null', null],
  ['array', [1, 'two', null]],
  ['object', { nested: { deeper: true } }],
];

export interface Defect {
  /** what was done, for the report when something fails */
  what: string;
  value: unknown;
}

const setAt = (obj: Record<string, unknown>, key: string, v: unknown) => ({ ...obj, [key]: v });

/** Values that break a string field's own rules: too long, too short, not matching its pattern or format. */
function stringDefects(s: JsonSchema): unknown[] {
  const out: unknown[] = [];
  if (s.maxLength !== undefined) out.push('字'.repeat(s.maxLength + 1));
  if (s.minLength !== undefined && s.minLength > 0) out.push('');
  if (s.pattern || s.format) {
    const candidates = ['not valid ☃ \u0000 ../../etc/passwd', 'DROP TABLE app_user; --', '\u202Egnp.exe', ' \t '];
    // a permissive pattern (e.g. "\\S": not blank) accepts some of them; only true defects count
    const re = s.pattern && !s.format ? new RegExp(s.pattern, 'u') : null;
    out.push(...candidates.filter((v) => v.includes('\u0000') || !re || !re.test(v)));
  }
  return out;
}

function numberDefects(s: JsonSchema, integer: boolean): unknown[] {
  const out: unknown[] = [];
  if (s.minimum !== undefined) out.push(s.minimum - 1, -1e308);
  if (s.maximum !== undefined) out.push(s.maximum + 1, 1e308);
  if (integer) out.push(1.5, 2 ** 64);
  out.push('NaN', 'Infinity', '1e999');
  return out;
}

/** Deeply nested arrays: cheap to send, expensive for naive recursive code. */
export const deepJson = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

export function deepNesting(depth: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}

/**
 * Every single-defect variant of a valid object for an object schema: each field given each wrong
 * type, each field's own rules broken, each required field removed, unknown and read-only fields
 * added, huge and deeply nested values. Each one must be refused.
 */
export function invalidOf(s: JsonSchema, valid: Record<string, unknown>): Defect[] {
  const out: Defect[] = [];
  const props = s.properties ?? {};
  for (const [key, ps] of Object.entries(props)) {
    for (const [jsonType, v] of WRONG_TYPES) {
      if (!accepts(ps, jsonType) && !(jsonType === 'integer' && accepts(ps, 'number'))) out.push({ what: `${key}: ${jsonType}`, value: setAt(valid, key, v) });
    }
    const t = typeOf(ps);
    const defects =
      t === 'string' ? stringDefects(ps)
      : t === 'integer' ? numberDefects(ps, true)
      : t === 'number' ? numberDefects(ps, false)
      : t === 'array' ? [...(ps.maxItems !== undefined ? [Array.from({ length: ps.maxItems + 1 }, (_, i) => minimalValid(ps.items ?? {}, i + 1))] : []), [deepNesting(2000)]]
      : ps.const !== undefined || ps.enum ? ['not-one-of-them', '']
      : [];
    for (const v of defects) out.push({ what: `${key}: ${JSON.stringify(v).slice(0, 40)}`, value: setAt(valid, key, v) });
    if (!accepts(ps, 'object')) out.push({ what: `${key}: deep nesting`, value: setAt(valid, key, deepNesting(2000)) });
  }
  for (const key of s.required ?? []) {
    const { [key]: _, ...rest } = valid;
    out.push({ what: `without ${key}`, value: rest });
  }
  if (s.additionalProperties === false) {
    for (const extra of ['id', 'createdAt', 'orgId', 'isAdmin', 'constructor', 'roles', 'permissions']) {
      if (!(extra in props)) out.push({ what: `extra field ${extra}`, value: setAt(valid, extra, 'x') });
    }
  }
  if (s.type === 'object') {
    for (const v of [null, [], 'text', 42, true, [valid], deepNesting(2000)]) out.push({ what: `body ${JSON.stringify(v).slice(0, 20)}`, value: v });
  }
  return out;
}

/** Strings that are valid for a plain text field but stress everything after validation. */
export const UNICODE_EDGES = [
  '👨‍👩‍👧‍👦🏳️‍🌈',
  '\u202Eمرحبا بالعالم\u202C',
  'nul\u0000byte',
  'lone\uD800surrogate',
  'low\uDC00first',
  'zero\u200Bwidth\uFEFF',
  'e\u0301\u0301\u0301\u0301',
  '𠀀𪛖𰻞',
  '\r\n\t\u0085\u2028\u2029',
  "' OR 1=1 --",
  '%00%2e%2e%2f',
  '${jndi:ldap://x}',
  '=cmd|\' /C calc\'!A0',
  '<script>alert(1)</script>',
];

/**
 * Valid bodies whose text fields carry unicode edge cases (within the field's length limit). The
 * server may accept or refuse them, but must never fail.
 */
export function edgeCasesOf(s: JsonSchema, valid: Record<string, unknown>): Defect[] {
  const out: Defect[] = [];
  for (const [key, ps] of Object.entries(s.properties ?? {})) {
    const t = typeOf(ps);
    if (t === 'string' && !ps.pattern && !ps.format) {
      for (const e of UNICODE_EDGES) {
        const v = ps.maxLength !== undefined ? e.slice(0, ps.maxLength) : e;
        if (v.length >= (ps.minLength ?? 0)) out.push({ what: `${key}: ${JSON.stringify(v)}`, value: setAt(valid, key, v) });
      }
      if (ps.maxLength !== undefined) out.push({ what: `${key}: ${ps.maxLength} emoji code units`, value: setAt(valid, key, '😀'.repeat(Math.floor(ps.maxLength / 2))) });
    }
    if (t === 'integer' || t === 'number') {
      for (const v of [ps.minimum ?? -(2 ** 53 - 1), ps.maximum ?? 2 ** 53 - 1, 0]) out.push({ what: `${key}: ${v}`, value: setAt(valid, key, v) });
    }
    if (t === 'array' && ps.items && typeOf(ps.items) === 'string' && !ps.items.pattern) {
      out.push({ what: `${key}: unicode items`, value: setAt(valid, key, UNICODE_EDGES.slice(0, Math.min(ps.maxItems ?? 3, 3)).map((e) => e.slice(0, ps.items!.maxLength ?? e.length))) });
    }
  }
  return out;
}

/** Path segments that are not ids: each must be a 400 or 404, never a server error. */
export const BAD_PATH_SEGMENTS = [
  'not-a-uuid',
  '00000000-0000-0000-0000-00000000000g',
  '0',
  '-1',
  '1e308',
  'null',
  '%00',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  encodeURIComponent('👨‍👩‍👧'),
  encodeURIComponent('\u202E'),
  '%ED%A0%80',
  '%FF%FE',
  'x'.repeat(5000),
  encodeURIComponent("' OR 1=1 --"),
];
