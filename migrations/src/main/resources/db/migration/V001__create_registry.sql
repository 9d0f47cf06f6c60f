-- The model registry: models, their immutable versions, aliases and the audit log.

CREATE TABLE registered_model (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           text        NOT NULL,
    description    text        NOT NULL DEFAULT '',
    tags           jsonb       NOT NULL DEFAULT '{}'::jsonb,
    latest_version integer     NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL,
    created_by     text        NOT NULL,
    updated_at     timestamptz NOT NULL,
    CONSTRAINT registered_model_name_unique UNIQUE (name),
    CONSTRAINT registered_model_name_format CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    CONSTRAINT registered_model_tags_object CHECK (jsonb_typeof(tags) = 'object')
);
COMMENT ON COLUMN registered_model.latest_version IS
    'Highest version number handed out; incremented in the transaction that inserts the version, so numbers have no gaps.';
CREATE INDEX registered_model_tags_idx ON registered_model USING gin (tags jsonb_path_ops);

CREATE TABLE model_version (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    model_id     bigint      NOT NULL REFERENCES registered_model (id) ON DELETE CASCADE,
    version      integer     NOT NULL,
    description  text        NOT NULL DEFAULT '',
    tags         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    sha256       text        NOT NULL,
    size_bytes   bigint      NOT NULL,
    artifact_key text        NOT NULL,
    signature    jsonb       NOT NULL,
    created_at   timestamptz NOT NULL,
    created_by   text        NOT NULL,
    updated_at   timestamptz NOT NULL,
    CONSTRAINT model_version_number_unique UNIQUE (model_id, version),
    CONSTRAINT model_version_number_positive CHECK (version > 0),
    CONSTRAINT model_version_sha256_format CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    CONSTRAINT model_version_size_positive CHECK (size_bytes > 0),
    CONSTRAINT model_version_tags_object CHECK (jsonb_typeof(tags) = 'object')
);
COMMENT ON TABLE model_version IS
    'Immutable registered artifacts. A row exists only once its bytes are durable in the object store and the model was inspected.';
COMMENT ON COLUMN model_version.artifact_key IS
    'Object-store key derived from sha256 (content addressed); several versions may share one object.';
CREATE INDEX model_version_tags_idx ON model_version USING gin (tags jsonb_path_ops);
CREATE INDEX model_version_sha256_idx ON model_version (sha256);

CREATE TABLE model_alias (
    model_id   bigint      NOT NULL REFERENCES registered_model (id) ON DELETE CASCADE,
    alias      text        NOT NULL,
    version    integer     NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text        NOT NULL,
    PRIMARY KEY (model_id, alias),
    CONSTRAINT model_alias_format CHECK (alias ~ '^[a-z][a-z0-9_-]{0,62}$'),
    CONSTRAINT model_alias_version_exists FOREIGN KEY (model_id, version)
        REFERENCES model_version (model_id, version) ON DELETE CASCADE
);
COMMENT ON TABLE model_alias IS
    'Movable names (champion, challenger) for a version of the same model; they start with a letter so they never read as a version number.';

CREATE TABLE audit_event (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at    timestamptz NOT NULL,
    actor          text        NOT NULL,
    client_address text,
    action         text        NOT NULL,
    entity_type    text        NOT NULL,
    entity_name    text        NOT NULL,
    details        jsonb       NOT NULL DEFAULT '{}'::jsonb
);
COMMENT ON TABLE audit_event IS 'Append-only record of who changed what and when; newest first by id.';
