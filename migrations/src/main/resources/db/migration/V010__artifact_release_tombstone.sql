-- A reclaimed key keeps its artifact_release row as a tombstone (deleted_at set once its object is
-- gone): an identical upload that saw the object before the delete, skipped its PUT and records its
-- version only now must be refused, not pointed at a missing object. The sweep purges tombstones
-- after a day.
ALTER TABLE artifact_release ADD COLUMN deleted_at timestamptz;
COMMENT ON COLUMN artifact_release.deleted_at IS
    'When the sweep deleted the object; the row stays as a tombstone (a version recorded for the key is refused unless the object exists again) and is purged after a day.';
