-- Targets, services (the gallery) and deployments: what should run where, what does, and the
-- append-only history of how it got there.

CREATE TABLE target (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text        NOT NULL,
    kind            text        NOT NULL,
    region          text        NOT NULL,
    base_url        text        NOT NULL,
    admin_token_ref text,
    labels          jsonb       NOT NULL DEFAULT '{}'::jsonb,
    health          text        NOT NULL DEFAULT 'UNKNOWN',
    last_seen_at    timestamptz,
    created_at      timestamptz NOT NULL,
    created_by      text        NOT NULL,
    updated_at      timestamptz NOT NULL,
    CONSTRAINT target_name_unique UNIQUE (name),
    CONSTRAINT target_name_format CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    CONSTRAINT target_kind_known CHECK (kind IN ('HUB', 'EDGE')),
    CONSTRAINT target_health_known CHECK (health IN ('UNKNOWN', 'UP', 'DOWN')),
    CONSTRAINT target_base_url_http CHECK (base_url ~ '^https?://')
);
COMMENT ON TABLE target IS 'A scoring node, or a group of identical nodes behind one URL.';
COMMENT ON COLUMN target.admin_token_ref IS
    'Name of the deployer setting that holds this node''s admin token; null means the deployer''s default node token. The secret itself is never stored here.';

CREATE TABLE service (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text        NOT NULL,
    model_id    bigint      NOT NULL REFERENCES registered_model (id) ON DELETE RESTRICT,
    description text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    created_by  text        NOT NULL,
    CONSTRAINT service_name_unique UNIQUE (name),
    CONSTRAINT service_name_format CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$')
);
COMMENT ON TABLE service IS
    'A gallery entry: the stable name applications call (/v2/models/{service}/infer), bound to one registered model.';

CREATE TABLE deployment (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service_id    bigint      NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    kind          text        NOT NULL,
    version       integer     NOT NULL,
    status        text        NOT NULL,
    requested_by  text        NOT NULL,
    requested_at  timestamptz NOT NULL,
    started_at    timestamptz,
    finished_at   timestamptz,
    error         text,
    claimed_by    text,
    claimed_until timestamptz,
    attempts      integer     NOT NULL DEFAULT 0,
    CONSTRAINT deployment_kind_known CHECK (kind IN ('DEPLOY', 'ROLLBACK')),
    CONSTRAINT deployment_status_known CHECK (status IN
        ('PENDING', 'STAGING', 'ACTIVATING', 'SUCCEEDED', 'FAILED', 'ROLLED_BACK', 'SUPERSEDED'))
);
COMMENT ON TABLE deployment IS
    'One request to move a service to a version on a set of targets. Rows are never rewritten into other requests: a rollback is a new row.';
COMMENT ON COLUMN deployment.claimed_until IS
    'Lease of the deployer working on it; when it lapses (deployer died) another deployer resumes the deployment.';
-- At most one deployment in flight per service, enforced by the schema.
CREATE UNIQUE INDEX deployment_one_in_flight ON deployment (service_id)
    WHERE status IN ('PENDING', 'STAGING', 'ACTIVATING');
CREATE INDEX deployment_claimable ON deployment (id)
    WHERE status IN ('PENDING', 'STAGING', 'ACTIVATING');
CREATE INDEX deployment_service_history ON deployment (service_id, id DESC);

CREATE TABLE deployment_target (
    deployment_id    bigint      NOT NULL REFERENCES deployment (id) ON DELETE CASCADE,
    target_id        bigint      NOT NULL REFERENCES target (id) ON DELETE CASCADE,
    status           text        NOT NULL,
    previous_version integer,
    error            text,
    staged_at        timestamptz,
    activated_at     timestamptz,
    PRIMARY KEY (deployment_id, target_id),
    CONSTRAINT deployment_target_status_known CHECK (status IN
        ('PENDING', 'STAGED', 'ACTIVE', 'FAILED', 'REVERTED'))
);

CREATE TABLE service_target (
    service_id      bigint      NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    target_id       bigint      NOT NULL REFERENCES target (id) ON DELETE CASCADE,
    desired_version integer,
    active_version  integer,
    previous_version integer,
    deployed_at     timestamptz,
    deployed_by     text,
    PRIMARY KEY (service_id, target_id)
);
COMMENT ON TABLE service_target IS
    'What runs where: per service and target the desired and the active version. The gallery reads it; deployments write it; the reconciler repairs nodes that drift from desired_version.';
