-- Admin tokens (docs/operations.md, "Administration API"): a bearer token that may also call /api/v1/admin/*.
ALTER TABLE api_tokens ADD COLUMN admin BOOLEAN DEFAULT FALSE NOT NULL
