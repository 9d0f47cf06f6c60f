-- Issue 13, items 1 and 2: every target gets a node credential of its own, and scopes name the kind
-- of thing they cover.
--
-- The credential is HMAC-SHA256(node-credential key, target name + salt); the key lives only in the
-- configuration of the registry and the deployers, so the database keeps the salt and a SHA-256 of
-- the credential, never the credential. Targets registered before this migration have neither and
-- keep the deployer's node tokens until an admin rotates their credential.
ALTER TABLE target
    ADD COLUMN node_credential_salt text,
    ADD COLUMN node_credential_hash text,
    ADD CONSTRAINT target_node_credential_hash_unique UNIQUE (node_credential_hash),
    ADD CONSTRAINT target_node_credential_hash_format CHECK (node_credential_hash ~ '^[0-9a-f]{64}$'),
    ADD CONSTRAINT target_node_credential_complete
        CHECK ((node_credential_salt IS NULL) = (node_credential_hash IS NULL));
COMMENT ON COLUMN target.node_credential_salt IS
    'Random per-target input of the node credential derivation; the credential itself is never stored.';
COMMENT ON COLUMN target.node_credential_hash IS 'SHA-256 (hex) of the target''s node credential.';

-- Scopes without a kind keep covering models and services. The node tokens of that time (a token
-- with only the deployer role, every scope of which names a target) become target scopes, so they
-- keep reading their target's desired state and no longer cover a service of the same name. Any
-- other token keeps its scopes as they were: a publisher scoped to `fraud` stays one, even when a
-- target is called `fraud` too.
UPDATE api_token t
SET scopes = (SELECT jsonb_agg(to_jsonb('target:' || e.scope) ORDER BY e.ord)
              FROM jsonb_array_elements_text(t.scopes) WITH ORDINALITY AS e(scope, ord))
WHERE jsonb_array_length(t.scopes) > 0
  AND t.roles = '["deployer"]'::jsonb
  AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(t.scopes) AS s(scope)
                  WHERE NOT EXISTS (SELECT 1 FROM target g WHERE g.name = s.scope));
