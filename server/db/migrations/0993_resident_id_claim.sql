-- The ID number's city-wide uniqueness, held by rows instead of advisory locks. 0990 took the unique
-- index on resident.id_hash into the district (Citus); registrations, changes of ID number and an
-- import's confirm then serialised on pg_advisory_xact_lock per number. Those locks live in the shared
-- lock table (max_locks_per_transaction × connections: 6,400 slots on a default server, 12,800 at 200
-- connections), so confirming an import of more than a few thousand new people failed with "out of
-- shared memory". A row lock is kept in the row itself, so a confirm can hold one per person.
-- One row per ID number ever claimed, keyed by its blind index (the same value resident.id_hash holds);
-- written by the registry's lockIdNumbers, removed with the resident on erasure. A local table on Citus
-- (server/db/distribution.ts): its key does not carry the district.
CREATE TABLE resident_id_claim (
  id_hash text PRIMARY KEY
);
