-- The HTTP service's credentials (org.mpp.api). MySQL dialect; also runs on H2 in MySQL mode.

-- API keys for machines: `mpp keys create NAME` prints a random key once; only its SHA-256 is kept (a key has 256 bits
-- of entropy, so a fast hash is enough: nobody can guess one from its hash). A revoked key keeps its row (and its name).
CREATE TABLE `apiKey` (
  `apiKeyID`        BIGINT       NOT NULL AUTO_INCREMENT,
  `name`            VARCHAR(64)  NOT NULL,
  `keyHash`         BINARY(32)   NOT NULL,
  `created`         DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `revoked`         DATETIME(6)  NULL,
  PRIMARY KEY (`apiKeyID`),
  UNIQUE KEY uq_api_key_name (`name`),
  UNIQUE KEY uq_api_key_hash (`keyHash`)
);

-- Login sessions of people (the seed's `interface` logins), valid on every node that serves the API. The cookie holds
-- a random token; the row holds its SHA-256, the login's name, the CSRF token that goes with it and when it expires
-- (on the database's UTC clock).
CREATE TABLE `apiSession` (
  `sessionHash`     BINARY(32)   NOT NULL,
  `username`        VARCHAR(64)  NOT NULL,
  `csrfToken`       VARCHAR(64)  NOT NULL,
  `created`         DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `expiresAt`       DATETIME(6)  NOT NULL,
  PRIMARY KEY (`sessionHash`)
);
CREATE INDEX ix_api_session_expiry ON `apiSession` (`expiresAt`);
