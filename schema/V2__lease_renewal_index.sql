-- A node renews the leases of its running tasks at every heartbeat (UPDATE ... WHERE fk_nodeUUID = ? AND status = 1).
-- Without an index InnoDB scans, and locks, every running row of every node: renewals then deadlock under load.
CREATE INDEX `ix_ingest_node` ON `ingestJob` (`fk_nodeUUID`, `status`);
CREATE INDEX `ix_transcode_node` ON `transcodeJob` (`fk_nodeUUID`, `status`);
CREATE INDEX `ix_export_node` ON `exportJob` (`fk_nodeUUID`, `status`);
