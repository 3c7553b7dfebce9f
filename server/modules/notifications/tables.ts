import type { Json, Timestamp } from '../../db/schema.ts';

export interface NotificationTable {
  id: string;
  recipient_user_id: string | null;
  recipient_org_id: string | null;
  recipient_account_id: string | null;
  case_id: string | null;
  kind: string;
  message_key: string;
  params: Json<Record<string, string | number>>;
  created_at: Timestamp;
}

export interface NotificationTables {
  notification: NotificationTable;
  notification_read: { notification_id: string; reader_id: string; read_at: Timestamp };
}
