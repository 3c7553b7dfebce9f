-- Case taxonomy (案件分类): two levels. Codes are immutable (the classifier, Open311 service codes and
-- outside integrations use them); names, descriptions, keywords, the active flag and the order are
-- editable by administrators. The seed rows come from 0201_taxonomy_seed.sql, generated from
-- server/modules/taxonomy/data/taxonomy.json by scripts/taxonomy-seed.ts.
CREATE TABLE taxonomy (
  code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$'),
  parent_code text REFERENCES taxonomy (code),
  level smallint NOT NULL CHECK (level IN (1, 2)),
  name_zh_cn text NOT NULL,
  name_zh_tw text NOT NULL,
  name_en text NOT NULL,
  description_zh_cn text NOT NULL DEFAULT '',
  description_zh_tw text NOT NULL DEFAULT '',
  description_en text NOT NULL DEFAULT '',
  keywords text[] NOT NULL DEFAULT '{}',
  active boolean NOT NULL DEFAULT true,
  sort_order integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid,
  CHECK ((level = 1) = (parent_code IS NULL)),
  CHECK (level = 1 OR code LIKE parent_code || '.%')
);
CREATE INDEX taxonomy_parent ON taxonomy (parent_code, sort_order);

INSERT INTO role_permission (role_code, permission) VALUES ('platform_admin', 'taxonomy.write');
