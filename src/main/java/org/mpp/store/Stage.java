package org.mpp.store;

import static org.mpp.store.schema.Tables.EXPORTJOB;
import static org.mpp.store.schema.Tables.INGESTJOB;
import static org.mpp.store.schema.Tables.TRANSCODEJOB;

import java.time.LocalDateTime;
import org.jooq.Field;
import org.jooq.Table;

/** The three task tables and their identical columns, so that claims and leases are written once. */
public enum Stage {
    INGEST(new Columns(INGESTJOB, INGESTJOB.INGESTJOBID, INGESTJOB.FK_JOBUUID, INGESTJOB.FK_NODEUUID, INGESTJOB.STATUS,
            INGESTJOB.FAILURES, INGESTJOB.ATTEMPT, INGESTJOB.PRIORITY, INGESTJOB.PAUSED, INGESTJOB.AVAILABLEAT,
            INGESTJOB.LEASEUNTIL, INGESTJOB.PROGRESS, INGESTJOB.LASTERROR)),
    TRANSCODE(new Columns(TRANSCODEJOB, TRANSCODEJOB.TRANSCODEJOBID, TRANSCODEJOB.FK_JOBUUID, TRANSCODEJOB.FK_NODEUUID,
            TRANSCODEJOB.STATUS, TRANSCODEJOB.FAILURES, TRANSCODEJOB.ATTEMPT, TRANSCODEJOB.PRIORITY, TRANSCODEJOB.PAUSED,
            TRANSCODEJOB.AVAILABLEAT, TRANSCODEJOB.LEASEUNTIL, TRANSCODEJOB.PROGRESS, TRANSCODEJOB.LASTERROR)),
    EXPORT(new Columns(EXPORTJOB, EXPORTJOB.EXPORTJOBID, EXPORTJOB.FK_JOBUUID, EXPORTJOB.FK_NODEUUID, EXPORTJOB.STATUS,
            EXPORTJOB.FAILURES, EXPORTJOB.ATTEMPT, EXPORTJOB.PRIORITY, EXPORTJOB.PAUSED, EXPORTJOB.AVAILABLEAT,
            EXPORTJOB.LEASEUNTIL, EXPORTJOB.PROGRESS, EXPORTJOB.LASTERROR));

    /** The columns every task table has. */
    record Columns(Table<?> table, Field<Long> id, Field<byte[]> job, Field<byte[]> node, Field<Integer> status,
            Field<Integer> failures, Field<Integer> attempt, Field<Integer> priority, Field<Boolean> paused,
            Field<LocalDateTime> availableAt, Field<LocalDateTime> leaseUntil, Field<Double> progress, Field<String> lastError) {
    }

    final Columns t;

    Stage(Columns columns) {
        this.t = columns;
    }
}
