package org.mpp.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mpp.ladder.OutputSpec;

/**
 * Every setting MPP reads, read once and checked at start-up. Defaults live in the jar's reference.conf;
 * nothing here has a fallback of its own. Immutable and thread-safe.
 */
public record Settings(Db db, Work work, Node node, Media media, Packaging packaging, List<OutputSpec> ladder, Webhooks webhooks, Api api) {

    /** The settings with no webhook endpoint and no callback secret, and the API's defaults (tools and tests that build settings by hand). */
    public Settings(Db db, Work work, Node node, Media media, Packaging packaging, List<OutputSpec> ladder) {
        this(db, work, node, media, packaging, ladder, Webhooks.none(), Api.defaults());
    }

    /** The same settings with other webhook settings. */
    public Settings withWebhooks(Webhooks w) {
        return new Settings(db, work, node, media, packaging, ladder, w, api);
    }

    /** What a finished job is delivered as. */
    public enum Format { MP4, HLS, DASH }

    /**
     * The streaming package made beside the MP4 files.
     *
     * @param formats what a job delivers: MP4 files, and an HLS and/or DASH package (one set of CMAF segments for both)
     * @param segmentSeconds length of the package's media segments: a whole multiple of the GOP, so that every segment
     *     starts with a keyframe
     * @param thumbnailSeconds time between two scrubbing thumbnails
     */
    public record Packaging(Set<Format> formats, double segmentSeconds, double thumbnailSeconds) {
        /** The reference defaults: every format, 4 s segments, a thumbnail every 5 s. */
        public static Packaging defaults() {
            return new Packaging(Set.of(Format.MP4, Format.HLS, Format.DASH), 4, 5);
        }

        public Packaging {
            formats = Set.copyOf(formats);
        }

        /** Whether a package folder is made at all (HLS or DASH asked for). */
        public boolean streaming() {
            return formats.contains(Format.HLS) || formats.contains(Format.DASH);
        }
    }

    /**
     * Database connection; an empty url means the embedded H2 database in the work folder.
     *
     * @param statementTimeout how long any one statement of the store may run before it is cancelled (whole seconds)
     */
    public record Db(Optional<String> url, Optional<String> user, Optional<String> password, int poolSize,
            java.time.Duration connectTimeout, java.time.Duration socketTimeout, java.time.Duration startupWait,
            java.time.Duration statementTimeout) {
    }

    /**
     * Work folders; an empty delivery dir means no delivery copy.
     *
     * @param minFreeBytes below this much free space on the work folder's file system a node claims nothing new (0 = never
     *     pauses)
     * @param fullRetry how long a task that found the disk full waits before it may be claimed again
     * @param watch whether this node turns files that appear in the source folder into jobs
     * @param watchSettle how long a file's size and modification time must stay the same before it becomes a job
     */
    public record Work(Path dir, Path sourceDir, Optional<Path> deliveryDir, long minFreeBytes, java.time.Duration fullRetry,
            boolean watch, java.time.Duration watchSettle) {
        /** Without the watch folder. */
        public Work(Path dir, Path sourceDir, Optional<Path> deliveryDir, long minFreeBytes, java.time.Duration fullRetry) {
            this(dir, sourceDir, deliveryDir, minFreeBytes, fullRetry, false, java.time.Duration.ofSeconds(5));
        }
    }

    /**
     * The HTTP service (org.mpp.api).
     *
     * @param enabled whether {@code mpp node} serves it
     * @param bind the address it listens on (loopback by default)
     * @param port its TCP port; 0 = any free port (tests)
     * @param maxUploadBytes the largest upload accepted
     * @param metricsAuth whether {@code /metrics} needs an API key
     */
    public record Api(boolean enabled, String bind, int port, long maxUploadBytes, boolean metricsAuth) {
        /** reference.conf's: off, loopback, port 8080, 4 GiB uploads, /metrics open. */
        public static Api defaults() {
            return new Api(false, "127.0.0.1", 8080, 4096L * 1024 * 1024, false);
        }
    }

    /** Worker threads per role on this node (0 = role off). */
    public record Roles(int ingest, int transcode, int export) {
    }

    /**
     * How a node keeps in touch with the database.
     *
     * @param taskStall a running task that reports no progress for this long is cancelled and counted as a failure
     */
    public record Node(Roles roles, java.time.Duration heartbeat, java.time.Duration lease, java.time.Duration poll,
            java.time.Duration taskStall) {
    }

