-- Bearer tokens for the REST API. Only a SHA-256 of each secret is kept: tokens are long random
-- strings, so a fast hash is enough and lets a request find its token by an index lookup.

CREATE TABLE api_token (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text        NOT NULL,
    secret_hash  text        NOT NULL,
    prefix       text        NOT NULL,
    roles        jsonb       NOT NULL,
    scopes       jsonb       NOT NULL DEFAULT '[]'::jsonb,
    created_at   timestamptz NOT NULL,
    created_by   text        NOT NULL,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz,
    CONSTRAINT api_token_secret_hash_unique UNIQUE (secret_hash),
    CONSTRAINT api_token_secret_hash_format CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
    CONSTRAINT api_token_roles_array CHECK (jsonb_typeof(roles) = 'array' AND jsonb_array_length(roles) > 0),
    CONSTRAINT api_token_scopes_array CHECK (jsonb_typeof(scopes) = 'array')
);
COMMENT ON TABLE api_token IS
    'API bearer tokens: roles (viewer, publisher, deployer, admin) optionally limited to name scopes. The secret itself is never stored.';
COMMENT ON COLUMN api_token.prefix IS 'First characters of the secret, shown to tell tokens apart.';
