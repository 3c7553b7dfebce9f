/**
 * Shapes of the answers the command centre, the case-rule administration and the registry screens
 * use (see /api/docs for the full API).
 */
import type { RegionLevel } from './types';

export interface DashboardSummary {
  period: string;
  from: string;
  to: string;
  totals: { intake: number; closed: number; rejected: number; merged: number; open: number; overdue: number; atRisk: number };
  byDay: { day: string; n: number }[];
  byCategory: { code: string; name: string; n: number }[];
  byChannel: { channel: string; n: number }[];
  funnel: { step: string; n: number }[];
  hotspots: { compoundId: string; name: string; n: number; open: number }[];
  openByGrid: { gridId: string; open: number; overdue: number }[];
  overdueCases: { id: string; caseNo: string; title: string; status: string; orgName: string | null; dueAt: string | null }[];
}

export interface OrgMetrics {
  orgId: string;
  name: string;
  intake: number;
  responseRate: number | null;
  resolutionRate: number | null;
  satisfactionRate: number | null;
  onTimeRate: number | null;
  overdue: number;
  score: number | null;
  rank: number | null;
}

export type Polygonal = { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown[] };

export interface Region {
  id: string;
  parentId: string | null;
  level: RegionLevel;
  code: string;
  name: string;
  households: number | null;
  chiefUserId: string | null;
  bbox: [number, number, number, number] | null;
  geometry?: Polygonal | null;
}

export interface RegionDetail extends Region {
  registered: { households: number; residents: number };
  chief: { id: string; displayName: string } | null;
  workers: { id: string; displayName: string }[];
}

export interface GridWarnings {
  community: { id: string; code: string; name: string };
  householdNorm: number;
  overNorm: { grid: { id: string; code: string; name: string }; households: number; norm: number }[];
  overlaps: { a: { id: string; name: string }; b: { id: string; name: string }; areaM2: number }[];
  gaps: { areaM2: number }[];
  outsideCommunity: { grid: { id: string; name: string }; areaM2: number }[];
  withoutPolygon: { id: string; name: string }[];
}

export interface Compound {
  id: string;
  name: string;
  type: string;
  management: string;
  propertyCompanyName: string | null;
  address: string;
  builtYear: number | null;
  communityId: string;
}

export interface Building {
  id: string;
  compoundId: string | null;
  compoundName: string | null;
  number: string;
  address: string;
  floors: number | null;
  unitCount: number | null;
  gridId: string;
  households?: number;
}

export interface Household {
  id: string;
  label: string;
  buildingId: string;
  unit: string;
  room: string;
  floor: number | null;
  areaM2: number | null;
  occupancy: string;
  gridId: string;
  memberCount?: number;
  members?: { residentId: string; name: string; relation: string; from: string; to: string | null; reasonIn: string | null; reasonOut: string | null }[] | null;
}

export interface ResidentSummary {
  id: string;
  name: string;
  gender: string;
  birthDate: string;
  age: number;
  idNumber: string;
  phone: string | null;
  ethnicity: string | null;
  politicalStatus: string | null;
  separated: boolean | null;
  status: string;
  household: { id: string; label: string } | null;
  relation: string | null;
  communityId: string;
  gridId: string | null;
  tags: string[];
}

export interface ResidentDetail extends ResidentSummary {
  registeredAddress: string | null;
  registeredRegionCode: string | null;
  accountLinked: boolean;
  createdAt: string;
  updatedAt: string;
  memberships: { householdId: string; label: string; relation: string; from: string; to: string | null; reasonIn: string | null; reasonOut: string | null }[];
  tagHistory: { id: string; tag: string; nameZh: string; nameEn: string; from: string; to: string | null; note: string | null }[];
  changes: { at: string; actorId: string | null; source: string; changes: Record<string, { from: unknown; to: unknown }> }[];
}

export interface Visit {
  id: string;
  visitedAt: string;
  method: string;
  notes: string;
  nextVisitOn: string | null;
  visitor: { id: string; displayName: string };
}

export interface CareTag {
  code: string;
  nameZh: string;
  nameEn: string;
}

export interface ImportReport {
  id: string;
  kind: 'residents' | 'households' | 'buildings';
  status: 'validated' | 'confirmed' | 'failed';
  fileName: string | null;
  format: string;
  columns: { matched: Record<string, string>; missing: string[]; unknown: string[] };
  totalRows: number;
  validRows: number;
  problemRows: number;
  problems: { row: number; column: string | null; code: string; message: string }[];
  problemsTruncated: boolean;
  result: { created: number; updated: number; unchanged: number; skipped: number; householdsCreated: number } | null;
  createdAt: string;
  confirmedAt: string | null;
}

export type L3 = { 'zh-CN': string; 'zh-TW': string; en: string };
export interface TaxonomyItem {
  code: string;
  name: L3;
  description: L3;
  keywords: string[];
  active: boolean;
  sortOrder: number;
}
export interface TaxonomyTop extends TaxonomyItem {
  children: TaxonomyItem[];
}

export const CLOCKS = ['urgent_hours', 'work_hours', 'work_days', 'calendar_days'] as const;
export interface SlaRule {
  id: string;
  category: string;
  priority: 'normal' | 'urgent';
  registerClock: string;
  registerAmount: number;
  responseClock: string;
  responseAmount: number;
  handleClock: string;
  handleAmount: number;
  verifyClock: string;
  verifyAmount: number;
  warnFraction: number;
}

export const ROUTING_TARGETS = ['org', 'dept_type', 'property_company', 'community'] as const;
export interface RoutingRule {
  id: string;
  category: string;
  regionId: string | null;
  compoundId: string | null;
  target: (typeof ROUTING_TARGETS)[number];
  targetOrgId: string | null;
  targetDeptType: string | null;
  assistDeptTypes: string[];
  assistOrgIds: string[];
  supervisor: 'none' | 'community' | 'street';
  active: boolean;
  note: string | null;
}

export interface CalendarDay {
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
}
