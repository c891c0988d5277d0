-- 0004_conversation_refs (sqlite), frozen when it shipped: never edit; add a migration.
CREATE TABLE conversation_refs (
    "key" VARCHAR(255) NOT NULL,
    value TEXT NOT NULL,
    updated_at DATETIME NOT NULL,
    PRIMARY KEY ("key")
);
