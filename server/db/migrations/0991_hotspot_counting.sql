-- Every intake counts the reports of its top-level category at its building and in its grid within
-- the hot-spot window (dispatch/hotspots.ts). With only (grid_id, reported_at) to go on, that read
-- every report of the grid in the window and kept its category's: the cost followed how busy the
-- grid was (11 ms at 3,900 reports a week in one grid), on every intake. Led by the category, the
-- count reads at most the threshold's number of entries. Rejected reports never count.
CREATE INDEX cases_grid_category_recent ON cases (grid_id, category_top, reported_at DESC) WHERE status <> 'rejected';
CREATE INDEX cases_building_category_recent ON cases (building_id, category_top, reported_at DESC)
  WHERE building_id IS NOT NULL AND status <> 'rejected';
-- The last acknowledgement of a place and category (counting starts afresh from it) was a scan of
-- every hot spot ever raised.
CREATE INDEX hot_spot_place ON hot_spot (place_kind, place_id, category, acknowledged_at DESC);
