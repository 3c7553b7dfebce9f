-- Progress notices by SMS (issue: resident page). resident_account.sms_opt_in (0001) is the resident's
-- consent; the language the resident chose when consenting is the language of the messages.
ALTER TABLE resident_account ADD COLUMN sms_language text NOT NULL DEFAULT 'zh-CN'
  CHECK (sms_language IN ('zh-CN', 'zh-TW', 'en'));
ALTER TABLE resident_account ADD COLUMN sms_opt_in_at timestamptz;
