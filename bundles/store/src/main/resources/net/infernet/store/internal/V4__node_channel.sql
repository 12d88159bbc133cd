-- Jobs reach nodes over one authenticated channel per node (docs/protocol.md): no per-job stream token, and a claim
-- can no longer be lost on the way (the offer travels on the channel, whose loss re-queues the job).
ALTER TABLE jobs DROP COLUMN stream_token_hash;
ALTER TABLE jobs DROP COLUMN upload_started_at
