-- 0004_conversation_refs (postgresql), frozen when it shipped: never edit; add a migration.
CREATE TABLE conversation_refs (
    key VARCHAR(255) NOT NULL,
    value TEXT NOT NULL,
    updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
    PRIMARY KEY (key)
);
