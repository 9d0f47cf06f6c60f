-- A service's default rollout (issue 17, item 5): how a deployment that does not say how to roll out
-- reaches the targets. It is the rollout part of a deployment request, with the request's names
-- ({"strategy": {...}, "guardrails": {...}} or {"waves": [...], "bakeSeconds": ..., "maxFailedPercent": ...,
-- "offline": ...}), validated by the registry when it is set and again when a deployment uses it.
-- Used by the deployments an alias move starts and by requests that give none of those fields;
-- rollbacks and the selector follower's deployments to newly matching targets never use it.
ALTER TABLE service ADD COLUMN default_rollout jsonb;
COMMENT ON COLUMN service.default_rollout IS
    'The rollout a deployment of the service takes when its request names none (alias follows too); the deploy request''s strategy, guardrails, waves, bakeSeconds, maxFailedPercent and offline fields. Null: every target at once.';
