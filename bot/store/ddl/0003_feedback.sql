-- 0003_feedback: frozen when it shipped; never edit it, add a migration. {serial} and
-- {timestamp} are the dialect's (bot.store.migrations.COLUMN_TYPES).
CREATE TABLE feedback (
    id {serial} NOT NULL,
    passage_id VARCHAR(255) NOT NULL,
    helpful BOOLEAN NOT NULL,
    platform VARCHAR(16),
    school VARCHAR(255),
    created_at {timestamp} NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_feedback_passage ON feedback (passage_id);
