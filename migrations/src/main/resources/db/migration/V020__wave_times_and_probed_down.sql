-- Fleets (issue 16), the rest: when each wave of a deployment's plan started and finished, and when
-- the probes last looked at a target, so that a deployment with offline: converge can trust a
-- recent DOWN mark and leave that target PENDING without calling it.

CREATE TABLE deployment_wave (
    deployment_id bigint      NOT NULL REFERENCES deployment (id) ON DELETE CASCADE,
    wave          integer     NOT NULL,
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz,
    PRIMARY KEY (deployment_id, wave)
);
COMMENT ON TABLE deployment_wave IS
    'One wave (0-based) of a deployment with a plan, written by the deployer under its claim: when the wave began staging, and when its targets were done (switched, failed or left PENDING) or, for the wave that aborted the deployment, when the switched targets had gone back. The bake after a wave runs from its finished_at to the next wave''s started_at.';

ALTER TABLE target ADD COLUMN health_checked_at timestamptz;
COMMENT ON COLUMN target.health_checked_at IS
    'When a probe round last recorded this target''s health, whatever it found (last_seen_at is the last time it answered). A DOWN mark younger than two reconcile intervals counts as offline for a deployment with offline: converge.';
