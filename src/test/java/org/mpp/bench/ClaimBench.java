package org.mpp.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.mpp.config.Settings;
import org.mpp.fault.RetryCounter;
import org.mpp.store.Claim;
import org.mpp.store.Database;
import org.mpp.store.SyntheticJobs;
import org.mpp.store.TaskStore;
import org.mpp.store.TestDatabases;

/**
 * Issue 5 item 4: claim throughput on MariaDB. A fresh database holds {@code N} ready synthetic transcode tasks (jobs
 * of 10 segments, {@code -Dmpp.bench.claims.segments-per-job}, in the transcoding state, no media); {@value #NODES}
 * "nodes" x {@value #WORKERS} workers = 32 claimers then drain them through the product's {@link TaskStore}, exactly
 * as a node's transcode worker does minus the encoding: {@code claim(TRANSCODE, node, 1, lease)}, then
 * {@code completeTranscode(claim)}. Each node has what a real one has: its own node UUID, its own connection pool of
 * {@value #POOL_SIZE} connections (mpp.db.pool-size = workers + 2), its own {@link TaskStore}, and a heartbeat thread
 * that renews its leases and recovers expired tasks every 2 s. Nothing else runs: the exports that last segments queue
 * stay unclaimed. {@code -Dmpp.bench.claims.tasks=N} overrides N (20,000; 500 with {@code --tiny}).
 *
 * <p>Figures, the median over {@code --runs} repetitions after one unreported warm-up run, each on a fresh database:
 * claims per second (all tasks over the time until the last claim), completions per second, claim-call latency
 * (median, p99), the deadlocks the store retried, round trips per task (counted by {@link StatementCounter}), and the
 * CPU time per task of this JVM and of the MariaDB server process (when it runs on this machine). Duplicates are
 * counted twice over: from the workers' own records (a task held by two claimers at once, claimed or completed more
 * than once, or handed out with an attempt other than 1) and from the database afterwards (every task completed,
 * attempt 1, no failures, by the node that reported the completion). Transactions open for more than 5 s are printed
 * while it runs.
 */
final class ClaimBench implements Section {
    static final int NODES = 4;
    static final int WORKERS = 8;
    /**
     * Connections per node: one per worker plus two, for the heartbeat and the node's housekeeping (the reference.conf
     * default of 8 is sized for the default roles, four workers; a node of 8 workers on 8 connections makes its
     * heartbeat queue behind the claims).
     */
    static final int POOL_SIZE = WORKERS + 2;
    static final double TARGET_CLAIMS_PER_SECOND = 2000;
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration HEARTBEAT = Duration.ofSeconds(2);
    private static final String ID = "claims";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String title() {
        return "Claim throughput on MariaDB (" + NODES + " nodes x " + WORKERS + " workers)";
    }

    /** One repetition's figures. */
    record Run(int tasks, double seconds, double claimsPerSecond, double completionsPerSecond, double medianMs, double p99Ms,
            long emptyClaims, long failedBeats, long retries, Map<String, Long> retriesByKind, long ownDuplicates, long dbDuplicates,
            double commandsPerTask, double statementsPerTask, long rowLockWaits, double jvmCpuMsPerTask, double dbCpuMsPerTask,
            List<String> errors) {
    }

