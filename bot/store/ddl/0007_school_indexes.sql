-- 0007_school_indexes: frozen when it shipped; never edit it, add a migration. {serial} and
-- {timestamp} are the dialect's (bot.store.migrations.COLUMN_TYPES).
-- school_documents: the policy files each school indexed (sent by DM, fetched from a web
-- page, or found in the corpus); the file itself lives under the data directory.
CREATE TABLE school_documents (
    id {serial} NOT NULL,
    school VARCHAR(255) NOT NULL,
    file_name VARCHAR(255) NOT NULL,
    title VARCHAR(500) NOT NULL,
    review_date VARCHAR(100),
    clauses INTEGER NOT NULL,
    sha256 VARCHAR(64) NOT NULL,
    source VARCHAR(16) NOT NULL,
    source_url TEXT,
    source_id INTEGER,
    etag VARCHAR(255),
    last_modified VARCHAR(64),
    added_at {timestamp} NOT NULL,
    added_by VARCHAR(255),
    PRIMARY KEY (id),
    UNIQUE (school, file_name)
);

CREATE INDEX ix_school_documents_school ON school_documents (school);

-- school_indexes: one row per school: the version of its built index (one more per rebuild)
-- and the build lease, so two workers never build the same school at once.
CREATE TABLE school_indexes (
    school VARCHAR(255) NOT NULL,
    version INTEGER NOT NULL,
    built_at {timestamp},
    lease_owner VARCHAR(200),
    lease_token VARCHAR(64),
    lease_until {timestamp},
    PRIMARY KEY (school)
);

-- school_sources: a school website's policies page, re-checked daily.
CREATE TABLE school_sources (
    id {serial} NOT NULL,
    school VARCHAR(255) NOT NULL,
    url TEXT NOT NULL,
    added_at {timestamp} NOT NULL,
    added_by VARCHAR(255),
    checked_at {timestamp},
    PRIMARY KEY (id),
    UNIQUE (school, url)
);
