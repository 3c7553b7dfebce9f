import type { Executor } from '../../db/index.ts';
import { requirePermission } from '../../platform/access/index.ts';
import { audit } from '../../platform/audit/index.ts';
import { inTransaction, type Ctx } from '../../platform/context.ts';
import { invalidateConfig } from '../cases/config.ts';

/** The thresholds of duplicate search and hot-spot detection: one row of `setting`, changed by an administrator. */
export interface DispatchSettings {
  duplicates: {
    /** a case within this distance of another (by their points) is "nearby"; the same building always is */
    distanceMeters: number;
    /** reports further apart in time than this are not offered as duplicates */
    windowHours: number;
    /** text similarity (0..1) below which a nearby case is not offered */
    minScore: number;
  };
  hotSpots: {
    windowDays: number;
    /** reports of one category at one building within the window that raise a hot spot */
    buildingThreshold: number;
    /** reports of one category anywhere in one grid within the window that raise a hot spot */
    gridThreshold: number;
  };
}

export const SETTINGS_KEY = 'dispatch.settings';

// five noise complaints about one place in a week is the issue's own example; a grid (200–300
// households) sees more reports, so it needs more before the same category there is unusual
export const DEFAULT_SETTINGS: DispatchSettings = {
  duplicates: { distanceMeters: 300, windowHours: 72, minScore: 0.2 },
  hotSpots: { windowDays: 7, buildingThreshold: 5, gridThreshold: 8 },
};

/** Bounds of every setting (also the API schema's). */
export const LIMITS = {
  distanceMeters: { minimum: 10, maximum: 5000 },
  windowHours: { minimum: 1, maximum: 24 * 90 },
  minScore: { minimum: 0, maximum: 1 },
  windowDays: { minimum: 1, maximum: 90 },
  buildingThreshold: { minimum: 2, maximum: 1000 },
  gridThreshold: { minimum: 2, maximum: 1000 },
} as const;

export async function readSettings(db: Executor): Promise<DispatchSettings> {
  const row = await db.selectFrom('setting').select('value').where('key', '=', SETTINGS_KEY).executeTakeFirst();
  return withDefaults(row?.value);
}

/** The settings as stored (or nothing stored), completed with the defaults. */
export function withDefaults(stored: unknown): DispatchSettings {
  const v = (stored ?? {}) as Partial<DispatchSettings>;
  return {
    duplicates: { ...DEFAULT_SETTINGS.duplicates, ...v.duplicates },
    hotSpots: { ...DEFAULT_SETTINGS.hotSpots, ...v.hotSpots },
  };
}

export async function getSettings(ctx: Ctx): Promise<DispatchSettings> {
  requirePermission(ctx, 'case.read');
  return readSettings(ctx.db);
}

export interface SettingsChange {
  duplicates?: Partial<DispatchSettings['duplicates']>;
  hotSpots?: Partial<DispatchSettings['hotSpots']>;
}

/** Administrators (`case.admin`) change any part; what is left out stays. */
export async function updateSettings(ctx: Ctx, change: SettingsChange): Promise<DispatchSettings> {
  requirePermission(ctx, 'case.admin');
  const out = await inTransaction(ctx, async (trx, c) => {
    const before = await readSettings(trx);
    const after: DispatchSettings = {
      duplicates: { ...before.duplicates, ...change.duplicates },
      hotSpots: { ...before.hotSpots, ...change.hotSpots },
    };
    const value = JSON.stringify(after);
    const by = ctx.principal.kind === 'user' ? ctx.principal.id : null;
    await trx
      .insertInto('setting')
      .values({ key: SETTINGS_KEY, value, updated_by: by })
      // updated_at is the table's own (the audit record has the business time)
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_by: by }))
      .execute();
    await audit(c, { action: 'setting.update', entityType: 'setting', entityId: SETTINGS_KEY, before, after });
    return after;
  });
  // intake reads the thresholds from the cached case configuration: this process sees them at once, others within its cache time
  invalidateConfig();
  return out;
}
