-- MPP schema, version 1: the seed's tables and column names (the seed's HTML interface and operators' SQL keep
-- working), plus the columns claims, leases, fencing, priority, pause and progress need. MySQL dialect; also runs
-- on H2 in MySQL mode (the embedded default). Later versions add migrations; never edit this file.
-- Identifiers are quoted so that their case survives everywhere (MySQL table names are case-sensitive on Linux).

CREATE TABLE `job` (
  `jobID`           BIGINT       NOT NULL AUTO_INCREMENT,
  `jobUUID`         BINARY(16)   NULL,
  `sourceName`      VARCHAR(1024) NOT NULL,
  `dateAdded`       DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `dateCompleted`   DATETIME(6)  NULL,
  `status`          INT          NOT NULL DEFAULT 0,
  `completed`       TINYINT(1)   NOT NULL DEFAULT 0,
  `failed`          TINYINT(1)   NOT NULL DEFAULT 0,
  `mediaInfo`       LONGTEXT     NULL,
  `priority`        INT          NOT NULL DEFAULT 0,
  `paused`          TINYINT(1)   NOT NULL DEFAULT 0,
  `progress`        DOUBLE       NOT NULL DEFAULT 0,
  `failureReason`   TEXT         NULL,
  `segments`        INT          NULL,
  `deliveredFiles`  TEXT         NULL,
  `lastUpdate`      DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (`jobID`),
  UNIQUE KEY uq_job_uuid (`jobUUID`)
);
CREATE INDEX ix_job_status ON `job` (`status`, `jobID`);

-- The three task tables share one shape: a task is ready (0), running (1), completed (2) or error (13).
-- attempt counts claims and is the fencing token; leaseUntil is on the database's clock.
CREATE TABLE `ingestJob` (
  `ingestJobID`     BIGINT       NOT NULL AUTO_INCREMENT,
  `fk_jobUUID`      BINARY(16)   NOT NULL,
  `fk_nodeUUID`     BINARY(16)   NULL,
  `status`          INT          NOT NULL DEFAULT 0,
  `failures`        INT          NOT NULL DEFAULT 0,
  `attempt`         INT          NOT NULL DEFAULT 0,
  `priority`        INT          NOT NULL DEFAULT 0,
  `paused`          TINYINT(1)   NOT NULL DEFAULT 0,
  `availableAt`     DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `leaseUntil`      DATETIME(6)  NULL,
  `progress`        DOUBLE       NOT NULL DEFAULT 0,
  `lastError`       TEXT         NULL,
  PRIMARY KEY (`ingestJobID`),
  UNIQUE KEY uq_ingest_job (`fk_jobUUID`)
);
CREATE INDEX ix_ingest_claim ON `ingestJob` (`status`, `paused`, `priority`, `ingestJobID`);

CREATE TABLE `transcodeJob` (
  `transcodeJobID`  BIGINT       NOT NULL AUTO_INCREMENT,
  `fk_jobUUID`      BINARY(16)   NOT NULL,
  `fk_nodeUUID`     BINARY(16)   NULL,
  `status`          INT          NOT NULL DEFAULT 0,
  `failures`        INT          NOT NULL DEFAULT 0,
  `attempt`         INT          NOT NULL DEFAULT 0,
  `priority`        INT          NOT NULL DEFAULT 0,
  `paused`          TINYINT(1)   NOT NULL DEFAULT 0,
  `availableAt`     DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `leaseUntil`      DATETIME(6)  NULL,
  `progress`        DOUBLE       NOT NULL DEFAULT 0,
  `lastError`       TEXT         NULL,
  `segmentPart`     INT          NOT NULL,
  `segmentInfo`     TEXT         NULL,
  PRIMARY KEY (`transcodeJobID`),
  UNIQUE KEY uq_transcode_segment (`fk_jobUUID`, `segmentPart`)
);
CREATE INDEX ix_transcode_claim ON `transcodeJob` (`status`, `paused`, `priority`, `transcodeJobID`);

