-- Live figures per target and version (issue 15): the deployer polls every target's cumulative telemetry,
-- subtracts the previous snapshot and stores the window; the gallery sums the windows of the last minutes.
-- Only a bounded recent history is kept (the deployer prunes windows older than its retention).

CREATE TABLE telemetry_snapshot (
    target_id bigint      NOT NULL PRIMARY KEY REFERENCES target (id) ON DELETE CASCADE,
    taken_at  timestamptz NOT NULL,
    snapshot  jsonb       NOT NULL
);
COMMENT ON TABLE telemetry_snapshot IS
    'The last cumulative telemetry read from each target (GET /admin/v1/telemetry): the next window is the difference from it, whichever deployer replica reads next.';

CREATE TABLE telemetry_window (
    service_id     bigint           NOT NULL REFERENCES service (id) ON DELETE CASCADE,
    target_id      bigint           NOT NULL REFERENCES target (id) ON DELETE CASCADE,
    version        integer          NOT NULL,
    role           text             NOT NULL,
    window_start   timestamptz      NOT NULL,
    window_end     timestamptz      NOT NULL,
    requests       bigint           NOT NULL,
    client_errors  bigint           NOT NULL,
    server_errors  bigint           NOT NULL,
    latency_bounds double precision[] NOT NULL,
    latency_counts bigint[]         NOT NULL,
    latency_total  bigint           NOT NULL,
    PRIMARY KEY (service_id, window_end, target_id, version),
    CONSTRAINT telemetry_window_ordered CHECK (window_end > window_start)
);
COMMENT ON TABLE telemetry_window IS
    'One version''s requests on one target between two telemetry snapshots: outcomes and the latency histogram (seconds; latency_counts[i] requests at most latency_bounds[i], latency_total in all, Prometheus style), summed by the gallery over the last minutes.';
CREATE INDEX telemetry_window_end ON telemetry_window (window_end);

-- A rollout that ends ROLLED_BACK (its guardrail, or an abort by hand) is followed in the history by a
-- ROLLBACK deployment that records why and which deployment it reverted.
ALTER TABLE deployment ADD COLUMN reason text;
ALTER TABLE deployment ADD COLUMN reverts_deployment_id bigint REFERENCES deployment (id) ON DELETE SET NULL;
ALTER TABLE deployment ADD COLUMN decision_requested_by text;
COMMENT ON COLUMN deployment.reason IS
    'Why a deployment the deployer recorded by itself happened (an automatic rollback: the guardrail crossed, or the abort by hand).';
COMMENT ON COLUMN deployment.reverts_deployment_id IS 'The rollout a ROLLBACK recorded by the deployer reverted.';
COMMENT ON COLUMN deployment.decision_requested_by IS 'Who asked for requested_decision (POST .../promote or .../abort).';
