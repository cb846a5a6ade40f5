-- The relay polls for pending events several times a second. With the pending index on (id), every poll
-- walked one index entry per event published since the last VACUUM (a published row's old version stays
-- in the index until then, and autovacuum waits for a fifth of the table to be dead by default): the
-- poll's cost grew with the history. Each event now carries the id of the transaction that wrote it, and
-- the pending index is ordered by it: a poll starts at the relay's horizon, the oldest transaction that
-- could still commit an event it has not seen, and reads only the entries written since.
ALTER TABLE outbox_events ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id();
DROP INDEX outbox_events_pending;
CREATE INDEX outbox_events_pending ON outbox_events (txid, id) WHERE published_at IS NULL;