    /**
     * Media engine settings.
     *
     * @param decoderThreads 0 = follow the cores
     * @param encoderThreads 0 = follow the cores
     * @param limits what a source may demand before it is refused as bad input
     */
    public record Media(double segmentSeconds, double gopSeconds, int decoderThreads, int encoderThreads, Limits limits) {
        /** With the limits of reference.conf (tests and tools that only choose the first four). */
        public Media(double segmentSeconds, double gopSeconds, int decoderThreads, int encoderThreads) {
            this(segmentSeconds, gopSeconds, decoderThreads, encoderThreads, Limits.reference());
        }

        /** The same settings with other thread counts. */
        public Media withThreads(int decoder, int encoder) {
            return new Media(segmentSeconds, gopSeconds, decoder, encoder, limits);
        }
    }

    /**
     * Caps on what a hostile or broken source can make a node do; a source beyond one fails as bad input naming the key.
     *
     * @param maxSourceSeconds longest source accepted (video or audio)
     * @param maxSegments most segments a source may be cut into
     * @param maxFrameGapSeconds longest time one video frame may stay on screen: a gap is filled by repeating the frame,
     *     so frames hours apart would otherwise become millions of encoded frames
     * @param maxAudioGapSeconds longest silence filled in for a gap in the audio track (or before its start)
     * @param maxPixels most pixels a picture may have, checked by the probe and by every video decoder (FFmpeg's
     *     {@code max_pixels}), so a stream that grows mid-file is stopped too
     */
    public record Limits(double maxSourceSeconds, int maxSegments, double maxFrameGapSeconds, double maxAudioGapSeconds,
            long maxPixels) {
        /** The defaults of the jar's reference.conf. */
        public static Limits reference() {
            return read(ConfigFactory.defaultReference());
        }

        static Limits read(Config c) {
            long pixels = c.getLong("mpp.media.max-pixels");
            if (pixels <= 0) {
                throw new ConfigException.BadValue(c.getValue("mpp.media.max-pixels").origin(), "mpp.media.max-pixels",
                        "must be more than 0, was " + pixels);
            }
            return new Limits(positive(c, "mpp.media.max-source-seconds"), positiveInt(c, "mpp.media.max-segments"),
                    positive(c, "mpp.media.max-frame-gap-seconds"), positive(c, "mpp.media.max-audio-gap-seconds"), pixels);
        }
    }

    /**
     * Webhooks (mpp.webhooks): where job events are POSTed and how deliveries are retried. {@code toString} never shows a
     * secret.
     *
     * @param endpoints every job event goes to each of these
     * @param callbackSecret signs the events sent to a job's own callback URL; empty = those are sent unsigned
     * @param retryFor how long after it was queued a delivery is retried before it is kept as failed
     * @param requestTimeout how long one POST may take, connection included
     * @param backoffInitial the wait after a delivery's first failure; each later failure doubles it
     * @param backoffMax the longest wait between two attempts
     * @param poll how often an idle sender looks for due deliveries
     */
    public record Webhooks(List<Endpoint> endpoints, Optional<String> callbackSecret, java.time.Duration retryFor,
            java.time.Duration requestTimeout, java.time.Duration backoffInitial, java.time.Duration backoffMax,
            java.time.Duration poll) {
        public Webhooks {
            endpoints = List.copyOf(endpoints);
        }

        /** No endpoint, no callback secret, the reference timings. */
        public static Webhooks none() {
            return read(ConfigFactory.defaultReference());
        }

        /** The same settings with other endpoints. */
        public Webhooks withEndpoints(List<Endpoint> e) {
            return new Webhooks(e, callbackSecret, retryFor, requestTimeout, backoffInitial, backoffMax, poll);
        }

        /** The same settings with another callback secret. */
        public Webhooks withCallbackSecret(Optional<String> s) {
            return new Webhooks(endpoints, s, retryFor, requestTimeout, backoffInitial, backoffMax, poll);
        }

        /** The same settings with other retry timings. */
        public Webhooks withTimings(java.time.Duration retry, java.time.Duration initial, java.time.Duration max, java.time.Duration every) {
            return new Webhooks(endpoints, callbackSecret, retry, requestTimeout, initial, max, every);
        }

        @Override
        public String toString() {
            return "Webhooks[endpoints=" + endpoints + ", callbackSecret=" + (callbackSecret.isPresent() ? "(set)" : "(none)")
                    + ", retryFor=" + retryFor + ", requestTimeout=" + requestTimeout + ", backoff=" + backoffInitial + ".." + backoffMax
                    + ", poll=" + poll + "]";
        }

        static Webhooks read(Config c) {
            String key = "mpp.webhooks.endpoints";
            List<Endpoint> endpoints = new ArrayList<>();
            List<? extends ConfigObject> rows = c.getObjectList(key);
            for (int i = 0; i < rows.size(); i++) {
                ConfigObject row = rows.get(i);
                String where = key + "[" + i + "]";
                for (String k : row.keySet()) {
                    if (!k.equals("url") && !k.equals("secret")) {
                        throw new ConfigException.BadPath(row.get(k).origin(), where + "." + k, "unknown endpoint field; use url and secret");
                    }
                }
                Config r = row.toConfig();
                if (!r.hasPath("url")) {
                    throw new ConfigException.Missing(row.origin(), where + ".url");
                }
                java.net.URI url;
                try {
                    url = WebhookUrls.check(r.getString("url"));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException.BadValue(row.get("url").origin(), where + ".url", e.getMessage());
                }
                Optional<String> secret = r.hasPath("secret") ? Optional.of(r.getString("secret")).filter(s -> !s.isEmpty()) : Optional.empty();
                endpoints.add(new Endpoint(url, secret));
            }
            double hours = positive(c, "mpp.webhooks.retry-hours");
            return new Webhooks(endpoints, optionalString(c, "mpp.webhooks.callback-secret"),
                    java.time.Duration.ofMillis((long) (hours * 3_600_000)),
                    java.time.Duration.ofMillis((long) (positive(c, "mpp.webhooks.request-timeout-seconds") * 1000)),
                    java.time.Duration.ofMillis((long) (positive(c, "mpp.webhooks.backoff-initial-seconds") * 1000)),
                    java.time.Duration.ofMillis((long) (positive(c, "mpp.webhooks.backoff-max-seconds") * 1000)),
                    java.time.Duration.ofMillis(positiveInt(c, "mpp.webhooks.poll-millis")));
        }
    }

