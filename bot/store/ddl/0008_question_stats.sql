-- 0008_question_stats: frozen when it shipped; never edit it, add a migration. {serial} and
-- {timestamp} are the dialect's (bot.store.migrations.COLUMN_TYPES).
-- question_stats: one row per question answered on Slack or Teams, never its text.
-- question_samples: the text of unanswered, non-concern questions, only when a school turns
-- the 30-day sample on (POLICYBOT_UNANSWERED_SAMPLE=1); purged after 30 days.
CREATE TABLE question_stats (
    id {serial} NOT NULL,
    school VARCHAR(255),
    asked_hour {timestamp} NOT NULL,
    answered BOOLEAN NOT NULL,
    passage_id VARCHAR(255),
    document VARCHAR(255),
    section VARCHAR(255),
    concern BOOLEAN NOT NULL,
    platform VARCHAR(16) NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_question_stats_school_hour ON question_stats (school, asked_hour);

CREATE TABLE question_samples (
    id {serial} NOT NULL,
    school VARCHAR(255),
    asked_at {timestamp} NOT NULL,
    question TEXT NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_question_samples_school_asked ON question_samples (school, asked_at);
