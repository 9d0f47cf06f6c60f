-- What each node really holds per service, as the deployer's last probe of /admin/v1/state saw it:
-- the gallery's standby versions come from here, not from previous_version (a node keeps more than one).
ALTER TABLE service_target ADD COLUMN held_versions jsonb;
ALTER TABLE service_target ADD COLUMN held_seen_at timestamptz;
ALTER TABLE service_target ADD CONSTRAINT service_target_held_versions_array
    CHECK (held_versions IS NULL OR jsonb_typeof(held_versions) = 'array');
COMMENT ON COLUMN service_target.held_versions IS
    'Versions of the service loaded on the target (active and standby) at held_seen_at, from the deployer''s probe; null until first probed.';
