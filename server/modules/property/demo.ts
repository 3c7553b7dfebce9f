import type { Ctx } from '../../platform/context.ts';
import { newId } from '../../platform/ids.ts';
import type { DemoRefs } from '../../platform/module.ts';
import type { SynthCity } from '../../demo/synth/types.ts';
import { toLocal } from '../cases/worktime.ts';
import { chargeFen } from './rules.ts';

/** 0…1 from a string, so the demo is the same on every start. */
function unit(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) / 4294967296;
}

/**
 * Property oversight in the demo city: a housing-bureau inspector (`housing`) and an organisation-
 * department viewer (`orgdept`) with the demo password, company profiles, a service contract for every
 * compound run by a company, and the last three months of fees of the first district, mostly paid.
 */
export async function loadPropertyDemo(ctx: Ctx, city: SynthCity, refs: DemoRefs) {
  const db = ctx.db;
  const firstDistrict = city.regions.find((r) => r.level === 'district')!;
  const districtId = refs.regions.get(firstDistrict.key)!;
  const admin = await db.selectFrom('app_user').select('password_hash').where('username', '=', 'admin').executeTakeFirst();
  const housing = city.orgs.find((o) => o.kind === 'department' && o.deptType === 'housing' && o.regionKey === firstDistrict.key);
  const government = city.orgs.find((o) => o.kind === 'government' && o.regionKey === firstDistrict.key);
  if (admin) {
    for (const [username, displayName, org, role] of [
      ['housing', '住建局物业监管员', housing, 'housing_inspector'],
      ['orgdept', '组织部干部', government, 'org_department'],
    ] as const) {
      if (!org) continue;
      const id = newId();
      refs.users.set(username, id);
      await db.insertInto('app_user').values({ id, username, display_name: displayName, org_id: refs.orgs.get(org.key)!, grid_id: null, password_hash: admin.password_hash, must_change_password: false }).execute();
      await db.insertInto('user_role').values({ user_id: id, role_code: role }).execute();
    }
  }
  const at = ctx.platform.clock.now();
  const today = toLocal(at, ctx.platform.config.timeZone).date;
  const year = Number(today.slice(0, 4));
  const companies = city.orgs.filter((o) => o.kind === 'property_company');
  if (companies.length) {
    await db
      .insertInto('property_company')
      .values(companies.map((o) => ({ org_id: refs.orgs.get(o.key)!, qualification: unit(o.key) < 0.3 ? '一级' : unit(o.key) < 0.7 ? '二级' : '三级', contact_name: '客服中心', contact_phone: null, has_party_org: unit(`${o.key}:party`) < 0.6, updated_at: at })))
      .execute();
  }
  const managed = city.compounds.filter((c) => c.propertyCompanyKey && refs.compounds.has(c.key));
  const contracts = managed.map((c) => ({
    id: newId(), compound_id: refs.compounds.get(c.key)!, company_org_id: refs.orgs.get(c.propertyCompanyKey!)!, starts_on: `${year - 1}-01-01`, ends_on: `${year + 1}-12-31`,
    star_level: 1 + Math.floor(unit(c.key) * 5), fee_rates: JSON.stringify({ residential: 80 + 10 * Math.floor(unit(`${c.key}:rate`) * 18), commercial: 300 }), file_id: null, created_by: null, created_at: at,
  }));
  for (let i = 0; i < contracts.length; i += 200) await db.insertInto('property_contract').values(contracts.slice(i, i + 200)).execute();

  // fees of the first district: the three months before this one
  const months = [3, 2, 1].map((n) => {
    const d = new Date(Date.UTC(year, Number(today.slice(5, 7)) - 1 - n, 1));
    return d.toISOString().slice(0, 7);
  });
  const contractOf = new Map(contracts.map((k) => [k.compound_id, k]));
  const households = await db
    .selectFrom('household as h')
    .innerJoin('compound as c', 'c.id', 'h.compound_id')
    .select(['h.id', 'h.compound_id', 'h.area_m2', 'h.city_id', 'h.district_id', 'h.street_id', 'h.community_id', 'c.property_company_org_id'])
    .where('h.district_id', '=', districtId)
    .where('c.management', '=', 'property_company')
    .where('h.area_m2', '>', 0)
    .orderBy('h.id')
    .execute();
  const charges = [];
  const payments = [];
  for (const h of households) {
    const k = contractOf.get(h.compound_id!);
    if (!k) continue;
    const rate = (JSON.parse(k.fee_rates) as { residential: number }).residential;
    const amount = chargeFen(h.area_m2!, rate);
    const where = { city_id: h.city_id, district_id: h.district_id, street_id: h.street_id, community_id: h.community_id };
    const paidMonths = unit(h.id) < 0.8 ? 3 : unit(h.id) < 0.9 ? 1 : 0;
    for (const [i, period] of months.entries()) {
      charges.push({ id: newId(), household_id: h.id, compound_id: h.compound_id!, company_org_id: k.company_org_id, contract_id: k.id, period, area_m2: h.area_m2!, rate_fen: rate, amount_fen: amount, ...where, created_at: at });
      if (i < paidMonths) {
        payments.push({ id: newId(), household_id: h.id, compound_id: h.compound_id!, company_org_id: k.company_org_id, amount_fen: amount, paid_on: `${period}-15`, method: 'wechat' as const, reference: `DEMO-${period}-${h.id}`, source: 'import' as const, recorded_by: null, ...where, created_at: at });
      }
    }
  }
  for (let i = 0; i < charges.length; i += 500) await db.insertInto('fee_charge').values(charges.slice(i, i + 500)).execute();
  for (let i = 0; i < payments.length; i += 500) await db.insertInto('fee_payment').values(payments.slice(i, i + 500)).execute();
}
