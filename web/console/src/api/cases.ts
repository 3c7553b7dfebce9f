/** Shapes of the case loop's answers (server/modules/cases, server/modules/console; see /api/docs). */
import { api, postFiles } from './client';

export const CASE_STATES = ['reported', 'registered', 'dispatched', 'accepted', 'handled', 'verified', 'closed', 'evaluated', 'parked', 'merged', 'rejected'] as const;
export type CaseState = (typeof CASE_STATES)[number];
export const CHANNELS = ['resident_app', 'grid_patrol', 'hotline_12345', 'open311', 'walk_in', 'phone'] as const;
export const CASE_TYPES = ['complaint', 'help', 'enquiry', 'suggestion', 'report', 'praise'] as const;

export interface CaseSummary {
  id: string;
  caseNo: string;
  status: CaseState;
  channel: string;
  type: string;
  category: string;
  categoryTop: string;
  title: string;
  priority: 'normal' | 'urgent';
  address: string | null;
  gridId: string | null;
  communityId: string;
  assignedOrgId: string | null;
  assignedOrgName: string | null;
  dispatchOrgId: string;
  handlingLevel: string;
  handleDueAt: string | null;
  overdue: boolean;
  reportedAt: string;
  updatedAt: string;
  version: number;
}

export interface CaseDeadline {
  kind: string;
  orgId: string;
  level: string | null;
  clock: string;
  startedAt: string;
  dueAt: string;
  warnAt: string | null;
  state: 'open' | 'met' | 'missed' | 'cancelled';
  metAt: string | null;
  missedAt: string | null;
}

export interface CaseEvent {
  id: string;
  type: string;
  at: string;
  from: string | null;
  to: string | null;
  note: string | null;
  actor: { kind: string; id: string | null; orgId: string | null; name: string | null };
}

export interface CaseDetail extends Omit<CaseSummary, 'address'> {
  description: string;
  location: { lat: number | null; lng: number | null; address: string | null } | null;
  buildingId: string | null;
  compoundId: string | null;
  districtId: string;
  streetId: string;
  reporter: { anonymous: boolean; resident: boolean; name: string | null; phone: string | null };
  categoryName: string;
  dispatchOrgName: string | null;
  supervisorOrgId: string | null;
  mergedInto: string | null;
  parkedUntil: string | null;
  counts: { returns: number; reworks: number; reopens: number; escalations: number };
  evaluation: { resolved: boolean | null; satisfaction: string; comment: string | null; byCallback: boolean; at: string | null } | null;
  registeredAt: string | null;
  dispatchedAt: string | null;
  acceptedAt: string | null;
  handledAt: string | null;
  verifiedAt: string | null;
  closedAt: string | null;
  deadlines: CaseDeadline[];
  assignments: { orgId: string; orgName: string; role: string; since: string; until: string | null }[];
  whistles: { id: string; whistlerOrgId: string; orgId: string; orgName: string; at: string; dueAt: string; checkedInAt: string | null; reportedAt: string | null; report: string | null; escalatedAt: string | null; ratedOnTime: boolean | null; ratedEffective: boolean | null }[];
  supervisions: { id: string; supervisorOrgId: string; targetOrgId: string; note: string; at: string; dueAt: string; acknowledgedAt: string | null }[];
  extensions: { id: string; orgId: string; reason: string; until: string; state: string; at: string; decidedAt: string | null }[];
  attachments: { id: string; kind: 'before' | 'after' | 'other'; mime: string; size: number; addedAt: string }[];
  events: CaseEvent[];
  allowedActions: string[];
}

export interface CaseQuery {
  status?: string;
  category?: string;
  orgId?: string;
  gridId?: string;
  overdue?: boolean;
  q?: string;
  period?: string;
  sort?: 'reported' | 'due';
  cursor?: string;
  limit?: number;
}

export const listCases = (q: CaseQuery) => api.get<{ items: CaseSummary[]; nextCursor: string | null }>('/api/cases', { ...q });
export const getCase = (id: string) => api.get<CaseDetail>(`/api/cases/${id}`);
export const act = (id: string, body: Record<string, unknown>) => api.post<CaseDetail>(`/api/cases/${id}/actions`, body);

export interface Clock {
  caseId: string;
  kind: string;
  clock: string;
  orgId: string;
  orgName: string;
  dueAt: string;
  warnAt: string | null;
  remainingMinutes: number;
  workingTime: boolean;
  overdueMinutes: number;
  warning: boolean;
}
export interface Clocks {
  asOf: string;
  dayMinutes: number;
  items: Clock[];
}
export const getClocks = (caseIds: string[]) =>
  caseIds.length ? api.get<Clocks>('/api/console/clocks', { caseIds: caseIds.join(',') }) : Promise.resolve<Clocks>({ asOf: new Date().toISOString(), dayMinutes: 450, items: [] });

interface CaseRef {
  caseId: string;
  caseNo: string;
  title: string;
  status: CaseState;
  category: string;
  priority: string;
}
export interface Watch {
  asOf: string;
  deadlines: (CaseRef & { kind: string; clock: string; orgId: string; orgName: string; dueAt: string; warnAt: string | null; risk: 'at_risk' | 'overdue' })[];
  whistles: (CaseRef & { callId: string; orgId: string; orgName: string; whistlerName: string; at: string; dueAt: string; escalated: boolean; overdue: boolean })[];
}
export const getWatch = () => api.get<Watch>('/api/console/watch');

export interface Handler {
  id: string;
  kind: string;
  name: string;
  deptType: string | null;
  regionId: string | null;
  regionName: string | null;
  regionLevel: string | null;
}
export const getHandlers = () => api.get<Handler[]>('/api/console/handlers');

export interface SavedView {
  id: string;
  screen: string;
  name: string;
  filters: QueueFilters;
  createdAt: string;
}
/** What a queue filters by (and a saved view keeps). */
export interface QueueFilters {
  status?: string;
  category?: string;
  q?: string;
  overdue?: boolean;
  gridId?: string;
  orgId?: string;
  period?: string;
}

export interface ReplyTemplate {
  id: string;
  orgId: string;
  orgName: string;
  shared: boolean;
  mine: boolean;
  category: string | null;
  text: string;
  sortOrder: number;
  updatedAt: string;
}

export interface TaxonomyItem {
  code: string;
  name: Record<'zh-CN' | 'zh-TW' | 'en', string>;
  active: boolean;
  sortOrder: number;
}
export interface TaxonomyTop extends TaxonomyItem {
  children: TaxonomyItem[];
}

export interface Suggestion {
  category: string;
  confidence: number;
  terms: string[];
  subCategory?: string;
  subConfidence?: number;
}
export const classify = (text: string) => api.post<{ suggestions: Suggestion[]; modelVersion: number }>('/api/cases/classify', { text });

/** Uploads photos (POST /api/files, multipart); answers their ids. */
export const uploadFiles = (files: File[]) => postFiles<{ id: string; mime: string; size: number }[]>('/api/files', files);
