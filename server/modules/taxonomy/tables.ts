import type { ColumnType, Generated } from 'kysely';

export interface TaxonomyTable {
  code: string;
  parent_code: string | null;
  level: number;
  name_zh_cn: string;
  name_zh_tw: string;
  name_en: string;
  description_zh_cn: Generated<string>;
  description_zh_tw: Generated<string>;
  description_en: Generated<string>;
  keywords: Generated<string[]>;
  active: Generated<boolean>;
  sort_order: Generated<number>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_by: string | null;
}

export interface TaxonomyTables {
  taxonomy: TaxonomyTable;
}
