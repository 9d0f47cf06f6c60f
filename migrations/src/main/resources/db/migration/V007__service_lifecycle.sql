-- A way out of every state: undeploying a service (from some targets, or from all of them before
-- the service is deleted) is a deployment of kind UNDEPLOY; artifacts of deleted versions are
-- reclaimed from the object store after a grace period.

ALTER TABLE deployment DROP CONSTRAINT deployment_kind_known;
ALTER TABLE deployment ADD CONSTRAINT deployment_kind_known CHECK (kind IN ('DEPLOY', 'ROLLBACK', 'UNDEPLOY'));
ALTER TABLE deployment ADD COLUMN deletes_service boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN deployment.deletes_service IS
    'An UNDEPLOY from every target requested by DELETE /services/{name}: when it succeeds the deployer deletes the service row (and with it this history; the audit log keeps it).';

ALTER TABLE deployment_target DROP CONSTRAINT deployment_target_status_known;
ALTER TABLE deployment_target ADD CONSTRAINT deployment_target_status_known CHECK (status IN
    ('PENDING', 'STAGED', 'ACTIVE', 'FAILED', 'REVERTED', 'REMOVED'));

CREATE TABLE artifact_release (
    artifact_key text        PRIMARY KEY,
    released_at  timestamptz NOT NULL,
    reclaimed_at timestamptz
);
COMMENT ON TABLE artifact_release IS
    'Content-addressed objects whose last version was deleted, and when. The registry deletes each from the object store once rtml.registry.artifacts.reclaim-grace has passed, if no version refers to the key by then; reclaimed_at is set (committed) before the object is deleted, so a version recorded for the key meanwhile is refused and re-uploaded.';
