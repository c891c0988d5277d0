-- 0002_processed_events: frozen when it shipped; never edit it, add a migration. {serial} and
-- {timestamp} are the dialect's (bot.store.migrations.COLUMN_TYPES).
CREATE TABLE processed_events (
    event_id VARCHAR(255) NOT NULL,
    seen_at {timestamp} NOT NULL,
    PRIMARY KEY (event_id)
);
