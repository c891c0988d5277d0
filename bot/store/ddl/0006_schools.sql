-- 0006_schools: frozen when it shipped; never edit it, add a migration. {serial} and
-- {timestamp} are the dialect's (bot.store.migrations.COLUMN_TYPES).
-- schools: the registry of schools a deployment serves (bot.store.schools). admin_ids is a
-- JSON list of the user ids who may change the school's settings; settings is JSON text
-- that overrides school.toml and the environment. An uninstalled school keeps its row
-- (installed false) so a reinstall finds its settings again.
CREATE TABLE schools (
    slug VARCHAR(100) NOT NULL,
    name VARCHAR(200) NOT NULL,
    slack_team_id VARCHAR(32),
    teams_app_id VARCHAR(64),
    admin_ids TEXT NOT NULL,
    settings TEXT NOT NULL,
    installed BOOLEAN NOT NULL,
    uninstalled_at {timestamp},
    created_at {timestamp} NOT NULL,
    updated_at {timestamp} NOT NULL,
    PRIMARY KEY (slug),
    UNIQUE (slack_team_id),
    UNIQUE (teams_app_id)
);
-- slack_sdk's SQLAlchemy installation and OAuth state stores (slack_sdk 3.48, as its
-- build_*_table compile), created here so the same migration list owns every table.
CREATE TABLE slack_installations (
    id {serial} NOT NULL,
    client_id VARCHAR(32) NOT NULL,
    app_id VARCHAR(32) NOT NULL,
    enterprise_id VARCHAR(32),
    enterprise_name VARCHAR(200),
    enterprise_url VARCHAR(200),
    team_id VARCHAR(32),
    team_name VARCHAR(200),
    bot_token VARCHAR(200),
    bot_id VARCHAR(32),
    bot_user_id VARCHAR(32),
    bot_scopes VARCHAR(1000),
    bot_refresh_token VARCHAR(200),
    bot_token_expires_at {timestamp},
    user_id VARCHAR(32) NOT NULL,
    user_token VARCHAR(200),
    user_scopes VARCHAR(1000),
    user_refresh_token VARCHAR(200),
    user_token_expires_at {timestamp},
    incoming_webhook_url VARCHAR(200),
    incoming_webhook_channel VARCHAR(200),
    incoming_webhook_channel_id VARCHAR(200),
    incoming_webhook_configuration_url VARCHAR(200),
    is_enterprise_install BOOLEAN NOT NULL,
    token_type VARCHAR(32),
    installed_at {timestamp} NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX slack_installations_idx ON slack_installations (client_id, enterprise_id, team_id, user_id, installed_at);
CREATE TABLE slack_bots (
    id {serial} NOT NULL,
    client_id VARCHAR(32) NOT NULL,
    app_id VARCHAR(32) NOT NULL,
    enterprise_id VARCHAR(32),
    enterprise_name VARCHAR(200),
    team_id VARCHAR(32),
    team_name VARCHAR(200),
    bot_token VARCHAR(200),
    bot_id VARCHAR(32),
    bot_user_id VARCHAR(32),
    bot_scopes VARCHAR(1000),
    bot_refresh_token VARCHAR(200),
    bot_token_expires_at {timestamp},
    is_enterprise_install BOOLEAN NOT NULL,
    installed_at {timestamp} NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX slack_bots_idx ON slack_bots (client_id, enterprise_id, team_id, installed_at);
CREATE TABLE slack_oauth_states (
    id {serial} NOT NULL,
    state VARCHAR(200) NOT NULL,
    expire_at {timestamp} NOT NULL,
    PRIMARY KEY (id)
);
