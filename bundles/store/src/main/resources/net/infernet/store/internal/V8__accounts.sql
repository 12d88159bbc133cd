-- Accounts and sign-in (docs/protocol.md, "Accounts"): an account signs in by email + password (an Argon2id PHC
-- string), by a Nostr key, or both. It owns API keys (api_tokens.account_id), its escrow (jobs.client_pubkey = the
-- account id) and the nodes its Nostr key operates. Sessions are stored by the SHA-256 of the cookie's value so
-- every control-plane instance knows them.
CREATE TABLE accounts (
  id VARCHAR(40) PRIMARY KEY,
  email VARCHAR(254) UNIQUE,
  password_hash VARCHAR(200),
  nostr_pubkey VARCHAR(64) UNIQUE,
  role VARCHAR(16) NOT NULL,
  slack_url VARCHAR(2000),
  discord_url VARCHAR(2000),
  created_at BIGINT NOT NULL
);
CREATE TABLE sessions (
  id_hash VARCHAR(64) PRIMARY KEY,
  account_id VARCHAR(40) NOT NULL,
  csrf VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);
ALTER TABLE api_tokens ADD COLUMN account_id VARCHAR(40);
CREATE INDEX jobs_client_created ON jobs (client_pubkey, created_at)
