-- After a rebind, the service's targets keep running versions of the model it was bound to before until
-- the next deployment. That model is recorded so that the signature guard compares the first deployment
-- of the new model with what really runs (version numbers alone name versions of the old model).
ALTER TABLE service ADD COLUMN rebound_from_model_id bigint REFERENCES registered_model (id) ON DELETE SET NULL;
