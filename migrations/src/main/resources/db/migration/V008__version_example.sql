-- An example request per model version (OIP inputs the model is known to accept), handed to
-- scoring nodes with the stage request and the desired state: their warm-up and batching probe feed
-- it instead of zeros, which some valid models refuse.
ALTER TABLE model_version ADD COLUMN example jsonb;
COMMENT ON COLUMN model_version.example IS
    'Example request {"inputs": [{name, datatype, shape, data}]} checked against the signature (at most 64 KiB); from the rtml.example metadata prop or PUT .../example; null = none.';

-- What a node reported about the warm-up of the version it staged: null when it succeeded.
ALTER TABLE deployment_target ADD COLUMN warmup_error text;
COMMENT ON COLUMN deployment_target.warmup_error IS
    'Why the node''s warm-up of the staged version failed (the version is served, unbatched); null when it succeeded or was not reported.';
