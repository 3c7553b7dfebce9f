import type { ColumnType } from 'kysely';
import type { CreatedAt, Json, Timestamp } from '../../db/schema.ts';

export interface SavedViewTable {
  id: string;
  user_id: string;
  screen: string;
  name: string;
  filters: Json<Record<string, unknown>>;
  created_at: CreatedAt;
}

export interface ReplyTemplateTable {
  id: string;
  org_id: string;
  category: string | null;
  text: string;
  sort_order: ColumnType<number, number | undefined, number>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ConsoleTables {
  saved_view: SavedViewTable;
  reply_template: ReplyTemplateTable;
}
