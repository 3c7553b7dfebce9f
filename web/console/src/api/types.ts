/** Shapes of the server's answers the console uses (see /api/docs for the full API). */

export type RegionLevel = 'city' | 'district' | 'street' | 'community' | 'grid';

export interface PlaceRef {
  id: string;
  level: RegionLevel;
  name: string;
}

export type Scope = { kind: 'all' } | { kind: 'region'; level: RegionLevel; regionId: string } | { kind: 'org'; orgId: string };

export interface Me {
  kind: 'user';
  id: string;
  username: string;
  displayName: string;
  orgId: string;
  orgName: string;
  orgKind: string;
  deptType: string | null;
  gridId: string | null;
  roles: string[];
  permissions: string[];
  scope: Scope;
  scopePath: PlaceRef[];
  mustChangePassword: boolean;
}

export interface LoginResult {
  token: string;
  expiresAt: string;
  user: { id: string; username: string; displayName: string; orgId: string; roles: string[]; mustChangePassword: boolean };
}

export const ORG_KINDS = ['platform', 'government', 'street_office', 'community_committee', 'department', 'property_company', 'owners_committee', 'party_org', 'social_org'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

export interface Org {
  id: string;
  kind: OrgKind;
  name: string;
  regionId: string | null;
  regionName: string | null;
  regionLevel: RegionLevel | null;
  regionPath: PlaceRef[];
  parentId: string | null;
  deptType: string | null;
  code: string | null;
  active: boolean;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  orgId: string;
  orgName: string;
  gridId: string | null;
  roles: string[];
  active: boolean;
  mustChangePassword: boolean;
  lockedUntil: string | null;
  createdAt: string;
}

export interface Role {
  code: string;
  nameZh: string;
  nameEn: string;
  builtin: boolean;
  permissions: string[];
}

export const TOKEN_KINDS = ['open311', 'hotline', 'generic'] as const;
/** scopes that exist only for integrations (server/modules/integrations/service.ts) */
export const INTEGRATION_SCOPES = ['open311', 'hotline.push', 'case.create', 'case.read'] as const;

export interface ApiToken {
  id: string;
  name: string;
  kind: (typeof TOKEN_KINDS)[number];
  scopes: string[];
  orgId: string;
  orgName: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface AuditRecord {
  seq: number;
  at: string;
  actorKind: string;
  actorId: string | null;
  actorName: string | null;
  orgId: string | null;
  orgName: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  details: Record<string, unknown> | null;
  requestId: string | null;
  ip: string | null;
}

export interface ChainReport {
  ok: boolean;
  sealed: number;
  pending: number;
  firstBroken: { pos: number; seq: number | null; reason: string } | null;
}
