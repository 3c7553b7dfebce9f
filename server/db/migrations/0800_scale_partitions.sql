-- Scale: old months of the time-ordered tables (case events, audit) leave the live table.
-- linli_detach_month_partitions detaches every month partition of `parent` that ends on or before
-- `before` (its rows stay in the detached table, e.g. case_event_202301, to be archived with
-- pg_dump -t and dropped); it returns the detached tables' names. Queries on the parent no longer
-- see those rows: the case timeline of a case older than the cut-off shows only later events.
-- docs/scaling.md says when to do it and what it means for the audit chain.
CREATE OR REPLACE FUNCTION linli_detach_month_partitions(parent text, before date)
RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  part text;
BEGIN
  FOR part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = parent::regclass AND c.relname ~ ('^' || parent || '_[0-9]{6}$')
      AND (to_date(right(c.relname, 6), 'YYYYMM') + interval '1 month') <= date_trunc('month', before)
    ORDER BY c.relname
  LOOP
    EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', parent, part);
    RETURN NEXT part;
  END LOOP;
END $$;
