-- Notifications (to a user or to everyone in an organisation) and the metric rollups.
CREATE TABLE notification (
  id uuid PRIMARY KEY,
  recipient_user_id uuid REFERENCES app_user (id),
  recipient_org_id uuid REFERENCES org (id),
  recipient_account_id uuid REFERENCES resident_account (id),
  case_id uuid,
  kind text NOT NULL,
  message_key text NOT NULL,
  params jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  CHECK (num_nonnulls(recipient_user_id, recipient_org_id, recipient_account_id) = 1)
);
CREATE INDEX notification_user ON notification (recipient_user_id, created_at DESC) WHERE recipient_user_id IS NOT NULL;
CREATE INDEX notification_org ON notification (recipient_org_id, created_at DESC) WHERE recipient_org_id IS NOT NULL;
CREATE INDEX notification_account ON notification (recipient_account_id, created_at DESC) WHERE recipient_account_id IS NOT NULL;
-- read state per person (an organisation's notification is read separately by each of its people)
CREATE TABLE notification_read (
  notification_id uuid NOT NULL REFERENCES notification (id) ON DELETE CASCADE,
  reader_id uuid NOT NULL,
  read_at timestamptz NOT NULL,
  PRIMARY KEY (reader_id, notification_id)
);

-- Metric changes, appended in the transaction of the case event that causes them (no hot counter
-- rows), folded into metric_daily by a background task; reads add the not-yet-folded deltas.
-- subject_id: an organisation, or a grid worker (valid reports, verifications).
CREATE TABLE metric_delta (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subject_id uuid NOT NULL,
  day date NOT NULL,
  metric text NOT NULL,
  n double precision NOT NULL
);
CREATE INDEX metric_delta_subject ON metric_delta (subject_id, day);
CREATE TABLE metric_daily (
  subject_id uuid NOT NULL,
  day date NOT NULL,
  metric text NOT NULL,
  n double precision NOT NULL,
  PRIMARY KEY (subject_id, day, metric)
);
CREATE INDEX metric_daily_day ON metric_daily (day);
