-- Fleets (issue 16): deployments in waves with an abort threshold, an offline policy under which an
-- unreachable target is left PENDING and converges later, deployments by label selector, and
-- services that follow a selector (a target that starts matching gets the service's version).

ALTER TABLE deployment ADD COLUMN plan jsonb;
ALTER TABLE deployment ADD COLUMN cause text;
COMMENT ON COLUMN deployment.plan IS
    'The validated wave plan ({"waves":[{"selector":"kind=hub"},{"percent":100}],"bakeSeconds":60,"maxFailedPercent":10,"offline":"converge"}); null: every target at once, all or nothing.';
COMMENT ON COLUMN deployment.cause IS
    'Why the deployment exists when no one asked for it: a target that started matching the service''s selector; null for a request.';

ALTER TABLE deployment_target ADD COLUMN wave integer NOT NULL DEFAULT 0;
ALTER TABLE deployment_target ADD COLUMN converged_at timestamptz;
COMMENT ON COLUMN deployment_target.wave IS 'The wave (0-based) of the deployment''s plan that the target belongs to.';
COMMENT ON COLUMN deployment_target.converged_at IS
    'A target left PENDING because it could not be reached (offline policy converge): when reconciliation brought it to the version.';

ALTER TABLE service ADD COLUMN selector text;
COMMENT ON COLUMN service.selector IS
    'Label selector of the targets the service follows: a target that starts matching is brought to the service''s active version (a deployment with a cause); also the default targets of its deployments.';
