-- Console support: saved views of the work queues (per user) and reply templates (常用语) that the
-- staff of a unit keep per case category.

CREATE TABLE saved_view (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES app_user (id),
  -- which queue the view belongs to (queue.dispatch, queue.handle …)
  screen text NOT NULL CHECK (screen ~ '^[a-z][a-z0-9_.]{0,59}$'),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 40),
  filters jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, screen, name)
);

CREATE TABLE reply_template (
  id uuid PRIMARY KEY,
  -- the unit whose staff share and keep the template
  org_id uuid NOT NULL REFERENCES org (id),
  -- a top-level taxonomy code, or NULL for every category
  category text CHECK (category IS NULL OR category ~ '^[a-z][a-z0-9_]*$'),
  text text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 500),
  sort_order integer NOT NULL DEFAULT 0,
  created_by uuid REFERENCES app_user (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reply_template_org ON reply_template (org_id, category, sort_order);

-- Keeping the unit's reply templates: everyone who writes notes on cases (dispatchers, handlers,
-- verifiers); reading them needs only to be staff.
INSERT INTO role_permission (role_code, permission)
SELECT r.code, p.permission FROM role r
JOIN (VALUES
  ('platform_admin', 'case.templates'), ('district_admin', 'case.templates'), ('district_staff', 'case.templates'),
  ('street_admin', 'case.templates'), ('street_staff', 'case.templates'), ('community_admin', 'case.templates'),
  ('community_staff', 'case.templates'), ('dept_handler', 'case.templates'), ('property_staff', 'case.templates')
) AS p (role_code, permission) ON p.role_code = r.code
ON CONFLICT DO NOTHING;
