-- Deleting a job row removes its tasks, as the seed's schema did: the seed's interface deletes a job with
-- DELETE FROM job WHERE jobID = ?, and without the cascade its tasks stayed behind as orphans that claims, lease
-- renewals and recovery kept tripping over. Orphans left by earlier versions go first, or the constraints could not
-- be added. Every child column already leads an index (uq_ingest_job, uq_transcode_segment, uq_export_job) and
-- job.jobUUID is unique (uq_job_uuid), as InnoDB and H2 require.
DELETE FROM `ingestJob` WHERE NOT EXISTS (SELECT 1 FROM `job` WHERE `job`.`jobUUID` = `ingestJob`.`fk_jobUUID`);
DELETE FROM `transcodeJob` WHERE NOT EXISTS (SELECT 1 FROM `job` WHERE `job`.`jobUUID` = `transcodeJob`.`fk_jobUUID`);
DELETE FROM `exportJob` WHERE NOT EXISTS (SELECT 1 FROM `job` WHERE `job`.`jobUUID` = `exportJob`.`fk_jobUUID`);
ALTER TABLE `ingestJob` ADD CONSTRAINT fk_ingest_job FOREIGN KEY (`fk_jobUUID`) REFERENCES `job` (`jobUUID`) ON DELETE CASCADE;
ALTER TABLE `transcodeJob` ADD CONSTRAINT fk_transcode_job FOREIGN KEY (`fk_jobUUID`) REFERENCES `job` (`jobUUID`) ON DELETE CASCADE;
ALTER TABLE `exportJob` ADD CONSTRAINT fk_export_job FOREIGN KEY (`fk_jobUUID`) REFERENCES `job` (`jobUUID`) ON DELETE CASCADE;

-- Fencing tokens are never issued twice for one task of a job. A retry deletes a failed job's segment and export rows,
-- and an export that finds segments missing deletes its own row; new rows started their attempt counter at 0 again,
-- so a new attempt 1 could share its file names with a stalled node's late writes from before. attemptFloor is the
-- highest attempt any deleted task row of the job had reached; new task rows of the job start counting from there.
ALTER TABLE `job` ADD COLUMN `attemptFloor` INT NOT NULL DEFAULT 0;
