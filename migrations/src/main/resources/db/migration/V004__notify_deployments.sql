-- Wakes waiting deployers the moment a deployment is recorded (they LISTEN on rtml_deployments and
-- also poll, so a lost notification only costs latency). NOTIFY is delivered at commit.
CREATE FUNCTION notify_deployment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('rtml_deployments', NEW.id::text);
    RETURN NULL;
END $$;

CREATE TRIGGER deployment_notify AFTER INSERT ON deployment
    FOR EACH ROW EXECUTE FUNCTION notify_deployment();
