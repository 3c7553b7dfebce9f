-- Scale: every large table carries its district, and its keys include it, so the schema can be
-- distributed with Citus by district_id (docs/scaling.md §6; the classification of every table is
-- server/db/distribution.ts, which server/db/district-keys.test.ts checks against the catalog).
--
-- Citus needs: the distribution column in every PRIMARY KEY and UNIQUE constraint or index of a
-- distributed table; in both sides of a FOREIGN KEY between distributed tables; and no FOREIGN KEY
-- from a reference or local table into a distributed one. Keys put id first (PRIMARY KEY (id,
-- district_id)) so a lookup by id alone still reads the primary-key index.
--
-- Apart from the three new columns (unit, household_member, resident_tag: one UPDATE each, from the
-- parent row) this only swaps constraints: each new key builds one index and each new foreign key
-- validates with one scan; case_event (the largest table) is not touched, its key already leads
-- with the district. Measured with this file and 0990_scale_resident_key.sql on PostgreSQL 15 (2-core
-- development machine, `npm run generate -- --residents 20000 --cases 100000 --years 1`: 100,000
-- cases, 837,000 events, 424,000 deadlines, 135,000 assignments, 20,000 residents): 1.2 s in all,
-- so roughly 12 s per million cases (with their deadlines and assignments); the registry part grows
-- with residents and their memberships at a similar rate per row. It takes ACCESS EXCLUSIVE locks on
-- the tables it changes while it runs: run it in a maintenance window.

-- 1. the district on the three registry tables that lacked it, taken from the parent row
ALTER TABLE unit ADD COLUMN district_id uuid;
UPDATE unit u SET district_id = b.district_id FROM building b WHERE b.id = u.building_id;
ALTER TABLE unit ALTER COLUMN district_id SET NOT NULL;

-- a membership belongs to its household (a resident may later live in another district; the
-- membership stays where it was)
ALTER TABLE household_member ADD COLUMN district_id uuid;
UPDATE household_member m SET district_id = h.district_id FROM household h WHERE h.id = m.household_id;
ALTER TABLE household_member ALTER COLUMN district_id SET NOT NULL;

-- a care tag follows the resident (the registry moves it with them)
ALTER TABLE resident_tag ADD COLUMN district_id uuid;
UPDATE resident_tag t SET district_id = r.district_id FROM resident r WHERE r.id = t.resident_id;
ALTER TABLE resident_tag ALTER COLUMN district_id SET NOT NULL;

