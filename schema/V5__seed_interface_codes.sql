-- The seed's HTML interface reads policy.value_type, node.type and node.isActive with the seed's own meanings
-- (shared/SEED-INTERFACE.md); versions 1 to 4 wrote other values there, so the interface showed raw 1/0 instead of
-- switches and number fields, a blank Type column, and every node busy.

-- policy.value_type: the seed's words 'boolean' and 'integer' (MPP reads a policy's value by its name, whatever the type).
UPDATE `policy` SET `value_type` = 'boolean' WHERE `value_type` = 'bool';
UPDATE `policy` SET `value_type` = 'integer' WHERE `value_type` = 'int';

-- node.type: the seed's integer code, 0 ingest, 1 transcode, 2 export. A node with several roles gets its main role:
-- transcode when it runs transcode workers, else ingest when it runs ingest workers, else export (NodeType in the
-- store says the same); its worker counts stay in `roles` ("ingest=1,transcode=4,export=1"). The rows of nodes
-- running now get their code from that column before the column changes type.
UPDATE `node` SET `type` = CASE
    WHEN `roles` LIKE '%transcode=%' AND `roles` NOT LIKE '%transcode=0%' THEN '1'
    WHEN `roles` LIKE '%ingest=%' AND `roles` NOT LIKE '%ingest=0%' THEN '0'
    WHEN `roles` LIKE '%export=%' AND `roles` NOT LIKE '%export=0%' THEN '2'
    ELSE NULL END;
ALTER TABLE `node` MODIFY `type` INT NULL;

-- node.isActive: 1 while the node runs a task, 0 when idle (fk_jobUUID then names a job it works on); each node
-- writes both at every heartbeat. A new row is idle until its first heartbeat says otherwise.
ALTER TABLE `node` ALTER `isActive` SET DEFAULT 0;
UPDATE `node` SET `isActive` = 0, `fk_jobUUID` = NULL;
