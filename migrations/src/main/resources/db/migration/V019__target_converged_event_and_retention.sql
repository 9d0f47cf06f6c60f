-- A target that a converging deployment left PENDING and reconciliation later brought to its version
-- publishes target.converged. The deployer records it only in deployment_target.converged_at (no audit
-- row), so, as for a target's health, a trigger on that column derives the event in the same
-- transaction; each row converges once (converged_at is set once, from NULL).

CREATE FUNCTION target_converged_published() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    service_name text;
    target_name  text;
    version      integer;
BEGIN
    SELECT s.name, d.version INTO service_name, version
    FROM deployment d JOIN service s ON s.id = d.service_id WHERE d.id = NEW.deployment_id;
    SELECT t.name INTO target_name FROM target t WHERE t.id = NEW.target_id;
    IF service_name IS NULL OR target_name IS NULL THEN
        RETURN NULL; -- deleted in the same transaction: nothing left to report about
    END IF;
    PERFORM publish_event('target.converged', 'service', service_name, NULL, clock_timestamp(),
                          jsonb_build_object('service', service_name, 'target', target_name, 'version', version,
                                             'deploymentId', NEW.deployment_id));
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER deployment_target_converged_publish AFTER UPDATE OF converged_at ON deployment_target
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.converged_at IS NULL AND NEW.converged_at IS NOT NULL)
    EXECUTE FUNCTION target_converged_published();

-- Retention (EventRetention): old events are deleted by their time once their deliveries are finished,
-- and a delivery is found by its event (also what ON DELETE CASCADE from event looks up).
CREATE INDEX event_occurred_at ON event (occurred_at);
CREATE INDEX webhook_delivery_event ON webhook_delivery (event_id);