CREATE TABLE `exportJob` (
  `exportJobID`     BIGINT       NOT NULL AUTO_INCREMENT,
  `fk_jobUUID`      BINARY(16)   NOT NULL,
  `fk_nodeUUID`     BINARY(16)   NULL,
  `status`          INT          NOT NULL DEFAULT 0,
  `failures`        INT          NOT NULL DEFAULT 0,
  `attempt`         INT          NOT NULL DEFAULT 0,
  `priority`        INT          NOT NULL DEFAULT 0,
  `paused`          TINYINT(1)   NOT NULL DEFAULT 0,
  `availableAt`     DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `leaseUntil`      DATETIME(6)  NULL,
  `progress`        DOUBLE       NOT NULL DEFAULT 0,
  `lastError`       TEXT         NULL,
  PRIMARY KEY (`exportJobID`),
  UNIQUE KEY uq_export_job (`fk_jobUUID`)
);
CREATE INDEX ix_export_claim ON `exportJob` (`status`, `paused`, `priority`, `exportJobID`);

-- Deleting a node row never deletes its tasks: there is deliberately no foreign key to node.
CREATE TABLE `node` (
  `nodeID`          BIGINT       NOT NULL AUTO_INCREMENT,
  `nodeUUID`        BINARY(16)   NOT NULL,
  `lastAccess`      DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  `type`            VARCHAR(64)  NULL,
  `fk_jobUUID`      BINARY(16)   NULL,
  `isActive`        TINYINT(1)   NOT NULL DEFAULT 1,
  `terminate`       TINYINT(1)   NOT NULL DEFAULT 0,
  `authorise`       TINYINT(1)   NOT NULL DEFAULT 1,
  `hostname`        VARCHAR(255) NULL,
  `roles`           VARCHAR(255) NULL,
  `version`         VARCHAR(64)  NULL,
  `startedAt`       DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (`nodeID`),
  UNIQUE KEY uq_node_uuid (`nodeUUID`)
);

CREATE TABLE `output` (
  `outputID`        BIGINT       NOT NULL AUTO_INCREMENT,
  `active`          TINYINT(1)   NOT NULL DEFAULT 1,
  `maxY`            INT          NOT NULL,
  `maxX`            INT          NOT NULL,
  `CRF`             INT          NOT NULL DEFAULT 23,
  `preset`          VARCHAR(32)  NOT NULL DEFAULT 'superfast',
  `profile`         VARCHAR(32)  NOT NULL DEFAULT 'main',
  `maxFramerate`    INT          NOT NULL DEFAULT 60,
  `audioBitrate`    INT          NOT NULL DEFAULT 128,
  PRIMARY KEY (`outputID`)
);

CREATE TABLE `policy` (
  `policyID`        BIGINT       NOT NULL AUTO_INCREMENT,
  `policy`          VARCHAR(64)  NOT NULL,
  `value`           VARCHAR(255) NOT NULL,
  `value_type`      VARCHAR(16)  NOT NULL,
  PRIMARY KEY (`policyID`),
  UNIQUE KEY uq_policy_name (`policy`)
);

CREATE TABLE `interface` (
  `userID`          BIGINT       NOT NULL AUTO_INCREMENT,
  `username`        VARCHAR(64)  NOT NULL,
  `password`        VARCHAR(255) NOT NULL,
  PRIMARY KEY (`userID`),
  UNIQUE KEY uq_interface_user (`username`)
);

-- The seed's default policies. nodeTimeout is in seconds.
INSERT INTO `policy` (`policy`, `value`, `value_type`) VALUES
  ('ingestEnabled', '1', 'bool'),
  ('transcodeEnabled', '1', 'bool'),
  ('exportEnabled', '1', 'bool'),
  ('terminateAll', '0', 'bool'),
  ('nodeTimeout', '30', 'int'),
  ('verifyDuringIngest', '1', 'bool'),
  ('failureTolerance', '3', 'int');

-- The seed's two outputs.
INSERT INTO `output` (`active`, `maxY`, `maxX`, `CRF`, `preset`, `profile`, `maxFramerate`, `audioBitrate`) VALUES
  (1, 1080, 1920, 23, 'superfast', 'main', 60, 128),
  (1, 720, 1280, 23, 'superfast', 'main', 60, 128);