-- 2. foreign keys into the tables whose keys change. Those between distributed tables come back
-- below with district_id on both sides; the others are dropped for good, because Citus refuses a
-- foreign key from a reference or local table (or across districts) into a distributed table:
-- the code that writes those rows checks the parent in the caller's scope.
ALTER TABLE case_assignment DROP CONSTRAINT case_assignment_case_id_fkey;
ALTER TABLE case_attachment DROP CONSTRAINT case_attachment_case_id_fkey;
ALTER TABLE case_attachment DROP CONSTRAINT case_attachment_file_id_fkey;       -- file_object is local
ALTER TABLE case_deadline DROP CONSTRAINT case_deadline_case_id_fkey;
ALTER TABLE cases DROP CONSTRAINT cases_merged_into_fkey;
ALTER TABLE extension_request DROP CONSTRAINT extension_request_case_id_fkey;
ALTER TABLE supervision DROP CONSTRAINT supervision_case_id_fkey;
ALTER TABLE whistle DROP CONSTRAINT whistle_case_id_fkey;
ALTER TABLE whistle_call DROP CONSTRAINT whistle_call_case_id_fkey;
ALTER TABLE whistle_call DROP CONSTRAINT whistle_call_whistle_id_fkey;
ALTER TABLE hot_spot_case DROP CONSTRAINT hot_spot_case_hot_spot_id_fkey;
ALTER TABLE building DROP CONSTRAINT building_compound_id_fkey;
ALTER TABLE unit DROP CONSTRAINT unit_building_id_fkey;
ALTER TABLE household DROP CONSTRAINT household_building_id_fkey;
ALTER TABLE household DROP CONSTRAINT household_compound_id_fkey;
ALTER TABLE household DROP CONSTRAINT household_unit_id_fkey;
ALTER TABLE resident DROP CONSTRAINT resident_household_id_fkey;
ALTER TABLE household_member DROP CONSTRAINT household_member_household_id_fkey;
ALTER TABLE household_member DROP CONSTRAINT household_member_resident_id_fkey; -- history across districts
ALTER TABLE resident_tag DROP CONSTRAINT resident_tag_resident_id_fkey;         -- moves with the resident
ALTER TABLE visit DROP CONSTRAINT visit_household_id_fkey;
ALTER TABLE visit DROP CONSTRAINT visit_resident_id_fkey;                       -- history across districts
ALTER TABLE fee_charge DROP CONSTRAINT fee_charge_compound_id_fkey;
ALTER TABLE fee_charge DROP CONSTRAINT fee_charge_household_id_fkey;
ALTER TABLE fee_charge DROP CONSTRAINT fee_charge_contract_id_fkey;             -- property_contract is local
ALTER TABLE fee_payment DROP CONSTRAINT fee_payment_compound_id_fkey;
ALTER TABLE fee_payment DROP CONSTRAINT fee_payment_household_id_fkey;
ALTER TABLE property_warning DROP CONSTRAINT property_warning_compound_id_fkey;
-- local and reference tables that pointed into the registry
ALTER TABLE credit_record DROP CONSTRAINT credit_record_compound_id_fkey;
ALTER TABLE credit_score DROP CONSTRAINT credit_score_compound_id_fkey;
ALTER TABLE fee_statement DROP CONSTRAINT fee_statement_compound_id_fkey;
ALTER TABLE fund_proposal DROP CONSTRAINT fund_proposal_compound_id_fkey;
ALTER TABLE fund_vote DROP CONSTRAINT fund_vote_household_id_fkey;
ALTER TABLE fund_vote DROP CONSTRAINT fund_vote_resident_id_fkey;
ALTER TABLE notice DROP CONSTRAINT notice_compound_id_fkey;
ALTER TABLE property_compound DROP CONSTRAINT property_compound_compound_id_fkey;
ALTER TABLE property_contract DROP CONSTRAINT property_contract_compound_id_fkey;
ALTER TABLE property_inspection DROP CONSTRAINT property_inspection_compound_id_fkey;
ALTER TABLE property_rating DROP CONSTRAINT property_rating_compound_id_fkey;
ALTER TABLE property_rating DROP CONSTRAINT property_rating_household_id_fkey;
ALTER TABLE property_rating DROP CONSTRAINT property_rating_resident_id_fkey;
ALTER TABLE resident_change DROP CONSTRAINT resident_change_resident_id_fkey;
ALTER TABLE resident_home DROP CONSTRAINT resident_home_building_id_fkey;
ALTER TABLE resident_home DROP CONSTRAINT resident_home_compound_id_fkey;
ALTER TABLE routing_rule DROP CONSTRAINT routing_rule_compound_id_fkey;

-- 3. primary keys and unique constraints with the district (id first)
ALTER TABLE cases DROP CONSTRAINT cases_pkey, ADD CONSTRAINT cases_pkey PRIMARY KEY (id, district_id);
-- case numbers start with the district's code, so they were unique per district already
ALTER TABLE cases DROP CONSTRAINT cases_case_no_key, ADD CONSTRAINT cases_case_no_key UNIQUE (case_no, district_id);
ALTER TABLE case_assignment DROP CONSTRAINT case_assignment_pkey, ADD CONSTRAINT case_assignment_pkey PRIMARY KEY (case_id, org_id, role, since, district_id);
ALTER TABLE case_attachment DROP CONSTRAINT case_attachment_pkey, ADD CONSTRAINT case_attachment_pkey PRIMARY KEY (case_id, file_id, district_id);
ALTER TABLE case_deadline DROP CONSTRAINT case_deadline_pkey, ADD CONSTRAINT case_deadline_pkey PRIMARY KEY (id, district_id);
ALTER TABLE extension_request DROP CONSTRAINT extension_request_pkey, ADD CONSTRAINT extension_request_pkey PRIMARY KEY (id, district_id);
ALTER TABLE supervision DROP CONSTRAINT supervision_pkey, ADD CONSTRAINT supervision_pkey PRIMARY KEY (id, district_id);
ALTER TABLE whistle DROP CONSTRAINT whistle_pkey, ADD CONSTRAINT whistle_pkey PRIMARY KEY (id, district_id);
ALTER TABLE whistle_call DROP CONSTRAINT whistle_call_pkey, ADD CONSTRAINT whistle_call_pkey PRIMARY KEY (id, district_id);
ALTER TABLE whistle_call DROP CONSTRAINT whistle_call_whistle_id_org_id_key, ADD CONSTRAINT whistle_call_whistle_id_org_id_key UNIQUE (whistle_id, org_id, district_id);
ALTER TABLE dispatch_suggestion DROP CONSTRAINT dispatch_suggestion_pkey, ADD CONSTRAINT dispatch_suggestion_pkey PRIMARY KEY (case_id, district_id);
ALTER TABLE hot_spot DROP CONSTRAINT hot_spot_pkey, ADD CONSTRAINT hot_spot_pkey PRIMARY KEY (id, district_id);
DROP INDEX hot_spot_open;
CREATE UNIQUE INDEX hot_spot_open ON hot_spot (place_kind, place_id, category, district_id) WHERE status = 'open';
ALTER TABLE hot_spot_case DROP CONSTRAINT hot_spot_case_pkey, ADD CONSTRAINT hot_spot_case_pkey PRIMARY KEY (hot_spot_id, case_id, district_id);

