-- Events through a transactional outbox, webhooks and their deliveries, and services that follow an alias.
--
-- Every event row is derived in the database, inside the transaction of the change it reports: from
-- the audit row that change writes anyway (the registry's JPA code and the deployment module's plain
-- JDBC alike) and from a target's health column (the deployer's probe). No writer can forget to
-- publish, and no event exists for a change that rolled back.
--
-- The triggers are deferred constraint triggers: they run at commit, after every other statement of
-- the transaction, and take one transaction-scoped advisory lock before inserting. Event ids are
-- therefore handed out in commit order, and a reader that has seen id N never later sees a smaller
-- id appear (the lock is released only once the commit is visible). The lock is held from the
-- trigger to the end of the commit, and nothing after it waits for a row lock, so it cannot deadlock.

CREATE TABLE event (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at  timestamptz NOT NULL,
    type         text        NOT NULL,
    subject_kind text        NOT NULL,
    subject      text        NOT NULL,
    actor        text,
    data         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    CONSTRAINT event_subject_kind_known CHECK (subject_kind IN ('model', 'service', 'target'))
);
CREATE INDEX event_type_id ON event (type, id);
COMMENT ON TABLE event IS
    'The outbox: one row per published change, ids in commit order; read by GET /api/v1/events?after= and fanned out to webhooks.';

CREATE TABLE webhook (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url         text        NOT NULL,
    event_types text[]      NOT NULL,
    secret      text        NOT NULL,
    description text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    created_by  text        NOT NULL
);
COMMENT ON COLUMN webhook.event_types IS 'Event types delivered; empty: every type.';
COMMENT ON COLUMN webhook.secret IS 'HMAC-SHA256 key of the Rtml-Signature header; shown once, when the webhook is created.';

CREATE TABLE webhook_delivery (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id      bigint      NOT NULL REFERENCES webhook (id) ON DELETE CASCADE,
    event_id        bigint      NOT NULL REFERENCES event (id) ON DELETE CASCADE,
    status          text        NOT NULL DEFAULT 'PENDING',
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_attempt_at timestamptz,
    last_status     integer,
    last_error      text,
    delivered_at    timestamptz,
    CONSTRAINT webhook_delivery_status_known CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
    CONSTRAINT webhook_delivery_once UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at, id) WHERE status = 'PENDING';
COMMENT ON COLUMN webhook_delivery.next_attempt_at IS
    'When a worker may take it: the retry time, or while an attempt runs the end of that attempt''s lease.';

-- One event and its deliveries, in commit order (see the top of this file).
CREATE FUNCTION publish_event(p_type text, p_kind text, p_subject text, p_actor text, p_at timestamptz, p_data jsonb)
    RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    new_id bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(8247001500418);
    INSERT INTO event (occurred_at, type, subject_kind, subject, actor, data)
    VALUES (p_at, p_type, p_kind, p_subject, p_actor, p_data)
    RETURNING id INTO new_id;
    INSERT INTO webhook_delivery (webhook_id, event_id, next_attempt_at)
    SELECT w.id, new_id, clock_timestamp() FROM webhook w
    WHERE cardinality(w.event_types) = 0 OR p_type = ANY (w.event_types);
END $$;

-- The audit actions that are events, and their event types.
CREATE FUNCTION audit_event_published() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    event_type text;
    kind       text;
    subject    text;
    data       jsonb := NEW.details;
BEGIN
    event_type := CASE
        WHEN NEW.action = 'version.create' THEN 'version.created'
        WHEN NEW.action = 'alias.set' THEN 'alias.moved'
        WHEN NEW.action IN ('deployment.request', 'rollback.request', 'undeploy.request', 'service.delete.request')
            THEN 'deployment.started'
        WHEN NEW.action IN ('deployment.succeeded', 'deployment.failed', 'deployment.rolled_back',
                            'deployment.shadowed', 'deployment.refused') THEN NEW.action
    END;
    IF event_type IS NULL THEN
        RETURN NULL;
    END IF;
    IF NEW.entity_type = 'model_version' THEN
        kind := 'model';
        subject := split_part(NEW.entity_name, '/', 1);
        data := data || jsonb_build_object('model', subject, 'version', split_part(NEW.entity_name, '/', 2)::integer);
    ELSIF NEW.entity_type = 'model' THEN
        kind := 'model';
        subject := NEW.entity_name;
        data := data || jsonb_build_object('model', subject);
    ELSE
        kind := 'service';
        subject := NEW.entity_name;
        data := data || jsonb_build_object('service', subject);
    END IF;
    IF event_type = 'deployment.started' THEN
        data := data || jsonb_build_object('kind', CASE NEW.action
            WHEN 'rollback.request' THEN 'ROLLBACK' WHEN 'deployment.request' THEN 'DEPLOY' ELSE 'UNDEPLOY' END);
    END IF;
    PERFORM publish_event(event_type, kind, subject, NEW.actor, NEW.occurred_at, data);
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER audit_event_publish AFTER INSERT ON audit_event
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_event_published();

-- A target's health moved (the deployer's probe writes the column; most probes change nothing).
CREATE FUNCTION target_health_published() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM publish_event('target.health_changed', 'target', NEW.name, NULL, clock_timestamp(),
                          jsonb_build_object('target', NEW.name, 'from', OLD.health, 'to', NEW.health));
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER target_health_publish AFTER UPDATE OF health ON target
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.health IS DISTINCT FROM NEW.health)
    EXECUTE FUNCTION target_health_published();

-- A service may follow an alias of its model: when the alias moves, the new version is deployed.
ALTER TABLE service ADD COLUMN follow_alias text;
ALTER TABLE service ADD CONSTRAINT service_follow_alias_format CHECK (follow_alias ~ '^[a-z][a-z0-9_-]{0,62}$');
CREATE INDEX service_follow ON service (model_id, follow_alias) WHERE follow_alias IS NOT NULL;
