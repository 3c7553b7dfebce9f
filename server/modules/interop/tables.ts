import type { Generated } from 'kysely';
import type { Json, Timestamp } from '../../db/schema.ts';

type Ts = Timestamp;
interface RegionIds {
  city_id: string | null;
  district_id: string | null;
  street_id: string | null;
  community_id: string | null;
  grid_id: string | null;
}

export interface Open311AttributeTable {
  service_code: string;
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  description: string;
  datatype_description: string | null;
  values: Json<{ key: string; name: string }[]>;
  sort_order: number;
}

export interface Open311RequestTable extends RegionIds {
  id: string;
  token: string;
  api_token_id: string;
  case_id: string | null;
  state: 'pending' | 'registered' | 'rejected';
  service_code: string;
  description: string;
  address: string | null;
  media_url: string | null;
  reporter_enc: string | null;
  account_id: string | null;
  created_at: Ts;
  resolved_at: Ts | null;
  resolved_by: string | null;
}

export interface HotlineLinkTable extends RegionIds {
  id: string;
  name: string;
  api_token_id: string;
  secret_enc: string;
  callback_url: string | null;
  default_community_id: string;
  active: boolean;
  created_at: Ts;
  created_by: string | null;
}

export interface HotlineCategoryMapTable {
  hotline_category: string;
  category: string;
  updated_at: Ts;
  updated_by: string | null;
}

interface CaseRegion {
  city_id: string;
  district_id: string;
  street_id: string;
  community_id: string;
  grid_id: string | null;
}

export interface HotlineOrderTable extends CaseRegion {
  order_no: string;
  link_id: string | null;
  case_id: string;
  source: 'push' | 'import';
  request_hash: string;
  hotline_category: string | null;
  category_mapped: boolean;
  needs_review: boolean;
  reviewed_by: string | null;
  received_at: Ts;
  hotline_deadline: Ts | null;
  urgency: 'normal' | 'urgent';
  created_at: Ts;
}

export type CallbackKind = 'returned' | 'handled' | 'extended' | 'closed';

export interface HotlineCallbackTable extends CaseRegion {
  id: string;
  event_id: string;
  link_id: string;
  order_no: string;
  case_id: string;
  kind: CallbackKind;
  payload: Json<Record<string, unknown>>;
  state: Generated<'pending' | 'delivered'>;
  attempts: Generated<number>;
  next_attempt_at: Ts;
  last_status: number | null;
  last_error: string | null;
  delivered_at: Ts | null;
  event_at: Ts;
  created_at: Ts;
}

export interface InteropTables {
  open311_attribute: Open311AttributeTable;
  open311_request: Open311RequestTable;
  hotline_link: HotlineLinkTable;
  hotline_category_map: HotlineCategoryMapTable;
  hotline_order: HotlineOrderTable;
  hotline_callback: HotlineCallbackTable;
  hotline_outbox_cursor: { id: number; read_until: Ts };
}
