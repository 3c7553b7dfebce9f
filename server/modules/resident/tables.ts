import type { Generated } from 'kysely';
import type { Timestamp } from '../../db/schema.ts';

/** A region at the level of what was published: the ids below that level are null. */
interface Published {
  city_id: string;
  district_id: string | null;
  street_id: string | null;
  community_id: string | null;
}

export interface ResidentHomeTable {
  account_id: string;
  compound_id: string;
  building_id: string | null;
  updated_at: Timestamp;
}

export type NoticeKind = 'announcement' | 'finance' | 'property_fee' | 'maintenance_fund';

export interface NoticeTable extends Published {
  id: string;
  kind: NoticeKind;
  title: string;
  body: string;
  important: Generated<boolean>;
  compound_id: string | null;
  org_id: string;
  created_by: string;
  published_at: Timestamp;
  withdrawn_at: Timestamp | null;
  withdraw_reason: string | null;
}

export interface NoticeReadTable {
  notice_id: string;
  account_id: string;
  read_at: Timestamp;
}

export type ServiceCategory = 'elderly' | 'health' | 'certificate' | 'family' | 'employment' | 'other';

export interface ServiceItemTable extends Published {
  id: string;
  category: ServiceCategory;
  name: string;
  description: string;
  contact_phone: string | null;
  hours: string | null;
  org_id: string;
  created_by: string;
  active: Generated<boolean>;
  sort_order: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ResidentServiceTables {
  resident_home: ResidentHomeTable;
  notice: NoticeTable;
  notice_read: NoticeReadTable;
  service_item: ServiceItemTable;
}