ALTER TABLE compound DROP CONSTRAINT compound_pkey, ADD CONSTRAINT compound_pkey PRIMARY KEY (id, district_id);
DROP INDEX compound_community_name;
CREATE UNIQUE INDEX compound_community_name ON compound (community_id, name, district_id);
ALTER TABLE building DROP CONSTRAINT building_pkey, ADD CONSTRAINT building_pkey PRIMARY KEY (id, district_id);
DROP INDEX building_compound_number;
CREATE UNIQUE INDEX building_compound_number ON building (compound_id, number, district_id);
DROP INDEX building_compound_number_key;
CREATE UNIQUE INDEX building_compound_number_key ON building (compound_id, number_key, district_id) WHERE compound_id IS NOT NULL;
DROP INDEX building_loose_number_key;
CREATE UNIQUE INDEX building_loose_number_key ON building (community_id, number_key, district_id) WHERE compound_id IS NULL;
ALTER TABLE unit DROP CONSTRAINT unit_pkey, ADD CONSTRAINT unit_pkey PRIMARY KEY (id, district_id);
ALTER TABLE unit DROP CONSTRAINT unit_building_id_number_key, ADD CONSTRAINT unit_building_id_number_key UNIQUE (building_id, number, district_id);
ALTER TABLE household DROP CONSTRAINT household_pkey, ADD CONSTRAINT household_pkey PRIMARY KEY (id, district_id);
ALTER TABLE household DROP CONSTRAINT household_building_id_unit_no_room_no_key,
  ADD CONSTRAINT household_building_id_unit_no_room_no_key UNIQUE (building_id, unit_no, room_no, district_id);
-- resident's own keys change in 0990_scale_resident_key.sql, after 0901 has made legal_hold point at it
ALTER TABLE household_member DROP CONSTRAINT household_member_pkey, ADD CONSTRAINT household_member_pkey PRIMARY KEY (id, district_id);
-- one open membership per resident: the registry closes the old one under the resident's row lock
DROP INDEX household_member_open;
CREATE UNIQUE INDEX household_member_open ON household_member (resident_id, district_id) WHERE valid_to IS NULL;
ALTER TABLE resident_tag DROP CONSTRAINT resident_tag_pkey, ADD CONSTRAINT resident_tag_pkey PRIMARY KEY (id, district_id);
DROP INDEX resident_tag_open;
CREATE UNIQUE INDEX resident_tag_open ON resident_tag (resident_id, tag, district_id) WHERE valid_to IS NULL;
ALTER TABLE visit DROP CONSTRAINT visit_pkey, ADD CONSTRAINT visit_pkey PRIMARY KEY (id, district_id);

ALTER TABLE fee_charge DROP CONSTRAINT fee_charge_pkey, ADD CONSTRAINT fee_charge_pkey PRIMARY KEY (id, district_id);
ALTER TABLE fee_charge DROP CONSTRAINT fee_charge_household_id_period_key,
  ADD CONSTRAINT fee_charge_household_id_period_key UNIQUE (household_id, period, district_id);
