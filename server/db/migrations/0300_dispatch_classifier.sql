-- Dispatch, part 1: the category classifier. Trained models (the newest is in use), the examples
-- dispatchers teach it through real cases, and a lease so only one process trains at a time.
CREATE TABLE classifier_model (
  version integer PRIMARY KEY,
  trained_at timestamptz NOT NULL,
  -- startup (first start or a new corpus/featuriser), scheduled, manual
  trigger text NOT NULL CHECK (trigger IN ('startup', 'scheduled', 'manual')),
  trained_by uuid REFERENCES app_user (id),
  featuriser text NOT NULL,
  corpus_digest text NOT NULL,
  data_digest text NOT NULL,
  corpus_examples integer NOT NULL,
  taxonomy_examples integer NOT NULL,
  learned_examples integer NOT NULL,
  test_examples integer NOT NULL,
  -- on the shipped corpus's held-out split, which no model ever trains on
  metrics jsonb NOT NULL,
  model jsonb NOT NULL,
  size_bytes integer NOT NULL,
  training_ms integer NOT NULL
);

-- Written by the case loop when a dispatcher sets or corrects a case's category (recordExample).
-- The text is stored with personal details replaced by placeholders. case_id has no foreign key:
-- the example outlives an archived case, and the cases table belongs to another module.
CREATE TABLE classifier_example (
  id uuid PRIMARY KEY,
  text text NOT NULL CHECK (char_length(text) BETWEEN 1 AND 5000),
  category text NOT NULL CHECK (category ~ '^[a-z][a-z0-9_]*$'),
  sub_category text CHECK (sub_category IS NULL OR sub_category LIKE category || '.%'),
  source text NOT NULL CHECK (source IN ('dispatcher_set', 'dispatcher_corrected')),
  suggested_category text,
  case_id uuid,
  created_by uuid REFERENCES app_user (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- one example per case: a later correction replaces the earlier label
CREATE UNIQUE INDEX classifier_example_case ON classifier_example (case_id) WHERE case_id IS NOT NULL;
CREATE INDEX classifier_example_updated ON classifier_example (updated_at);

CREATE TABLE classifier_training (
  id integer PRIMARY KEY CHECK (id = 1),
  running_until timestamptz,
  holder text
);
INSERT INTO classifier_training (id) VALUES (1);

-- Who may ask for a suggestion: staff who read or create cases (residents and integration tokens
-- with case.create are allowed in the service). The case-loop migration grants case.* as well;
-- ON CONFLICT keeps whichever runs second from failing or duplicating.
INSERT INTO role_permission (role_code, permission)
SELECT r.code, p.permission FROM role r
JOIN (VALUES
  ('platform_admin', 'case.read'), ('platform_admin', 'case.create'), ('platform_admin', 'classifier.manage'),
  ('district_admin', 'case.read'), ('district_admin', 'case.create'),
  ('district_staff', 'case.read'), ('district_staff', 'case.create'),
  ('street_admin', 'case.read'), ('street_admin', 'case.create'),
  ('street_staff', 'case.read'), ('street_staff', 'case.create'),
  ('community_admin', 'case.read'), ('community_admin', 'case.create'),
  ('community_staff', 'case.read'), ('community_staff', 'case.create'),
  ('grid_worker', 'case.read'), ('grid_worker', 'case.create'),
  ('dept_handler', 'case.read'),
  ('property_staff', 'case.read'),
  ('command_viewer', 'case.read')
) AS p (role_code, permission) ON p.role_code = r.code
ON CONFLICT DO NOTHING;
