-- 0004_conversation_refs: frozen when it shipped; never edit it, add a migration. {serial} and
-- {timestamp} are the dialect's (bot.store.migrations.COLUMN_TYPES).
CREATE TABLE conversation_refs (
    "key" VARCHAR(255) NOT NULL,
    value TEXT NOT NULL,
    updated_at {timestamp} NOT NULL,
    PRIMARY KEY ("key")
);
