-- Uploads go to their content key directly now (an S3 multipart upload completed after the checks, or
-- the spool file sent after them): no version refers to a staging key any more, and nothing moves one.
--
-- A version that still refers to a staging key (staging/<uuid>) was recorded by an older registry
-- that stopped before moving it; that registry moves such versions on its next start, within seconds.
-- This migration does not copy them itself (it cannot reach S3) and the registry keeps no mover for
-- a state only older releases produce: it refuses, and says what to do.
DO $$
DECLARE
    staged bigint;
BEGIN
    SELECT count(*) INTO staged FROM model_version WHERE artifact_key LIKE 'staging/%';
    IF staged > 0 THEN
        RAISE EXCEPTION 'V013: some model versions still refer to a staging key (%: model_version.artifact_key LIKE ''staging/%%''). '
            'Start the previous rtml release once and wait until they have moved to their content keys '
            '(SELECT count(*) FROM model_version WHERE artifact_key LIKE ''staging/%%'' returns 0), '
            'stop every registry of that release, then upgrade again.', staged;
    END IF;
END $$;

DROP TABLE staging_release;
DROP INDEX model_version_staged_artifact_idx;
COMMENT ON COLUMN model_version.artifact_key IS
    'Object-store key, derived from sha256 (content addressed; several versions may share one object).';
