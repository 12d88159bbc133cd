-- When the node holding a job's current attempt opened its upload: a claim whose upload never starts (the claim
-- answer was lost, or the node could not reach the control plane) is given to another node.
ALTER TABLE jobs ADD COLUMN upload_started_at BIGINT