    /** A webhook endpoint; {@code toString} shows neither the secret nor the URL's query. */
    public record Endpoint(java.net.URI url, Optional<String> secret) {
        @Override
        public String toString() {
            return "Endpoint[" + WebhookUrls.forLog(url) + (secret.isPresent() ? ", signed" : ", unsigned") + "]";
        }
    }

    private static final Set<String> OUTPUT_FIELDS = Set.of("maxX", "maxY", "crf", "preset", "profile", "maxFramerate", "audioBitrate");

    /**
     * Loads settings as a node or CLI run sees them: {@code -Dmpp...} system properties over {@code file} (or
     * ./application.conf when {@code file} is empty and that exists) over reference.conf.
     *
     * @throws ConfigurationException naming the key and file of the first problem
     */
    public static Settings load(Optional<Path> file) {
        Config fileConfig = ConfigFactory.empty();
        Path chosen = file.orElse(Path.of("application.conf"));
        if (file.isPresent() && !Files.isRegularFile(chosen)) {
            throw new ConfigurationException("Configuration file " + chosen.toAbsolutePath() + " does not exist");
        }
        try {
            if (Files.isRegularFile(chosen)) {
                fileConfig = ConfigFactory.parseFile(chosen.toFile(), com.typesafe.config.ConfigParseOptions.defaults().setAllowMissing(false));
            }
            Config config = ConfigFactory.systemProperties().withFallback(fileConfig).withFallback(ConfigFactory.defaultReference()).resolve();
            return from(config);
        } catch (ConfigException e) {
            throw new ConfigurationException("Bad configuration: " + e.getMessage(), e);
        }
    }