ALTER TABLE fee_payment DROP CONSTRAINT fee_payment_pkey, ADD CONSTRAINT fee_payment_pkey PRIMARY KEY (id, district_id);
DROP INDEX fee_payment_reference;
CREATE UNIQUE INDEX fee_payment_reference ON fee_payment (compound_id, reference, district_id) WHERE reference IS NOT NULL;
ALTER TABLE property_warning DROP CONSTRAINT property_warning_pkey, ADD CONSTRAINT property_warning_pkey PRIMARY KEY (id, district_id);
DROP INDEX property_warning_open;
CREATE UNIQUE INDEX property_warning_open ON property_warning (compound_id, district_id) WHERE acknowledged_at IS NULL;

-- 4. foreign keys between distributed tables, district on both sides
ALTER TABLE cases ADD CONSTRAINT cases_merged_into_fkey FOREIGN KEY (merged_into, district_id) REFERENCES cases (id, district_id);
ALTER TABLE case_assignment ADD CONSTRAINT case_assignment_case_id_fkey FOREIGN KEY (case_id, district_id) REFERENCES cases (id, district_id);
ALTER TABLE case_attachment ADD CONSTRAINT case_attachment_case_id_fkey FOREIGN KEY (case_id, district_id) REFERENCES cases (id, district_id);
ALTER TABLE case_deadline ADD CONSTRAINT case_deadline_case_id_fkey FOREIGN KEY (case_id, district_id) REFERENCES cases (id, district_id);
ALTER TABLE extension_request ADD CONSTRAINT extension_request_case_id_fkey FOREIGN KEY (case_id, district_id) REFERENCES cases (id, district_id);
ALTER TABLE supervision ADD CONSTRAINT supervision_case_id_fkey FOREIGN KEY (case_id, district_id) REFERENCES cases (id, district_id);
ALTER TABLE whistle ADD CONSTRAINT whistle_case_id_fkey FOREIGN KEY (case_id, district_id) REFERENCES cases (id, district_id);
ALTER TABLE whistle_call ADD CONSTRAINT whistle_call_case_id_fkey FOREIGN KEY (case_id, district_id) REFERENCES cases (id, district_id);
ALTER TABLE whistle_call ADD CONSTRAINT whistle_call_whistle_id_fkey FOREIGN KEY (whistle_id, district_id) REFERENCES whistle (id, district_id);
ALTER TABLE hot_spot_case ADD CONSTRAINT hot_spot_case_hot_spot_id_fkey FOREIGN KEY (hot_spot_id, district_id) REFERENCES hot_spot (id, district_id);
ALTER TABLE building ADD CONSTRAINT building_compound_id_fkey FOREIGN KEY (compound_id, district_id) REFERENCES compound (id, district_id);
ALTER TABLE unit ADD CONSTRAINT unit_building_id_fkey FOREIGN KEY (building_id, district_id) REFERENCES building (id, district_id);
ALTER TABLE household ADD CONSTRAINT household_building_id_fkey FOREIGN KEY (building_id, district_id) REFERENCES building (id, district_id);
ALTER TABLE household ADD CONSTRAINT household_compound_id_fkey FOREIGN KEY (compound_id, district_id) REFERENCES compound (id, district_id);
ALTER TABLE household ADD CONSTRAINT household_unit_id_fkey FOREIGN KEY (unit_id, district_id) REFERENCES unit (id, district_id);
ALTER TABLE household_member ADD CONSTRAINT household_member_household_id_fkey FOREIGN KEY (household_id, district_id) REFERENCES household (id, district_id);
ALTER TABLE visit ADD CONSTRAINT visit_household_id_fkey FOREIGN KEY (household_id, district_id) REFERENCES household (id, district_id);
ALTER TABLE fee_charge ADD CONSTRAINT fee_charge_compound_id_fkey FOREIGN KEY (compound_id, district_id) REFERENCES compound (id, district_id);
ALTER TABLE fee_charge ADD CONSTRAINT fee_charge_household_id_fkey FOREIGN KEY (household_id, district_id) REFERENCES household (id, district_id);
ALTER TABLE fee_payment ADD CONSTRAINT fee_payment_compound_id_fkey FOREIGN KEY (compound_id, district_id) REFERENCES compound (id, district_id);
ALTER TABLE fee_payment ADD CONSTRAINT fee_payment_household_id_fkey FOREIGN KEY (household_id, district_id) REFERENCES household (id, district_id);
ALTER TABLE property_warning ADD CONSTRAINT property_warning_compound_id_fkey FOREIGN KEY (compound_id, district_id) REFERENCES compound (id, district_id);
