-- 0001_escalations_audit_outbox: frozen when it shipped; never edit it, add a migration. {serial} and
-- {timestamp} are the dialect's (bot.store.migrations.COLUMN_TYPES).
CREATE TABLE ref_counters (
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (year)
);

CREATE TABLE escalations (
    id {serial} NOT NULL,
    ref VARCHAR(32) NOT NULL,
    platform VARCHAR(16) NOT NULL,
    reporter_id VARCHAR(255) NOT NULL,
    team_id VARCHAR(255),
    school VARCHAR(255),
    question TEXT NOT NULL,
    passage_id VARCHAR(255),
    details TEXT NOT NULL,
    immediate_risk VARCHAR(8) NOT NULL,
    about_staff VARCHAR(16) NOT NULL,
    told_dsl_in_person BOOLEAN NOT NULL,
    urgent BOOLEAN NOT NULL,
    route VARCHAR(16) NOT NULL,
    status VARCHAR(16) NOT NULL,
    claimed_by VARCHAR(255),
    claimed_at {timestamp},
    resolved_by VARCHAR(255),
    resolved_at {timestamp},
    resolution_note TEXT,
    record_ref VARCHAR(255),
    destination_channel VARCHAR(255),
    destination_message_id VARCHAR(255),
    created_at {timestamp} NOT NULL,
    updated_at {timestamp} NOT NULL,
    details_purged BOOLEAN NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (ref)
);

CREATE INDEX ix_escalations_status ON escalations (status);

CREATE TABLE audit (
    id {serial} NOT NULL,
    escalation_id INTEGER NOT NULL,
    at {timestamp} NOT NULL,
    actor_id VARCHAR(255) NOT NULL,
    action VARCHAR(32) NOT NULL,
    detail VARCHAR(255),
    PRIMARY KEY (id),
    FOREIGN KEY(escalation_id) REFERENCES escalations (id)
);

CREATE INDEX ix_audit_escalation ON audit (escalation_id);

CREATE TABLE outbox (
    id {serial} NOT NULL,
    escalation_id INTEGER NOT NULL,
    kind VARCHAR(32) NOT NULL,
    stream VARCHAR(16) NOT NULL,
    payload TEXT NOT NULL,
    idempotency_key VARCHAR(200) NOT NULL,
    status VARCHAR(16) NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at {timestamp} NOT NULL,
    lease_owner VARCHAR(200),
    lease_until {timestamp},
    last_error VARCHAR(200),
    channel VARCHAR(255),
    message_id VARCHAR(255),
    created_at {timestamp} NOT NULL,
    delivered_at {timestamp},
    PRIMARY KEY (id),
    FOREIGN KEY(escalation_id) REFERENCES escalations (id),
    UNIQUE (idempotency_key)
);

CREATE INDEX ix_outbox_due ON outbox (status, next_attempt_at);

CREATE INDEX ix_outbox_escalation ON outbox (escalation_id, stream);