    /**
     * Reads settings from an already assembled config (an application embedding MPP passes its own); it must
     * include reference.conf's defaults, e.g. {@code myConfig.withFallback(ConfigFactory.defaultReference())}.
     */
    public static Settings from(Config config) {
        try {
            Config reference = ConfigFactory.defaultReference();
            try {
                config.checkValid(reference, "mpp");
            } catch (ConfigException.ValidationFailed e) {
                StringBuilder msg = new StringBuilder();
                for (ConfigException.ValidationProblem p : e.problems()) {
                    String path = p.path().startsWith("mpp.") ? p.path() : "mpp." + p.path();
                    msg.append(msg.length() == 0 ? "" : "; ").append(path).append(": ").append(p.problem())
                            .append(" (").append(p.origin().description()).append(")");
                }
                throw new ConfigurationException("Bad configuration: " + msg, e);
            }
            rejectUnknownKeys(config.getConfig("mpp"), reference.getConfig("mpp"));
            Config c = config;
            Path workDir = Path.of(c.getString("mpp.work.dir"));
            Work work = new Work(workDir,
                    optionalString(c, "mpp.work.source-dir").map(Path::of).orElse(workDir.resolve("source")),
                    optionalString(c, "mpp.work.delivery-dir").map(Path::of),
                    (long) (nonNegativeDouble(c, "mpp.work.min-free-mb") * 1024 * 1024),
                    java.time.Duration.ofMillis((long) (positive(c, "mpp.work.full-retry-seconds") * 1000)),
                    c.getBoolean("mpp.work.watch"),
                    java.time.Duration.ofMillis((long) (nonNegativeDouble(c, "mpp.work.watch-settle-seconds") * 1000)));
            Roles roles = new Roles(nonNegative(c, "mpp.node.roles.ingest"), nonNegative(c, "mpp.node.roles.transcode"),
                    nonNegative(c, "mpp.node.roles.export"));
            Media media = new Media(positive(c, "mpp.media.segment-seconds"), positive(c, "mpp.media.gop-seconds"),
                    nonNegative(c, "mpp.media.decoder-threads"), nonNegative(c, "mpp.media.encoder-threads"), Limits.read(c));
            Node node = new Node(roles, java.time.Duration.ofMillis((long) (positive(c, "mpp.node.heartbeat-seconds") * 1000)),
                    java.time.Duration.ofMillis((long) (positive(c, "mpp.node.lease-seconds") * 1000)),
                    java.time.Duration.ofMillis(positiveInt(c, "mpp.node.poll-millis")),
                    java.time.Duration.ofMillis((long) (positive(c, "mpp.node.task-stall-seconds") * 1000)));
            if (node.lease().compareTo(node.heartbeat().multipliedBy(3)) < 0) {
                throw new ConfigException.BadValue(c.getValue("mpp.node.lease-seconds").origin(), "mpp.node.lease-seconds",
                        "must be at least three heartbeats (" + node.heartbeat().multipliedBy(3).toMillis() / 1000.0 + " s), or live nodes lose their tasks");
            }
            java.time.Duration statementTimeout = statementTimeout(c, node.lease());
            java.time.Duration socketTimeout = java.time.Duration.ofMillis((long) (positive(c, "mpp.db.socket-timeout") * 1000));
            if (socketTimeout.compareTo(statementTimeout) <= 0) {
                throw new ConfigException.BadValue(c.getValue("mpp.db.socket-timeout").origin(), "mpp.db.socket-timeout",
                        "must be more than the statement timeout (" + statementTimeout.toSeconds() + " s), or a slow statement breaks its"
                                + " connection instead of being cancelled");
            }
            Db db = new Db(optionalString(c, "mpp.db.url"), optionalString(c, "mpp.db.user"), optionalString(c, "mpp.db.password"),
                    positiveInt(c, "mpp.db.pool-size"), java.time.Duration.ofMillis((long) (positive(c, "mpp.db.connect-timeout") * 1000)),
                    socketTimeout, java.time.Duration.ofMillis((long) (nonNegativeDouble(c, "mpp.db.startup-wait-seconds") * 1000)),
                    statementTimeout);
            int port = nonNegative(c, "mpp.api.port");
            if (port > 65535) {
                throw new ConfigException.BadValue(c.getValue("mpp.api.port").origin(), "mpp.api.port", "must be a TCP port (0 to 65535), was " + port);
            }
            Api api = new Api(c.getBoolean("mpp.api.enabled"), c.getString("mpp.api.bind"), port,
                    positiveInt(c, "mpp.api.max-upload-mb") * 1024L * 1024L, c.getBoolean("mpp.api.metrics-auth"));
            return new Settings(db, work, node, media, packaging(c, media), ladder(c), Webhooks.read(c), api);
        } catch (ConfigException e) {
            throw new ConfigurationException("Bad configuration: " + e.getMessage(), e);
        }
    }

