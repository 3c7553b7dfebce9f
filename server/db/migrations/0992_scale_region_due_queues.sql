-- The deadline-sorted work queue of a region (GET /api/cases?sort=due for a community, street, grid or
-- district body) walked cases_open_due (0801) — every open case of the city in deadline order — and
-- kept its own region's: the cost followed the city's open cases, not the region's (the community
-- dispatcher's p95 went 30 -> 91 ms from 100k to 5M cases; a community with few open cases in a city
-- of many walks the whole index). Led by the region, each queue reads its own twenty entries. Like
-- 0801, only cases with a running handling clock are indexed, so these stay small.
CREATE INDEX cases_open_due_grid ON cases (grid_id, handle_due_at, id) WHERE handle_due_at IS NOT NULL;
CREATE INDEX cases_open_due_community ON cases (community_id, handle_due_at, id) WHERE handle_due_at IS NOT NULL;
CREATE INDEX cases_open_due_street ON cases (street_id, handle_due_at, id) WHERE handle_due_at IS NOT NULL;
CREATE INDEX cases_open_due_district ON cases (district_id, handle_due_at, id) WHERE handle_due_at IS NOT NULL;