    @Override
    public void run(BenchEnv env, Report report) throws Exception {
        int tasks = Integer.getInteger("mpp.bench.claims.tasks", env.tiny() ? 500 : 20_000);
        List<Run> runs = new ArrayList<>();
        // The JIT needs a few thousand claims before the JVM's side settles (measured: the first run of a JVM was up to
        // twice as slow as the third): one unreported warm-up run on its own database first.
        Run warmUp = once(Math.max(1, tasks / 4));
        report.note(ID, String.format(Locale.ROOT, "warm-up: %d tasks at %.0f claims/s (not counted)", warmUp.tasks(), warmUp.claimsPerSecond()));
        for (int r = 0; r < env.runs(); r++) {
            Run run = once(tasks);
            runs.add(run);
            report.note(ID, String.format(Locale.ROOT, "run %d: %d tasks in %.2f s, %.0f claims/s, %.0f completions/s, claim latency"
                    + " median %.2f ms p99 %.2f ms, %d empty claim calls, %d failed heartbeats, %d store retries %s, duplicates %d (own records) %d (database),"
                    + " %.1f round trips (%.1f statements) per task, %d server-wide row lock waits, CPU per task %.3f ms JVM + %.3f ms"
                    + " MariaDB (server-wide), load average after: %s", r + 1, run.tasks(), run.seconds(),
                    run.claimsPerSecond(), run.completionsPerSecond(), run.medianMs(), run.p99Ms(), run.emptyClaims(), run.failedBeats(), run.retries(),
                    run.retriesByKind(), run.ownDuplicates(), run.dbDuplicates(), run.commandsPerTask(), run.statementsPerTask(),
                    run.rowLockWaits(), run.jvmCpuMsPerTask(), run.dbCpuMsPerTask(), BenchMain.loadAverage()));
            if (!run.errors().isEmpty()) {
                throw new AssertionError("Claim run " + (r + 1) + " saw " + run.errors().size() + " error(s), the first: " + run.errors().get(0));
            }
        }
        double claims = median(runs.stream().mapToDouble(Run::claimsPerSecond).toArray());
        long duplicates = runs.stream().mapToLong(x -> Math.max(x.ownDuplicates(), x.dbDuplicates())).sum();
        report.add(ID, "tasks per run", tasks, "tasks", NODES + " nodes x " + WORKERS + " workers, pool " + POOL_SIZE + " per node");
        report.target(ID, "claims per second (median of " + runs.size() + ")", claims, "claims/s", ">= 2000", claims >= TARGET_CLAIMS_PER_SECOND);
        report.add(ID, "claims per second, lowest run", runs.stream().mapToDouble(Run::claimsPerSecond).min().orElse(0), "claims/s");
        report.add(ID, "completions per second (median)", median(runs.stream().mapToDouble(Run::completionsPerSecond).toArray()), "completions/s");
        report.target(ID, "duplicates (all runs)", duplicates, "tasks", "= 0", duplicates == 0);
        report.add(ID, "deadlocks and lock-wait timeouts retried (all runs)", runs.stream().mapToLong(Run::retries).sum(), "transactions");
        report.add(ID, "heartbeats that failed (all runs)", runs.stream().mapToLong(Run::failedBeats).sum(), "beats");
        report.add(ID, "claim latency median", median(runs.stream().mapToDouble(Run::medianMs).toArray()), "ms");
        report.add(ID, "claim latency p99", median(runs.stream().mapToDouble(Run::p99Ms).toArray()), "ms");
        report.add(ID, "round trips per task (claim + complete)", median(runs.stream().mapToDouble(Run::commandsPerTask).toArray()), "commands");
        report.add(ID, "JVM CPU per task (median)", median(runs.stream().mapToDouble(Run::jvmCpuMsPerTask).toArray()), "ms");
        report.add(ID, "MariaDB CPU per task (median; server-wide, -1 when not local)", median(runs.stream().mapToDouble(Run::dbCpuMsPerTask).toArray()),
                "ms");
    }

