-- The nonces of accepted signed requests (X-Infernet-Auth), shared by every control-plane instance: a request is
-- accepted once cluster-wide. Kept for the retention window, then purged.
CREATE TABLE nonces (
  nonce VARCHAR(64) PRIMARY KEY,
  until_at BIGINT NOT NULL
);
CREATE INDEX nonces_until ON nonces (until_at)
