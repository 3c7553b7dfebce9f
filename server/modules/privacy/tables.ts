import type { Timestamp } from '../../db/schema.ts';

export interface LegalHoldTable {
  id: string;
  resident_id: string;
  basis: string;
  placed_by: string;
  placed_at: Timestamp;
  released_by: string | null;
  released_at: Timestamp | null;
}

export type ExportApprovalStatus = 'pending' | 'approved' | 'rejected' | 'used';

export interface ExportApprovalTable {
  id: string;
  requested_by: string;
  filter: string;
  reason: string;
  status: ExportApprovalStatus;
  decided_by: string | null;
  decided_at: Timestamp | null;
  expires_at: Timestamp | null;
  used_at: Timestamp | null;
  created_at: Timestamp;
  city_id: string | null;
  district_id: string | null;
  street_id: string | null;
  community_id: string | null;
  grid_id: string | null;
}

export interface PrivacyTables {
  legal_hold: LegalHoldTable;
  export_approval: ExportApprovalTable;
}

