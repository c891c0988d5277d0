-- 0002_processed_events (postgresql), frozen when it shipped: never edit; add a migration.
CREATE TABLE processed_events (
    event_id VARCHAR(255) NOT NULL,
    seen_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
    PRIMARY KEY (event_id)
);
