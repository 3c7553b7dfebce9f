-- Scale (continues 0802_scale_district_keys.sql): resident's keys with its district. This one file
-- sits outside the scale range because migrations run in name order on a new database and
-- 0901_privacy.sql creates legal_hold with a foreign key to resident (id), which needs resident's
-- id alone to be unique; so the key changes only after it. legal_hold stays a local table
-- (server/db/distribution.ts): its foreign key into resident goes, and the privacy service checks
-- the resident in the caller's scope before placing a hold.
ALTER TABLE legal_hold DROP CONSTRAINT legal_hold_resident_id_fkey;
ALTER TABLE resident DROP CONSTRAINT resident_pkey, ADD CONSTRAINT resident_pkey PRIMARY KEY (id, district_id);
-- the ID number stays the natural key across the city: the registry checks it under an advisory
-- lock on its blind index (registry/residents/store.ts, lockIdNumber); this index enforces it
-- within a district
DROP INDEX resident_id_hash;
CREATE UNIQUE INDEX resident_id_hash ON resident (id_hash, district_id);
ALTER TABLE resident ADD CONSTRAINT resident_household_id_fkey FOREIGN KEY (household_id, district_id) REFERENCES household (id, district_id);
