package org.mpp.node;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.mpp.config.Settings;
import org.mpp.PhaseTimes;
import org.mpp.media.MediaEngine;
import org.mpp.store.ControlStore;
import org.mpp.store.Database;
import org.mpp.store.JobStore;
import org.mpp.store.NodeStore;
import org.mpp.store.Policies;
import org.mpp.store.Stage;
import org.mpp.store.TaskStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MPP node: ingest, transcode and export worker pools sized by {@code mpp.node.roles}, a heartbeat, and
 * recovery of other nodes' abandoned work, all coordinated through the database.
 *
 * <pre>{@code
 * try (Node node = Node.builder(settings).build()) {
 *     node.start();
 *     node.awaitStop();
 * }
 * }</pre>
 *
 * <p>The heartbeat (liveness, the leases of the tasks this node's workers run, operator flags) and housekeeping
 * (adoption, recovery, purges, folders of deleted jobs) have a thread each, so that slow housekeeping never delays a
 * lease renewal.
 *
 * <p>Thread-safe. {@link #close()} is idempotent and orderly: stop claiming, cancel and release running tasks (no
 * failure counted, another node picks them up), stop housekeeping, unregister, and stop the heartbeat last. A node also stops by
 * itself when its row is deleted, when {@code node.terminate} or the {@code terminateAll} policy is set. It claims
 * nothing new while its work folder has less free space than {@code mpp.work.min-free-mb}, and no export while its
 * delivery folder has.
 */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);
    private static final Duration STOP_BUDGET = Duration.ofSeconds(20);
    /** An idle worker claims again after this long (or a poll, if longer) even when nothing woke it: a backstop. */
    private static final Duration IDLE_BACKSTOP = Duration.ofMinutes(1);

    private final Settings settings;
    private final Database db;
    private final boolean ownsDb;
    private final UUID id = UUID.randomUUID();
    private final WorkFolders folders;
    private final JobStore jobs;
    private final TaskStore tasks;
    private final NodeStore nodes;
    private final ControlStore control;
    private final MediaEngine media;
    private final Stages stages;
    private final AudioAhead audioAhead;
    private final java.util.function.Predicate<Stage> roomToClaim;
    private final org.mpp.webhooks.WebhookSender webhooks;
    private final WatchFolder watch;
    private final Map<Stage, ExecutorService> pools = new ConcurrentHashMap<>();
    private final Set<TaskContext> running = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile boolean heartbeatDone;
    /** Ends the heartbeat's wait between two beats when the node stops (no interrupt: H2 closes its file on one). */
    private final java.util.concurrent.CountDownLatch heartbeatStop = new java.util.concurrent.CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicInteger beats = new AtomicInteger();
    private volatile Policies policies = Policies.DEFAULTS;
    private volatile boolean authorised = true;
    /** Monotonic time of this node's last start or lost heartbeat: others are judged only after a lease of contact. */
    private volatile long contactSince = System.nanoTime();
    /** Monotonic time at which this node sent its last heartbeat that got through. */
    private volatile long lastBeat = System.nanoTime();
    private ExecutorService heartbeat;
    private java.util.concurrent.ScheduledExecutorService housekeeper;
    private java.util.concurrent.ScheduledExecutorService progressWriter;
    private java.util.concurrent.ScheduledExecutorService scout;
    /** Per stage: how many of this node's workers wait for work now (what the scout looks for). */
    private final Map<Stage, AtomicInteger> idleWorkers = Map.of(Stage.INGEST, new AtomicInteger(), Stage.TRANSCODE, new AtomicInteger(),
            Stage.EXPORT, new AtomicInteger());
    /** Whether the scout's last look failed: a database that stays away is reported once, not at every poll. */
    private volatile boolean scoutFailing;
    private final PhaseTimes times = new PhaseTimes();
    /** Raised for what an application in this process watching jobs looks for: this node's tasks' ends and progress writes. */
    private final Signal jobChanges = new Signal();
    private final NodeMeters meters;
    /**
     * Per stage: what idle workers wait on. A worker reads the count before it claims, so a wake that comes between its
     * empty claim and its wait (the last segment queueing the export, a stop) is not lost for a whole poll.
     */
    private final Map<Stage, Signal> wakeups = Map.of(Stage.INGEST, new Signal(), Stage.TRANSCODE, new Signal(), Stage.EXPORT, new Signal());

    /** Builds a node from settings; {@link Builder#dataSource} lets an application pass its own pool. */
    public static Builder builder(Settings settings) {
        return new Builder(settings);
    }

    /** Options of a node beyond its settings. */
    public static final class Builder {
        private final Settings settings;
        private DataSource dataSource;

        private Builder(Settings settings) {
            this.settings = settings;
        }

        /** Use this pool instead of opening one from {@code mpp.db}; the node does not close it. */
        public Builder dataSource(DataSource ds) {
            this.dataSource = ds;
            return this;
        }

        public Node build() {
            MediaEngine.preload();
            Database db = dataSource != null ? Database.open(dataSource, settings.db().statementTimeout()) : Database.open(settings.db(), settings.work().dir());
            return new Node(settings, db, dataSource == null);
        }
    }

    private Node(Settings settings, Database db, boolean ownsDb) {
        this.settings = settings;
        this.db = db;
        this.ownsDb = ownsDb;
        this.folders = new WorkFolders(settings.work());
        this.jobs = new JobStore(db);
        this.tasks = new TaskStore(db);
        this.nodes = new NodeStore(db);
        this.control = new ControlStore(db);
        db.timeStatements(times, Node::statementPhase);
        TranscodeThreads transcodeThreads = new TranscodeThreads(settings.media(), Runtime.getRuntime().availableProcessors(),
                settings.node().roles().transcode());
        this.media = new MediaEngine(mediaSettings(settings, transcodeThreads), times);
        this.audioAhead = new AudioAhead(media, named("mpp-audio-ahead"));
        this.meters = new NodeMeters(io.micrometer.core.instrument.Metrics.globalRegistry);
        this.stages = new Stages(media, folders, jobs, tasks, control, audioAhead, transcodeThreads, settings.packaging(), meters,
                () -> wake(Stage.TRANSCODE), new SegmentLength(settings.media()), this::clusterTranscodeWorkers);
        this.roomToClaim = WorkFolderSpace.forNode(folders, settings.work().minFreeBytes());
        this.webhooks = new org.mpp.webhooks.WebhookSender(new org.mpp.store.WebhookStore(db), id, settings.webhooks());
        this.watch = settings.work().watch() ? new WatchFolder(folders.sourceDir(), jobs, settings.work().watchSettle(), System::nanoTime,
                () -> wake(Stage.INGEST)) : null;
    }

    /** Where the SQL of a thread counts: workers' in the work, heartbeat and progress writer's beside it, others' not. */
    private static PhaseTimes.Phase statementPhase(Thread t) {
        String name = t.getName();
        if (name.startsWith("mpp-heartbeat") || name.startsWith("mpp-progress") || name.startsWith("mpp-housekeeping")) {
            return PhaseTimes.Phase.HEARTBEAT;
        }
        return name.startsWith("mpp-ingest") || name.startsWith("mpp-transcode") || name.startsWith("mpp-export") ? PhaseTimes.Phase.DATABASE : null;
    }

    /**
     * The engine's threads for what the node does besides transcoding segments (the ingest's checks and cuts): the cores
     * shared among the transcode workers unless configured. A segment's own come from {@link TranscodeThreads}.
     */
    static Settings.Media mediaSettings(Settings s, TranscodeThreads threads) {
        Settings.Media m = s.media();
        int workers = Math.max(1, s.node().roles().transcode());
        return m.withThreads(threads.decoderFor(workers), threads.encoderFor(workers));
    }

    /**
     * The transcode workers of the cluster's nodes that take work (authorised, not told to terminate; silent ones are
     * purged by housekeeping), from their {@code node.roles}: what a job's segments are shared out among. This node's
     * own count at least, should its row be missing.
     */
    private int clusterTranscodeWorkers() {
        long others = nodes.list().stream().filter(n -> !n.uuid().equals(id) && n.authorised() && !n.terminate())
                .mapToLong(n -> org.mpp.store.NodeType.workers(n.roles(), org.mpp.store.NodeType.TRANSCODE)).sum();
        return (int) Math.min(Integer.MAX_VALUE, settings.node().roles().transcode() + others);
    }

    public UUID id() {
        return id;
    }

    /** Where this node's time went since it started (for benchmarks and operators). */
    public PhaseTimes phaseTimes() {
        return times;
    }

    public Database database() {
        return db;
    }

    /** Registers the node and starts its heartbeat and worker pools. */
    public Node start() {
        if (!started.compareAndSet(false, true)) {
            return this;
        }
        try {
            folders.create();
        } catch (IOException e) {
            throw new org.mpp.MppException("Cannot create the work folders under " + folders.work() + ": " + e, e);
        }
        Settings.Roles roles = settings.node().roles();
        nodes.register(id, hostname(), rolesText(), version());
        contactSince = lastBeat = System.nanoTime();
        policies = control.policies();
        heartbeat = Executors.newSingleThreadExecutor(named("mpp-heartbeat"));
        heartbeat.execute(this::heartbeatLoop);
        progressWriter = Executors.newSingleThreadScheduledExecutor(named("mpp-progress"));
        progressWriter.scheduleWithFixedDelay(this::writeProgress, 1, 1, TimeUnit.SECONDS);
        // Housekeeping has a thread of its own: a slow recovery, a statement waiting on a lock or a quarantine move over
        // NFS on the heartbeat's thread delayed the lease renewals behind it, and this node's own tasks expired.
        long every = settings.node().heartbeat().multipliedBy(2).toMillis();
        housekeeper = Executors.newSingleThreadScheduledExecutor(named("mpp-housekeeping"));
        housekeeper.scheduleWithFixedDelay(this::housekeepingLoop, every, every, TimeUnit.MILLISECONDS);
        startPool(Stage.INGEST, roles.ingest());
        startPool(Stage.TRANSCODE, roles.transcode());
        startPool(Stage.EXPORT, roles.export());
        long poll = settings.node().poll().toMillis();
        scout = Executors.newSingleThreadScheduledExecutor(named("mpp-scout"));
        scout.scheduleWithFixedDelay(this::scout, poll, poll, TimeUnit.MILLISECONDS);
        // Every node sends webhooks: the outbox is the cluster's, whichever node wrote the events.
        webhooks.start();
        if (watch != null) {
            watch.start("mpp-watch");
        }
        log.info("Node {} started on {} ({} ingest, {} transcode, {} export worker(s), database {})", id, hostname(),
                roles.ingest(), roles.transcode(), roles.export(), db.dialect());
        return this;
    }

    private void startPool(Stage stage, int workers) {
        if (workers <= 0) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers, named("mpp-" + stage.name().toLowerCase(java.util.Locale.ROOT)));
        pools.put(stage, pool);
        for (int i = 0; i < workers; i++) {
            pool.execute(() -> workLoop(stage));
        }
    }

    /**
     * Claims and runs tasks of one stage until the node stops. Never dies: every iteration catches everything. An idle
     * worker claims again when it is woken: by a task of this node that queued work for its stage, or by the scout,
     * which looks once a poll whether any node queued some. It also claims again after {@link #IDLE_BACKSTOP}.
     */
    private void workLoop(Stage stage) {
        Duration poll = settings.node().poll();
        Duration idleFor = poll.compareTo(IDLE_BACKSTOP) > 0 ? poll : IDLE_BACKSTOP;
        while (!stopping.get()) {
            try {
                long woken = wakeups.get(stage).count();
                Policies p = policies;
                if (!authorised || !p.enabled(stage) || !roomToClaim.test(stage)) {
                    idle(stage, idleFor, woken);
                    continue;
                }
                long t0 = System.nanoTime();
                List<org.mpp.store.Claim> claims = times.muted(() -> tasks.claim(stage, id, 1, settings.node().lease()));
                times.add(claims.isEmpty() ? PhaseTimes.Phase.IDLE_POLL : PhaseTimes.Phase.DATABASE, System.nanoTime() - t0);
                if (claims.isEmpty()) {
                    idle(stage, idleFor, woken);
                    continue;
                }
                meters.claimed(stage);
                TaskContext ctx = new TaskContext(claims.get(0), tasks, settings.node().taskStall(), System::nanoTime);
                running.add(ctx);
                try {
                    runner().run(ctx, p);
                } finally {
                    running.remove(ctx);
                    media.releaseFreedMemory();
                    jobChanged();
                }
                // What this task finished may be the next stage's work (an ingest queues segments, the last segment
                // queues the export): this node's idle workers of that stage look now instead of at their next poll.
                if (stage != Stage.EXPORT) {
                    wake(stage == Stage.INGEST ? Stage.TRANSCODE : Stage.EXPORT);
                }
            } catch (Throwable t) {
                log.warn("{} worker: {} (retrying in {} ms)", stage, t.toString(), poll.toMillis() * 4);
                pause(poll.multipliedBy(4));
            }
        }
    }

    private TaskRunner runner() {
        return new TaskRunner(stages, tasks, folders, jobs, settings.work().fullRetry());
    }

    private String rolesText() {
        Settings.Roles roles = settings.node().roles();
        return "ingest=" + roles.ingest() + ",transcode=" + roles.transcode() + ",export=" + roles.export();
    }

    /** A job one of this node's workers runs a task of (the seed's node.fk_jobUUID); null when they are all idle. */
    private UUID currentJob() {
        return running.stream().map(ctx -> ctx.claim.job()).findFirst().orElse(null);
    }

    /** Writes the progress of the running tasks. Never throws: a scheduled task that throws is never run again. */
    private void writeProgress() {
        try {
            boolean wrote = false;
            for (TaskContext ctx : running) {
                wrote |= ctx.flushProgress();
            }
            if (wrote) {
                jobChanged();
            }
        } catch (Throwable t) {
            log.warn("Progress writer of node {}: {}", id, t.toString());
        }
    }

    /**
     * One look, for the stages that have idle workers here, whether any node queued work they could claim; wakes those
     * that have some. One statement that locks nothing, where each idle worker used to run a claim transaction at every
     * poll (an idle node with the default roles: four). Never throws: a scheduled task that throws is never run again.
     */
    private void scout() {
        if (stopping.get()) {
            return;
        }
        try {
            List<Stage> waiting = idleWorkers.entrySet().stream().filter(e -> e.getValue().get() > 0).map(Map.Entry::getKey).sorted().toList();
            if (waiting.isEmpty()) {
                return;
            }
            long t0 = System.nanoTime();
            Set<Stage> found = times.muted(() -> tasks.claimable(waiting));
            times.add(PhaseTimes.Phase.IDLE_POLL, System.nanoTime() - t0);
            found.forEach(this::wake);
            if (scoutFailing) {
                scoutFailing = false;
                log.info("Node {} looks for work again", id);
            }
        } catch (Throwable t) {
            if (!scoutFailing) {
                scoutFailing = true;
                log.warn("Node {} cannot look for work: {} (trying again every {} ms)", id, t.toString(), settings.node().poll().toMillis());
            }
        }
    }

    private void heartbeatLoop() {
        Duration every = settings.node().heartbeat();
        while (!heartbeatDone) {
            try {
                // Silence counts from when the last heartbeat that got through was sent (that is when it wrote the row's
                // lastAccess), not from when its answer was read: a node frozen between the two read an answer from
                // before its freeze, counted its silence from the thaw, and took the purge of its row for an operator's
                // delete and stopped (ZombieTest, once in a CI run).
                long sent = System.nanoTime();
                NodeStore.Control c = nodes.heartbeat(id, currentJob());
                long silent = System.nanoTime() - lastBeat;
                if (!c.exists() && !stopping.get() && silent > policies.nodeTimeout().toNanos()) {
                    // Silent for longer than nodeTimeout (frozen, partitioned, or the database was away): the row was
                    // most likely purged by another node, not deleted by an operator. Leases that expired meanwhile were
                    // recovered, and fencing drops the work this node lost; register again and carry on.
                    log.warn("Node {} was silent for {} s and its row is gone (purged as silent); registering again", id,
                            Duration.ofNanos(silent).toSeconds());
                    nodes.register(id, hostname(), rolesText(), version());
                    c = nodes.heartbeat(id, currentJob());
                }
                lastBeat = sent;
                if (!stopping.get() && (!c.exists() || c.terminate() || policies.terminateAll())) {
                    log.warn("Node {} stops: {}", id, !c.exists() ? "its row was deleted" : c.terminate() ? "terminate was set" : "terminateAll is on");
                    Thread t = new Thread(this::close, "mpp-stop");
                    t.start();
                    return;
                }
                authorised = c.authorised();
                tasks.renewLeases(id, running.stream().map(ctx -> ctx.claim).toList(), settings.node().lease());
                beats.incrementAndGet();
                policies = control.policies();
            } catch (Throwable t) {
                contactSince = System.nanoTime();
                log.warn("Heartbeat of node {} failed: {}", id, t.toString());
            }
            try {
                heartbeatStop.await(every.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One round of housekeeping. Never throws: a scheduled task that throws is never run again. */
    private void housekeepingLoop() {
        if (stopping.get()) {
            return;
        }
        try {
            housekeeping();
        } catch (Throwable t) {
            log.warn("Housekeeping of node {} failed: {}", id, t.toString());
        }
    }

    /**
     * Adopts jobs inserted by SQL, recovers expired tasks, moves on jobs whose last segment's node died before it moved
     * them, purges silent nodes. Any live node does this.
     */
    private void housekeeping() throws IOException {
        jobs.adoptNewJobs();
        // Judge other nodes only after a full lease of unbroken contact with the database. After an outage (or when
        // this node has just started) every lease and every lastAccess of the nodes still reconnecting looks expired:
        // the first node back would take their running tasks (counting failures, throwing their work away) and purge
        // their rows (which stops them).
        // Housekeeping has its own thread: it also waits while the heartbeat has not got through lately, as it did when
        // it ran right after a heartbeat that had.
        long now = System.nanoTime();
        if (now - contactSince < settings.node().lease().toNanos() || now - lastBeat > settings.node().heartbeat().multipliedBy(3).toNanos()) {
            return;
        }
        for (TaskStore.Recovered r : tasks.recoverExpired(policies.failureTolerance())) {
            log.warn("Recovered {} task {} of job {} from a dead node: {}", r.stage(), r.taskId(), r.job(), r.outcome());
            if (r.outcome() == TaskStore.Outcome.JOB_FAILED) {
                runner().quarantine(r.job());
            }
        }
        if (!tasks.finishStrandedJobs().isEmpty()) {
            wake(Stage.EXPORT);
        }
        nodes.purgeSilent(policies.nodeTimeout());
        removeFoldersOfDeletedJobs();
    }

    /**
     * Removes the work folders of jobs whose row is gone (an operator or the seed's interface deleted it with plain SQL;
     * the tasks went with it through the V4 cascade, but nothing else would ever remove their segments). A job row is
     * written before any of its folders, so a folder without a row is never that of a job still starting.
     */
    private void removeFoldersOfDeletedJobs() throws IOException {
        Set<UUID> onDisk = folders.jobFolders();
        Set<UUID> live = jobs.existing(onDisk);
        for (UUID gone : onDisk) {
            if (!live.contains(gone)) {
                log.info("Removing the work folders of job {}: its row was deleted", gone);
                folders.removeDeletedJob(gone);
            }
        }
    }

    /** Blocks until the node has stopped (closed, terminated, or its row deleted). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    public boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (!stopping.compareAndSet(false, true)) {
            try {
                stopped.await(STOP_BUDGET.toSeconds() * 2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        boolean interrupted = false;
        try {
            if (watch != null) {
                watch.close();
            }
            running.forEach(TaskContext::stop);
            wake(); // Idle workers see the stop now, not at their next poll.
            for (ExecutorService pool : pools.values()) {
                pool.shutdown();
            }
            for (ExecutorService pool : pools.values()) {
                try {
                    if (!pool.awaitTermination(STOP_BUDGET.toMillis(), TimeUnit.MILLISECONDS)) {
                        pool.shutdownNow();
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                    pool.shutdownNow();
                }
            }
            audioAhead.close();
            // Events the workers wrote while stopping stay in the outbox for the other nodes (or this one's next start).
            webhooks.close();
            // No interrupt, as for the heartbeat below; a round in progress ends within a statement timeout.
            interrupted |= stopWithoutInterrupt(progressWriter);
            interrupted |= stopWithoutInterrupt(scout);
            interrupted |= stopWithoutInterrupt(housekeeper);
            if (started.get()) {
                try {
                    nodes.unregister(id);
                } catch (RuntimeException e) {
                    log.warn("Node {} could not unregister: {}", id, e.toString());
                }
            }
            // The heartbeat stops last, so that a node still finishing work never looks dead.
            heartbeatDone = true;
            heartbeatStop.countDown();
            if (heartbeat != null) {
                // No interrupt: H2 closes its file when a thread is interrupted inside it. The loop ends within a beat.
                heartbeat.shutdown();
                try {
                    heartbeat.awaitTermination(STOP_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (ownsDb) {
                db.close();
            }
            log.info("Node {} stopped", id);
        } finally {
            stopped.countDown();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Makes this node's idle workers look for work now rather than at their next poll (after a submit through this
     * node's process, say). Other nodes find the work at their next poll ({@code mpp.node.poll-millis}).
     */
    public void wake() {
        for (Stage s : Stage.values()) {
            wake(s);
        }
    }

    private void wake(Stage stage) {
        wakeups.get(stage).raise();
    }

    private void jobChanged() {
        jobChanges.raise();
    }

    /**
     * What an application in this process that watches jobs waits on between two looks ({@link org.mpp.Mpp#await},
     * {@code mpp run}): this node's tasks' ends and progress writes end its wait, so the look comes at once and no
     * oftener than the job changes here. Make one per watch, before its first look.
     */
    public ChangeWaiter changeWaiter() {
        return new ChangeWaiter();
    }

    /** See {@link #changeWaiter()}. One thread uses it. */
    public final class ChangeWaiter {
        private long seen = jobChanges.count();

        private ChangeWaiter() {
        }

        /**
         * Returns as soon as one of this node's tasks has ended or written progress since this waiter was made or last
         * returned (a change during the caller's look is not lost), else after {@code atMost}.
         */
        public void await(Duration atMost) throws InterruptedException {
            seen = jobChanges.await(seen, atMost, () -> false);
        }
    }

    /**
     * Waits up to {@code d}, or until {@link #wake(Stage)} is called for the stage; not at all when it was called since
     * the worker read {@code woken}, or the node is stopping.
     */
    private void idle(Stage stage, Duration d, long woken) {
        AtomicInteger idle = idleWorkers.get(stage);
        idle.incrementAndGet();
        try {
            wakeups.get(stage).await(woken, d, stopping::get);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping.set(true);
        } finally {
            idle.decrementAndGet();
        }
    }

    /** Lets {@code e} (null: never started) finish its round and stop, within the stop budget; true when interrupted. */
    private static boolean stopWithoutInterrupt(ExecutorService e) {
        if (e == null) {
            return false;
        }
        e.shutdown();
        try {
            e.awaitTermination(STOP_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
            return false;
        } catch (InterruptedException ie) {
            return true;
        }
    }

    private void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping.set(true);
        }
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String version() {
        String v = Node.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** The work folder the node uses (for tools and tests). */
    public Path workDir() {
        return folders.work();
    }
}
