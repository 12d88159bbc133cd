-- Sign-ins by an outside identity (OpenID Connect): "<issuer> <subject>" names one account.
CREATE TABLE account_logins (
  login VARCHAR(700) PRIMARY KEY,
  account_id VARCHAR(40) NOT NULL,
  created_at BIGINT NOT NULL
)
