-- Audit retention: monthly audit partitions older than LINLI_AUDIT_RETENTION_MONTHS (at least 6) are
-- dropped once every record in them is sealed. Their seals stay (they hold no content), and the chain
-- verifier accepts a missing record only for a seal older than retained_from, taking the seal's own
-- hash as the anchor for what follows.
ALTER TABLE audit_seal_state ADD COLUMN retained_from timestamptz;