    private static Packaging packaging(Config c, Media media) {
        Set<Format> formats = new java.util.HashSet<>();
        for (String f : c.getStringList("mpp.packaging.formats")) {
            try {
                formats.add(Format.valueOf(f.trim().toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException.BadValue(c.getValue("mpp.packaging.formats").origin(), "mpp.packaging.formats",
                        "'" + f + "' is not a format: use mp4, hls and/or dash");
            }
        }
        if (formats.isEmpty()) {
            throw new ConfigException.BadValue(c.getValue("mpp.packaging.formats").origin(), "mpp.packaging.formats",
                    "must name at least one of mp4, hls, dash: a job must deliver something");
        }
        double segment = positive(c, "mpp.packaging.segment-seconds");
        double gops = segment / media.gopSeconds();
        if (Math.abs(gops - Math.rint(gops)) > 1e-9 || Math.rint(gops) < 1) {
            throw new ConfigException.BadValue(c.getValue("mpp.packaging.segment-seconds").origin(), "mpp.packaging.segment-seconds",
                    "must be a whole multiple of mpp.media.gop-seconds (" + media.gopSeconds() + "), so that every segment starts with a"
                            + " keyframe; " + segment + " is not");
        }
        return new Packaging(formats, segment, positive(c, "mpp.packaging.thumbnail-seconds"));
    }

    private static void rejectUnknownKeys(Config mpp, Config reference) {
        for (Map.Entry<String, ConfigValue> e : mpp.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith("ladder") && !reference.hasPathOrNull(key)) {
                throw new ConfigException.BadPath(e.getValue().origin(), "mpp." + key,
                        "unknown setting (misspelt?); the known ones are listed in reference.conf");
            }
        }
    }

    private static List<OutputSpec> ladder(Config c) {
        List<OutputSpec> ladder = new ArrayList<>();
        List<? extends ConfigObject> rows = c.getObjectList("mpp.ladder");
        for (int i = 0; i < rows.size(); i++) {
            ConfigObject row = rows.get(i);
            String where = "mpp.ladder[" + i + "]";
            for (String k : row.keySet()) {
                if (!OUTPUT_FIELDS.contains(k)) {
                    throw new ConfigException.BadPath(row.get(k).origin(), where + "." + k, "unknown output field; use " + OUTPUT_FIELDS);
                }
            }
            Config r = row.toConfig();
            for (String k : OUTPUT_FIELDS) {
                if (!r.hasPath(k)) {
                    throw new ConfigException.Missing(row.origin(), where + "." + k);
                }
            }
            try {
                ladder.add(new OutputSpec(r.getInt("maxX"), r.getInt("maxY"), r.getInt("crf"), r.getString("preset"),
                        r.getString("profile"), r.getInt("maxFramerate"), r.getInt("audioBitrate")));
            } catch (IllegalArgumentException e) {
                throw new ConfigException.BadValue(row.origin(), where, e.getMessage());
            }
        }
        if (ladder.isEmpty()) {
            throw new ConfigException.BadValue(c.getValue("mpp.ladder").origin(), "mpp.ladder", "the ladder needs at least one output");
        }
        return List.copyOf(ladder);
    }

    /**
     * mpp.db.statement-timeout, or a third of the lease (at least a second: JDBC counts whole seconds) when it is null;
     * a statement allowed to run as long as a lease would let the node's tasks expire while it waits.
     */
    private static java.time.Duration statementTimeout(Config c, java.time.Duration lease) {
        String key = "mpp.db.statement-timeout";
        if (c.getIsNull(key)) {
            return java.time.Duration.ofSeconds(Math.max(1, (lease.toMillis() / 3 + 999) / 1000));
        }
        int seconds = positiveInt(c, key);
        if (java.time.Duration.ofSeconds(seconds).compareTo(lease) >= 0) {
            throw new ConfigException.BadValue(c.getValue(key).origin(), key, "must be less than mpp.node.lease-seconds ("
                    + lease.toMillis() / 1000.0 + " s), or a node's tasks expire while one of its statements waits");
        }
        return java.time.Duration.ofSeconds(seconds);
    }

    private static Optional<String> optionalString(Config c, String key) {
        return c.getIsNull(key) ? Optional.empty() : Optional.of(c.getString(key)).filter(s -> !s.isBlank());
    }

    private static int nonNegative(Config c, String key) {
        int v = c.getInt(key);
        if (v < 0) {
            throw new ConfigException.BadValue(c.getValue(key).origin(), key, "must be 0 or more, was " + v);
        }
        return v;
    }

    private static int positiveInt(Config c, String key) {
        int v = c.getInt(key);
        if (v <= 0) {
            throw new ConfigException.BadValue(c.getValue(key).origin(), key, "must be more than 0, was " + v);
        }
        return v;
    }

    private static double nonNegativeDouble(Config c, String key) {
        double v = c.getDouble(key);
        if (!(v >= 0)) {
            throw new ConfigException.BadValue(c.getValue(key).origin(), key, "must be 0 or more, was " + v);
        }
        return v;
    }

    private static double positive(Config c, String key) {
        double v = c.getDouble(key);
        if (!(v > 0)) {
            throw new ConfigException.BadValue(c.getValue(key).origin(), key, "must be more than 0, was " + v);
        }
        return v;
    }
}
