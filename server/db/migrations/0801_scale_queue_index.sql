-- Work queues sorted by deadline (GET /api/cases?sort=due) read only cases with a running handling
-- clock. Without this index the planner walks cases_assigned_queue over every case ever reported
-- (its leading columns do not help a query that filters on handle_due_at alone), so the queue got
-- slower with every year of history; this one holds the open cases only and stays small.
CREATE INDEX cases_open_due ON cases (handle_due_at, id) WHERE handle_due_at IS NOT NULL;