    Run once(int tasks) throws Exception {
        try (TestDatabases.Fresh fresh = TestDatabases.mariaDb()) {
            SyntheticJobs.insertTranscoding(fresh.open(), tasks, Integer.getInteger("mpp.bench.claims.segments-per-job", 10));
            Settings.Db base = fresh.settings(POOL_SIZE);
            String url = base.url().orElseThrow();
            Settings.Db counted = new Settings.Db(Optional.of(url + (url.contains("?") ? "&" : "?") + StatementCounter.URL_PARAMETER),
                    base.user(), base.password(), POOL_SIZE, base.connectTimeout(), base.socketTimeout(), base.startupWait(),
                    base.statementTimeout());
            List<Database> pools = new ArrayList<>();
            List<ScheduledExecutorService> heartbeats = new ArrayList<>();
            ClaimDrain drain = new ClaimDrain(tasks, LEASE);
            long lockWaitsBefore = serverStatus(fresh.open(), "Innodb_row_lock_waits");
            try (RetryCounter retries = RetryCounter.listen()) {
                List<Thread> workers = new ArrayList<>();
                CountDownLatch go = new CountDownLatch(1);
                for (int n = 0; n < NODES; n++) {
                    Database db = Database.open(counted, Path.of("unused"));
                    pools.add(db);
                    TaskStore store = new TaskStore(db);
                    UUID node = UUID.randomUUID();
                    ScheduledExecutorService hb = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "bench-heartbeat-" + node));
                    heartbeats.add(hb);
                    hb.scheduleWithFixedDelay(() -> drain.beat(store, node), HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
                    for (int w = 0; w < WORKERS; w++) {
                        workers.add(daemon(() -> drain.work(store, node, go), "bench-claimer-" + n + "-" + w));
                    }
                }
                ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "bench-long-tx-watch"));
                heartbeats.add(watch);
                Database admin = fresh.open();
                watch.scheduleWithFixedDelay(() -> drain.watchLongTransactions(admin), 1, 1, TimeUnit.SECONDS);
                workers.forEach(Thread::start);
                StatementCounter.reset();
                long jvmCpu0 = jvmCpuNanos();
                long dbCpu0 = serverCpuNanos();
                long t0 = System.nanoTime();
                drain.start(t0);
                go.countDown();
                for (Thread t : workers) {
                    t.join();
                }
                long jvmCpu = jvmCpuNanos() - jvmCpu0;
                long dbCpu = dbCpu0 < 0 ? -1 : serverCpuNanos() - dbCpu0;
                long commands = StatementCounter.commands();
                long statements = StatementCounter.statements();
                if (Boolean.getBoolean("mpp.bench.sql-profile")) {
                    StatementCounter.byText().forEach((sql, n) -> System.out.printf(Locale.ROOT, "[bench] claims sql %8d  %s%n", n, sql));
                }
                heartbeats.forEach(ScheduledExecutorService::shutdownNow);
                for (ScheduledExecutorService hb : heartbeats) {
                    hb.awaitTermination(30, TimeUnit.SECONDS);
                }
                long dbDuplicates = drain.checkDatabase(fresh.open(), tasks);
                long[] latencies = drain.latencies();
                double claimSeconds = (drain.lastClaim.get() - t0) / 1e9;
                double completeSeconds = (drain.lastCompletion.get() - t0) / 1e9;
                List<String> errors = List.copyOf(drain.errors);
                return new Run(tasks, completeSeconds, drain.claims.sum() / claimSeconds, drain.completions.sum() / completeSeconds,
                        percentile(latencies, 0.50) / 1e6, percentile(latencies, 0.99) / 1e6, drain.empty.sum(), drain.failedBeats.size(), retries.total(),
                        retries.byKind(), drain.ownDuplicates(), dbDuplicates, (double) commands / tasks, (double) statements / tasks,
                        serverStatus(fresh.open(), "Innodb_row_lock_waits") - lockWaitsBefore, jvmCpu / 1e6 / tasks,
                        dbCpu < 0 ? -1 : dbCpu / 1e6 / tasks, errors);
            } finally {
                heartbeats.forEach(ScheduledExecutorService::shutdownNow);
                pools.forEach(Database::close);
            }
        }
    }

    private static long serverStatus(Database db, String name) {
        var r = db.dsl().fetchOptional("SHOW GLOBAL STATUS LIKE '" + name + "'");
        return r.map(x -> Long.parseLong(x.get(1, String.class))).orElse(-1L);
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time of the local MariaDB/MySQL server process (all its clients), or -1 when there is none on this machine. */
    private static long serverCpuNanos() {
        try (var procs = java.nio.file.Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String comm = java.nio.file.Files.readString(p.resolve("comm")).strip();
                    if (comm.equals("mariadbd") || comm.equals("mysqld")) {
                        String stat = java.nio.file.Files.readString(p.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        // utime and stime are fields 14 and 15 of /proc/PID/stat, in clock ticks (100 per second on Linux).
                        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
                    }
                } catch (java.io.IOException | RuntimeException gone) {
                    // the process ended while we looked; try the next one
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }

    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length == 0 ? 0 : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
