-- Progressive delivery (issue 15): a deployment may carry a rollout strategy. After staging it stays
-- ROLLING_OUT (in flight: the one-in-flight rule holds for the whole rollout) while the nodes route a
-- share of the traffic to the candidate; the deployer releases its claim between steps and takes the
-- deployment again when not_before has passed, so a restarted deployer resumes the rollout. A shadow
-- rollout never switches: it ends SHADOWED with the candidate's agreement and latency recorded.

ALTER TABLE deployment DROP CONSTRAINT deployment_status_known;
ALTER TABLE deployment ADD CONSTRAINT deployment_status_known CHECK (status IN
    ('PENDING', 'STAGING', 'ROLLING_OUT', 'ACTIVATING', 'SUCCEEDED', 'FAILED', 'ROLLED_BACK', 'SHADOWED',
     'SUPERSEDED'));

DROP INDEX deployment_one_in_flight;
CREATE UNIQUE INDEX deployment_one_in_flight ON deployment (service_id)
    WHERE status IN ('PENDING', 'STAGING', 'ROLLING_OUT', 'ACTIVATING');
DROP INDEX deployment_claimable;
CREATE INDEX deployment_claimable ON deployment (id)
    WHERE status IN ('PENDING', 'STAGING', 'ROLLING_OUT', 'ACTIVATING');

ALTER TABLE deployment ADD COLUMN rollout jsonb;
ALTER TABLE deployment ADD COLUMN rollout_state jsonb;
ALTER TABLE deployment ADD COLUMN not_before timestamptz;
ALTER TABLE deployment ADD COLUMN requested_decision text;
ALTER TABLE deployment ADD CONSTRAINT deployment_requested_decision_known
    CHECK (requested_decision IN ('PROMOTE', 'ABORT'));
COMMENT ON COLUMN deployment.rollout IS
    'The validated rollout strategy and guardrails ({"type":"canary","steps":[5,25,100],"bakeSeconds":60,"guardrails":{...}}); null: all targets switch at once.';
COMMENT ON COLUMN deployment.rollout_state IS
    'The deployer''s progress through the rollout: current step, when it started, the telemetry snapshots it started from, the last measurements per version and every decision with its measurements.';
COMMENT ON COLUMN deployment.not_before IS
    'No deployer claims the deployment before this time: a rollout step is baking. A promote or abort by hand sets it to now.';
COMMENT ON COLUMN deployment.requested_decision IS
    'A decision asked for by hand (POST .../promote or .../abort), taken by the deployer at its next claim.';
