-- 0005_submission_keys_and_lease_tokens: frozen when it shipped; never edit it, add a migration.
-- {serial} and {timestamp} are the dialect's (bot.store.migrations.COLUMN_TYPES).
-- submissions: one row per platform submission (Slack view.id + hash, Teams replyToId); the
-- primary key, not a check before the write, makes a repeated submit return the first one.
CREATE TABLE submissions (
    platform_key VARCHAR(255) NOT NULL,
    escalation_id INTEGER,
    created_at {timestamp} NOT NULL,
    PRIMARY KEY (platform_key),
    FOREIGN KEY(escalation_id) REFERENCES escalations (id)
);
-- outbox.lease_token: a new token per claim; completion is fenced by it.
ALTER TABLE outbox ADD COLUMN lease_token VARCHAR(64);
