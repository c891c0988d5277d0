-- 0003_feedback (postgresql), frozen when it shipped: never edit; add a migration.
CREATE TABLE feedback (
    id SERIAL NOT NULL,
    passage_id VARCHAR(255) NOT NULL,
    helpful BOOLEAN NOT NULL,
    platform VARCHAR(16),
    school VARCHAR(255),
    created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_feedback_passage ON feedback (passage_id);
