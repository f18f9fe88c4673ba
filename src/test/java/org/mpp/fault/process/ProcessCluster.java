package org.mpp.fault.process;

import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.mpp.client.MppClient;
import org.mpp.config.Settings;
import org.mpp.ladder.OutputSpec;
import org.mpp.store.ControlStore;
import org.mpp.store.Database;
import org.mpp.store.JobStore;
import org.mpp.store.JobView;
import org.mpp.store.NodeStore;
import org.mpp.store.TestDatabases;
import org.mpp.testnode.NodeProcess;

/**
 * The fault harness's cluster: MPP nodes as separate JVMs ({@link NodeProcess}) on one MariaDB database and one shared
 * work folder, plus the harness's own view of the database (stores, a {@link TaskAudit}, a client to submit with).
 * Register it as an extension ({@code @RegisterExtension final ProcessCluster cluster = new ProcessCluster();}), then
 * {@link #start} it in the test. After each test it stops every node, drops or stops the database and deletes the
 * folder, also when the test failed; on failure it first prints the nodes' logs, the task history, the jobs and the
 * work folder. {@code -Dmpp.fault.keep=true} keeps the folder (node logs included) for a post-mortem.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
final class ProcessCluster implements AfterTestExecutionCallback, AfterEachCallback {
    static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    /** How often nodes heartbeat, how long their leases last, how often idle workers look for work. */
    record Timing(Duration heartbeat, Duration lease, Duration poll) {
        /** Short mode: failures show within seconds. */
        static final Timing SHORT = new Timing(Duration.ofSeconds(1), Duration.ofSeconds(6), Duration.ofMillis(200));
        /** reference.conf's defaults (the README's promise: a dead node's work is taken back after 30 s). */
        static final Timing DEFAULTS = new Timing(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofMillis(500));
    }

    /** Worker threads per role of one node. */
    record Roles(int ingest, int transcode, int export) {
        static final Roles ALL = new Roles(1, 1, 1);

        /** As the node table's roles column shows them. */
        String text() {
            return "ingest=" + ingest + ",transcode=" + transcode + ",export=" + export;
        }
    }

    /** Two small rungs: 320x180 and 160x90, ultrafast; a 320x180 clip makes two renditions in a fraction of a second. */
    static final List<OutputSpec> SMALL_LADDER = List.of(new OutputSpec(320, 180, 28, "ultrafast", "main", 30, 64),
            new OutputSpec(160, 90, 28, "ultrafast", "main", 30, 64));

    /**
     * Two veryslow rungs, 640x360 and 320x180: a 2 s segment of a 640x360 clip takes a second or two to encode on a
     * small machine, so that kills, freezes and stops find work in progress.
     */
    static final List<OutputSpec> SLOW_LADDER = List.of(new OutputSpec(640, 360, 28, "veryslow", "main", 30, 64),
            new OutputSpec(320, 180, 28, "veryslow", "main", 30, 64));

    private Path dir;
    private TestDatabases.Fresh fresh;
    private PrivateMariaDb privateDb;
    private String url;
    private String user;
    private String password;
    private Database db;
    private JobStore jobs;
    private NodeStore nodeStore;
    private ControlStore control;
    private TaskAudit audit;
    private MppClient client;
    private Outputs outputs;
    private Timing timing = Timing.SHORT;
    private double segmentSeconds = 1;
    private List<OutputSpec> ladder = SMALL_LADDER;
    private final Map<String, Object> nodeSettings = new LinkedHashMap<>();
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<String> figures = new ArrayList<>();
    private int nodeCounter;

    /** Nodes' heartbeat, lease and poll interval (default {@link Timing#SHORT}). */
    ProcessCluster timing(Timing t) {
        this.timing = t;
        return this;
    }

    /** Target segment length of ingests (default 1 s; the clips have a keyframe every second). */
    ProcessCluster segmentSeconds(double s) {
        this.segmentSeconds = s;
        return this;
    }

    /** The active outputs (default {@link #SMALL_LADDER}); every other row of the seed's ladder is deactivated. */
    ProcessCluster ladder(List<OutputSpec> rungs) {
        this.ladder = List.copyOf(rungs);
        return this;
    }

    /** A setting for every node started from now on (e.g. {@code mpp.media.encoder-threads}). */
    ProcessCluster nodeSetting(String key, Object value) {
        nodeSettings.put(key, value);
        return this;
    }

    /** Starts on a fresh database of the shared MariaDB server (skipped when unreachable, as {@link TestDatabases}). */
    ProcessCluster startOnSharedServer() throws IOException {
        fresh = TestDatabases.mariaDb();
        return start(fresh.url(), fresh.user(), fresh.password());
    }

    /**
     * Starts the test's own MariaDB server ({@link PrivateMariaDb}) and the cluster on it; the cluster kills the server
     * and deletes its data after the test.
     */
    ProcessCluster startOnPrivateServer() throws IOException, InterruptedException {
        privateDb = PrivateMariaDb.create();
        return start(privateDb.url(), privateDb.user(), privateDb.password());
    }

    /** The test's own MariaDB server ({@link #startOnPrivateServer}). */
    PrivateMariaDb privateServer() {
        return privateDb;
    }

    private ProcessCluster start(String url, String user, String password) throws IOException {
        this.url = url;
        this.user = user;
        this.password = password;
        dir = Files.createTempDirectory("mpp-fault-");
        db = Database.open(new Settings.Db(Optional.of(url), Optional.of(user).filter(u -> !u.isEmpty()),
                Optional.of(password).filter(p -> !p.isEmpty()), 8, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ZERO,
                Duration.ofSeconds(10)), dir);
        jobs = new JobStore(db);
        nodeStore = new NodeStore(db);
        control = new ControlStore(db);
        audit = TaskAudit.install(db);
        List<ControlStore.OutputRow> rows = control.outputs();
        for (int i = 0; i < rows.size(); i++) {
            if (i < ladder.size()) {
                control.setOutput(rows.get(i).id(), ladder.get(i));
            } else {
                control.setOutputActive(rows.get(i).id(), false);
            }
        }
        for (int i = rows.size(); i < ladder.size(); i++) {
            control.addOutput(ladder.get(i));
        }
        Settings settings = Settings.from(ConfigFactory.parseMap(Map.of("mpp.work.dir", work().toString()))
                .withFallback(ConfigFactory.defaultReference()).resolve());
        client = MppClient.create(db, settings);
        outputs = new Outputs(ladder, work());
        Files.createDirectories(work().resolve("source"));
        return this;
    }

    Path dir() {
        return dir;
    }

    Path work() {
        return dir.resolve("work").toAbsolutePath();
    }

    Database db() {
        return db;
    }

    JobStore jobs() {
        return jobs;
    }

    NodeStore nodeStore() {
        return nodeStore;
    }

    ControlStore control() {
        return control;
    }

    TaskAudit audit() {
        return audit;
    }

    Outputs outputs() {
        return outputs;
    }

    Timing timing() {
        return timing;
    }

    /** Every node started so far, dead ones included, in start order. */
    List<NodeProcess> nodes() {
        return List.copyOf(nodes);
    }

    List<NodeProcess> liveNodes() {
        return nodes.stream().filter(NodeProcess::isAlive).toList();
    }

    /** The node process with this UUID, if the harness started it. */
    Optional<NodeProcess> node(UUID id) {
        return nodes.stream().filter(n -> n.runningAs().filter(id::equals).isPresent()).findFirst();
    }

    /** A node's configuration: the cluster's database, folder and timing, {@code roles}, then {@code extra}. */
    Config nodeConfig(Roles roles, Map<String, Object> extra) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("mpp.db.url", url);
        if (!user.isEmpty()) {
            c.put("mpp.db.user", user);
        }
        if (!password.isEmpty()) {
            c.put("mpp.db.password", password);
        }
        c.put("mpp.db.pool-size", 4);
        c.put("mpp.db.connect-timeout", 5);
        c.put("mpp.db.socket-timeout", 30);
        c.put("mpp.work.dir", work().toString());
        c.put("mpp.node.roles.ingest", roles.ingest());
        c.put("mpp.node.roles.transcode", roles.transcode());
        c.put("mpp.node.roles.export", roles.export());
        c.put("mpp.node.heartbeat-seconds", timing.heartbeat().toMillis() / 1000.0);
        c.put("mpp.node.lease-seconds", timing.lease().toMillis() / 1000.0);
        c.put("mpp.node.poll-millis", timing.poll().toMillis());
        c.put("mpp.media.segment-seconds", segmentSeconds);
        c.put("mpp.media.gop-seconds", 1);
        c.putAll(nodeSettings);
        c.putAll(extra);
        return ConfigFactory.parseMap(c);
    }

    /** Starts a node process (named n1, n2, ...) without waiting for it. */
    NodeProcess launch(Roles roles, Map<String, Object> extra) throws IOException {
        NodeProcess n = NodeProcess.start("n" + ++nodeCounter, dir.resolve("nodes"), nodeConfig(roles, extra));
        nodes.add(n);
        return n;
    }

    /** Starts a node and waits until it has registered and started its workers. */
    NodeProcess startNode(Roles roles) throws IOException {
        NodeProcess n = launch(roles, Map.of());
        n.awaitRunning(START_TIMEOUT);
        return n;
    }

    /**
     * Writes a clip into the upload folder (clips that differ only in name are encoded once and copied, since
     * writing a long clip takes a while) and submits it; returns the job's UUID.
     */
    UUID submit(Clip clip) throws IOException {
        return client.submit(upload(clip), 0);
    }

    /** Writes a clip into the upload folder, as {@link #submit} does, without submitting it; returns the file. */
    Path upload(Clip clip) throws IOException {
        Path uploads = Files.createDirectories(dir.resolve("uploads"));
        Clip master = new Clip("master-" + clip.width() + "x" + clip.height() + "-" + clip.fps() + "-" + clip.seconds(), clip.width(),
                clip.height(), clip.fps(), clip.seconds());
        Path masterFile = dir.resolve("clips").resolve(master.fileName());
        if (!Files.exists(masterFile)) {
            master.write(masterFile.getParent());
        }
        return Files.copy(masterFile, uploads.resolve(clip.fileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Submits a file written by {@link #upload}; returns the job's UUID. */
    UUID submit(Path upload) {
        return client.submit(upload, 0);
    }

    Optional<JobView> job(UUID job) {
        return jobs.job(job);
    }

    boolean allFinished(Collection<UUID> wanted) {
        return wanted.stream().allMatch(j -> jobs.job(j).map(JobView::finished).orElse(false));
    }

    /**
     * Waits until every job in {@code wanted} is complete or failed, failing fast when {@code broken} turns true.
     * Database errors while polling are ignored (the database may be down on purpose).
     */
    void awaitFinished(Collection<UUID> wanted, Duration timeout, String brokenWhat, BooleanSupplier broken) {
        await(wanted.size() + " job(s) finish").atMost(timeout).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .failFast(brokenWhat, broken::getAsBoolean).until(() -> allFinished(wanted));
    }

    /**
     * Waits until every live node has finished two heartbeats that began after now: nodes re-read policies at each
     * heartbeat, after updating lastAccess, so this proves that a policy changed before the call has been read.
     */
    void awaitPoliciesRead() {
        List<UUID> live = liveNodes().stream().map(NodeProcess::runningAs).flatMap(Optional::stream).toList();
        for (int round = 0; round < 2; round++) {
            LocalDateTime since = audit.now();
            await("heartbeats of " + live.size() + " node(s)").atMost(Duration.ofSeconds(30)).until(() -> nodeStore.list().stream()
                    .filter(n -> live.contains(n.uuid())).filter(n -> n.lastAccess().isAfter(since)).count() == live.size());
        }
    }

    /** Records a figure for RELIABILITY.md: printed at once and again, with the others, after the test. */
    void figure(String format, Object... args) {
        String line = String.format(java.util.Locale.ROOT, format, args);
        figures.add(line);
        System.out.println("[fault-figure] " + line);
    }

    @Override
    public void afterTestExecution(ExtensionContext ctx) {
        if (ctx.getExecutionException().isPresent()) {
            printDiagnostics();
        }
    }

    @Override
    public void afterEach(ExtensionContext ctx) throws InterruptedException {
        try {
            boolean databaseDown = privateDb != null && !privateDb.isRunning();
            for (NodeProcess n : nodes) {
                if (n.isAlive()) {
                    // All at once: each node's stop takes a beat or two. Without a database a node cannot release
                    // its work anyway, so it is killed instead of waiting out its retries.
                    if (databaseDown) {
                        n.thaw();
                        n.sigkill();
                    } else {
                        n.thaw();
                        n.sigterm();
                    }
                }
            }
            for (NodeProcess n : nodes) {
                n.close();
            }
            if (client != null) {
                client.close();
            }
            if (db != null) {
                db.close();
            }
        } finally {
            if (fresh != null) {
                fresh.close();
            }
            if (privateDb != null) {
                privateDb.close();
            }
            if (!figures.isEmpty()) {
                System.out.println("[fault-figures] " + ctx.getDisplayName() + ":\n  " + String.join("\n  ", figures));
            }
            if (dir != null) {
                if (Boolean.getBoolean("mpp.fault.keep")) {
                    System.out.println("[fault] kept " + dir);
                } else {
                    PrivateMariaDb.deleteTree(dir);
                }
            }
        }
    }

    /** Prints the nodes' logs, the task history, the jobs and the work folder. */
    void printDiagnostics() {
        if (dir == null) {
            return;
        }
        for (NodeProcess n : nodes) {
            System.out.println(n.tail(80));
        }
        if (privateDb != null) {
            System.out.println(privateDb.logs());
        }
        try (Stream<Path> files = Files.exists(work()) ? Files.walk(work()) : Stream.empty()) {
            System.out.println("----- work folder:\n" + files.map(p -> work().relativize(p).toString()).collect(Collectors.joining("\n")));
        } catch (IOException e) {
            System.out.println("(cannot list the work folder: " + e + ")");
        }
        try {
            System.out.println("----- task history:\n" + TaskAudit.describe(audit.events()));
            System.out.println("----- jobs:\n" + db.dsl().fetch("SELECT jobID, HEX(jobUUID) uuid, sourceName, status, failed, progress, failureReason FROM job"));
            System.out.println("----- transcode tasks:\n" + db.dsl().fetch("SELECT transcodeJobID id, HEX(fk_jobUUID) job, segmentPart, status, attempt, failures, HEX(fk_nodeUUID) node, leaseUntil, availableAt, lastError FROM transcodeJob"));
            System.out.println("----- nodes:\n" + db.dsl().fetch("SELECT nodeID, HEX(nodeUUID) uuid, roles, lastAccess, terminate FROM node"));
        } catch (RuntimeException e) {
            System.out.println("(cannot read the database: " + e + ")");
        }
    }
}
