-- One row per Idempotency-Key. A request claims its key (state in_progress, claim_token) in a short
-- transaction; the purchase transaction completes it only while that claim is still its own, so two
-- copies of a request can never both commit a purchase, whichever replicas they reach.
CREATE TABLE idempotency_keys (
    key             TEXT        PRIMARY KEY,
    fingerprint     TEXT        NOT NULL,
    claim_token     UUID        NOT NULL,
    state           TEXT        NOT NULL CHECK (state IN ('in_progress', 'completed')),
    claimed_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    response_status INTEGER,
    response_body   TEXT,
    completed_at    TIMESTAMPTZ
);

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (claimed_at);

ALTER TABLE orders ADD COLUMN idempotency_key TEXT;
CREATE UNIQUE INDEX orders_by_idempotency_key ON orders (idempotency_key) WHERE idempotency_key IS NOT NULL;
