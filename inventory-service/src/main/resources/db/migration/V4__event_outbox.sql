-- Events written in the purchase transaction and relayed to RabbitMQ afterwards (transactional
-- outbox): an event exists exactly when its purchase committed, whatever the broker was doing.
CREATE TABLE outbox_events (
    id            BIGSERIAL   PRIMARY KEY,
    event_id      UUID        NOT NULL UNIQUE,
    event_type    TEXT        NOT NULL,
    routing_key   TEXT        NOT NULL,
    payload       TEXT        NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_at  TIMESTAMPTZ,
    attempts      INTEGER     NOT NULL DEFAULT 0,
    last_error    TEXT
);

CREATE INDEX outbox_events_pending ON outbox_events (id) WHERE published_at IS NULL;
CREATE INDEX outbox_events_published ON outbox_events (published_at) WHERE published_at IS NOT NULL;
