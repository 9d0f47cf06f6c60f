-- Uploads whose SHA-256 was not declared are PUT to S3 while they arrive, under a staging key, and
-- moved to their content key in the background; until then their versions refer to the staging key.
COMMENT ON COLUMN model_version.artifact_key IS
    'Object-store key: derived from sha256 (content addressed; several versions may share one object), or for a short while after an upload a staging key (staging/<uuid>) that the registry moves to the content key.';
CREATE INDEX model_version_staged_artifact_idx ON model_version (artifact_key) WHERE artifact_key LIKE 'staging/%';

CREATE TABLE staging_release (
    staging_key text        PRIMARY KEY CHECK (staging_key LIKE 'staging/%'),
    released_at timestamptz NOT NULL
);
COMMENT ON TABLE staging_release IS
    'Staging objects whose versions moved to the content key, and when: each is deleted from the object store once rtml.registry.upload.staging-retention has passed since, as URLs handed out before the move may still read it.';
