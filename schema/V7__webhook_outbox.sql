-- Webhooks from a transactional outbox (issue 14), the per-job callback URL, and the watch folder's exactly-once record.

-- A job's callback URL (http or https), set at submit; NULL = none. The seed's interface names its columns in every
-- statement it runs on job (shared/SEED-INTERFACE.md), so a new nullable column leaves it working.
ALTER TABLE `job` ADD COLUMN `callbackUrl` VARCHAR(2048) NULL;

-- One row per job event (job.started, job.completed, job.failed), inserted in the same transaction as the job's status
-- change. eventSeq orders events: a job's changes hold its row lock, so its events are numbered in commit order.
-- callbackUrl is the job's at the time of the event (the job may be deleted before it is sent); payload is the job as
-- JSON then. fannedOut = 1 once a node has created the event's deliveries (one per destination). No foreign key to job:
-- an event outlives a deleted job.
CREATE TABLE `webhookEvent` (
  `eventSeq`        BIGINT        NOT NULL AUTO_INCREMENT,
  `eventID`         CHAR(36)      NOT NULL,
  `fk_jobUUID`      BINARY(16)    NOT NULL,
  `jobID`           BIGINT        NOT NULL,
  `event`           VARCHAR(32)   NOT NULL,
  `createdAt`       DATETIME(6)   NOT NULL,
  `payload`         LONGTEXT      NOT NULL,
  `callbackUrl`     VARCHAR(2048) NULL,
  `fannedOut`       TINYINT(1)    NOT NULL DEFAULT 0,
  PRIMARY KEY (`eventSeq`),
  UNIQUE KEY uq_webhook_event_id (`eventID`)
);
CREATE INDEX ix_webhook_event_fanout ON `webhookEvent` (`fannedOut`, `eventSeq`);
CREATE INDEX ix_webhook_event_job ON `webhookEvent` (`fk_jobUUID`, `eventSeq`);

-- One row per event and destination: kind 'callback' (the job's callbackUrl) or 'endpoint' (mpp.webhooks.endpoints).
-- destinationKey is the SHA-256 (hex) of kind and URL, for the unique key and the per-destination order. status: 0
-- waiting (due at nextAttemptAt), 1 sending (claimed by fk_nodeUUID until leaseUntil; attempts is the fencing token),
-- 2 delivered, 13 failed for good (still failing retry-hours after queuedAt). Times are on the database's UTC clock.
CREATE TABLE `webhookDelivery` (
  `deliveryID`      BIGINT        NOT NULL AUTO_INCREMENT,
  `fk_eventSeq`     BIGINT        NOT NULL,
  `fk_jobUUID`      BINARY(16)    NOT NULL,
  `kind`            VARCHAR(16)   NOT NULL,
  `destination`     VARCHAR(2048) NOT NULL,
  `destinationKey`  CHAR(64)      NOT NULL,
  `status`          INT           NOT NULL DEFAULT 0,
  `attempts`        INT           NOT NULL DEFAULT 0,
  `queuedAt`        DATETIME(6)   NOT NULL,
  `nextAttemptAt`   DATETIME(6)   NOT NULL,
  `leaseUntil`      DATETIME(6)   NULL,
  `fk_nodeUUID`     BINARY(16)    NULL,
  `deliveredAt`     DATETIME(6)   NULL,
  `lastError`       TEXT          NULL,
  PRIMARY KEY (`deliveryID`),
  UNIQUE KEY uq_webhook_delivery (`fk_eventSeq`, `destinationKey`)
);
ALTER TABLE `webhookDelivery` ADD CONSTRAINT fk_webhook_delivery_event FOREIGN KEY (`fk_eventSeq`) REFERENCES `webhookEvent` (`eventSeq`) ON DELETE CASCADE;
CREATE INDEX ix_webhook_delivery_due ON `webhookDelivery` (`status`, `nextAttemptAt`, `deliveryID`);
CREATE INDEX ix_webhook_delivery_order ON `webhookDelivery` (`fk_jobUUID`, `destinationKey`, `fk_eventSeq`);

-- The watch folder's record of the files it made jobs of: sourceKey is the SHA-256 (hex) of the source name, size and
-- modification time, so however many nodes watch one folder, a settled file becomes one job (the second insert fails on
-- the key), and a new file later put under the same name becomes a new one.
CREATE TABLE `watchedSource` (
  `sourceKey`       CHAR(64)      NOT NULL,
  `sourceName`      VARCHAR(1024) NOT NULL,
  `fk_jobUUID`      BINARY(16)    NULL,
  `createdAt`       DATETIME(6)   NOT NULL,
  PRIMARY KEY (`sourceKey`)
);
