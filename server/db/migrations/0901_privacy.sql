-- Personal information requests (PIPL): legal holds that block deleting a resident's data, and the
-- four-eyes approval a bulk export of unmasked ID numbers and phones needs.
CREATE TABLE legal_hold (
  id uuid PRIMARY KEY,
  resident_id uuid NOT NULL REFERENCES resident (id),
  -- why the record must be kept: an investigation, a lawsuit, an archive rule (free text, no personal data)
  basis text NOT NULL,
  placed_by uuid NOT NULL REFERENCES app_user (id),
  placed_at timestamptz NOT NULL,
  released_by uuid REFERENCES app_user (id),
  released_at timestamptz
);
CREATE INDEX legal_hold_resident ON legal_hold (resident_id) WHERE released_at IS NULL;

CREATE TABLE export_approval (
  id uuid PRIMARY KEY,
  requested_by uuid NOT NULL REFERENCES app_user (id),
  -- the filter the export will be run with, canonical JSON; the export must use exactly this one
  filter jsonb NOT NULL,
  reason text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'used')),
  decided_by uuid REFERENCES app_user (id),
  decided_at timestamptz,
  expires_at timestamptz,
  used_at timestamptz,
  created_at timestamptz NOT NULL,
  -- the requester's area: approvers must hold it in their scope
  city_id uuid, district_id uuid, street_id uuid, community_id uuid, grid_id uuid,
  CHECK (status = 'pending' OR decided_by IS NOT NULL),
  CHECK (decided_by IS NULL OR decided_by <> requested_by)
);
CREATE INDEX export_approval_requester ON export_approval (requested_by, created_at DESC);
CREATE INDEX export_approval_pending ON export_approval (community_id, created_at) WHERE status = 'pending';

INSERT INTO role_permission (role_code, permission)
SELECT r.code, p.permission FROM role r
JOIN (VALUES
  ('platform_admin', 'privacy.erase'), ('platform_admin', 'privacy.hold'),
  ('district_admin', 'privacy.erase'), ('district_admin', 'privacy.hold'),
  ('street_admin', 'privacy.erase'), ('street_admin', 'privacy.hold'),
  ('community_admin', 'privacy.erase')
) AS p (role_code, permission) ON p.role_code = r.code
ON CONFLICT DO NOTHING;
