-- A claim takes ready tasks highest priority first, then oldest: ORDER BY priority DESC, id. With the claim indexes
-- of V1 (status, paused, priority, id), all ascending, no index matches that order, so claims had to lock one priority
-- level at a time (two or three queries per claim). These indexes keep priority descending and id ascending, so
-- that one SELECT ... ORDER BY priority DESC, id LIMIT n FOR UPDATE SKIP LOCKED reads (and locks) only the rows it
-- takes. MariaDB before 10.8 ignores DESC in an index (the store then keeps claiming one level at a time, on these
-- indexes as on the old ones); MySQL 8 and H2 honour it. They replace the V1 claim indexes, which nothing uses any
-- more and every claim and completion would otherwise keep up to date.
DROP INDEX ix_ingest_claim ON `ingestJob`;
DROP INDEX ix_transcode_claim ON `transcodeJob`;
DROP INDEX ix_export_claim ON `exportJob`;
CREATE INDEX ix_ingest_claim_order ON `ingestJob` (`status`, `paused`, `priority` DESC, `ingestJobID`);
CREATE INDEX ix_transcode_claim_order ON `transcodeJob` (`status`, `paused`, `priority` DESC, `transcodeJobID`);
CREATE INDEX ix_export_claim_order ON `exportJob` (`status`, `paused`, `priority` DESC, `exportJobID`);
