import { Type, type TSchema } from 'typebox';
import { UUID_PATTERN } from '../ids.ts';

/** Building blocks for route schemas, shared by every module. */
export const Uuid = Type.String({ pattern: UUID_PATTERN, description: 'UUID' });
export const IdParams = Type.Object({ id: Uuid }, { additionalProperties: false });
export const DateTime = Type.String({ format: 'date-time' });
export const NullableDateTime = Type.Union([DateTime, Type.Null()]);
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      fields: Type.Optional(Type.Record(Type.String(), Type.String())),
    }),
  },
  { description: 'Every failure: a stable code, a message in the caller’s language, field errors for bad input' },
);

const ERROR_STATUSES = [400, 401, 403, 404, 409, 413, 422, 429, 503] as const;

/** The route's success responses plus the shared error shape for every error status. */
export function responses<R extends Record<number, TSchema>>(success: R) {
  const out: Record<number, TSchema> = { ...success };
  for (const s of ERROR_STATUSES) out[s] = ErrorBody;
  return out as R & Record<(typeof ERROR_STATUSES)[number], typeof ErrorBody>;
}

/** Strict request bodies: unknown fields are an error, not silently ignored. */
export const Body = <T extends Parameters<typeof Type.Object>[0]>(props: T, description?: string) =>
  Type.Object(props, { additionalProperties: false, ...(description ? { description } : {}) });

export const CursorQuery = {
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
};
