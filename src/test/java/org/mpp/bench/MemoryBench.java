package org.mpp.bench;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.mpp.client.MppClient;
import org.mpp.config.Settings;
import org.mpp.store.Database;
import org.mpp.store.JobView;
import org.mpp.store.Status;

/**
 * Issue 5, memory: the resident size of a node (a separate JVM, as in production) while it encodes the main source
 * into the default ladder of reference.conf ({@link DefaultLadder}) with two transcode workers, and after each of 50 consecutive small jobs, which must stay
 * flat. Jobs are submitted with {@link MppClient} over the node's embedded H2 database (AUTO_SERVER lets this process
 * connect to the database the node holds open). Where the small jobs show growth, JVM native memory tracking and the
 * heap figures at the end of the warm-up and at the last job say whether it is Java heap, JVM-internal memory, or
 * native memory the JVM does not see (FFmpeg, x264, glibc).
 */
final class MemoryBench implements Section {
    private static final double PEAK_TARGET_MIB = 1536;
    /**
     * The growth that counts as a leak, in MiB per job, for the least-squares slope of RSS over the jobs after the
     * warm-up (40 jobs). RSS between jobs is not a clean signal: glibc keeps freed FFmpeg buffers in its arenas and
     * gives them back in steps (jumps of 5 to 16 MiB that stay or vanish a few jobs later), and the JIT keeps compiling.
     * With no leak at all (RSS after a GC and malloc_trim flat over 60 jobs) such a run measured a slope of 0.39
     * MiB/job, so a limit must sit above that. 0.5 MiB/job (20 MiB over the 40 jobs) still catches what would hurt a
     * node over days: a lost x264 or decoder context, or a lost picture of 720p or more per job (1.3 MiB). A smaller
     * leak (one 640x360 picture, 0.33 MiB) hides in the allocator's noise; the figure after GC and malloc_trim is the
     * one to watch for it.
     */
    private static final double SLOPE_LIMIT = 0.5;
    /** Lets the export worker finish deleting the source and purging the job's folders before RSS is read. */
    private static final long SETTLE_MILLIS = 500;
    /** The node's JVM as the node tests start it: a fixed heap, so RSS above it is native memory. */
    private static final List<String> NODE_JVM = List.of("-Xmx512m", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=3g");
    private static final Duration JOB_TIMEOUT = Duration.ofHours(2);

    @Override
    public String id() {
        return "memory";
    }

    @Override
    public String title() {
        return "Memory: peak RSS on the 1080p ladder with 2 transcode workers; RSS over consecutive small jobs";
    }

    @Override
    public void run(BenchEnv env, Report report) throws Exception {
        ladderPeak(env, report);
        smallJobs(env, report);
    }

    /** Part 1: the main source through the default ladder on a node with two transcode workers. */
    private void ladderPeak(BenchEnv env, Report report) throws Exception {
        Path source = env.source();
        Path work = env.folder("memory-ladder").resolve("work");
        Settings settings = settings(work);
        try (BenchNode node = BenchNode.start(work, 2, NODE_JVM);
                RssSampler sampler = new RssSampler(node);
                Database db = Database.open(settings.db(), settings.work().dir());
                MppClient client = MppClient.create(db, settings)) {
            DefaultLadder.install(db, settings.ladder());
            long t0 = System.nanoTime();
            UUID job = client.submit(source, 0);
            requireComplete(client.await(job, JOB_TIMEOUT, v -> { }), node);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double peak = mib(node.statusKiB("VmHWM"));
            double after = mib(node.statusKiB("VmRSS"));
            String heap = heapInfo(node.jcmd("GC.heap_info"));
            report.target(id(), "ladder: peak RSS (VmHWM)", peak, "MiB", "<= " + (int) PEAK_TARGET_MIB + " MiB", peak <= PEAK_TARGET_MIB);
            report.add(id(), "ladder: highest RSS sampled every 100 ms", mib(sampler.maxKiB()), "MiB", sampler.samples() + " samples");
            report.add(id(), "ladder: RSS after the job", after, "MiB");
            report.add(id(), "ladder: job wall time", seconds, "s");
            report.note(id(), String.format(Locale.ROOT, "ladder run: %s on %d cores (each segment's encoders share the cores with the other segment running), "
                    + "MALLOC_ARENA_MAX=2, Java heap after the job: %s; node: %s", source.getFileName(),
                    Runtime.getRuntime().availableProcessors(), heap, node.commandLine()));
        }
    }

    /** Part 2: small jobs one after another on a fresh node; RSS read after each. */
    private void smallJobs(BenchEnv env, Report report) throws Exception {
        int jobs = env.tiny() ? 5 : 50;
        int warm = env.tiny() ? 2 : 10;
        Path source = env.source(640, 360, 30, 4);
        Path work = env.folder("memory-small").resolve("work");
        List<String> jvm = new ArrayList<>(NODE_JVM);
        jvm.add("-XX:NativeMemoryTracking=summary");
        double[] rss = new double[jobs];
        Snapshot atWarm = null;
        Snapshot atEnd = null;
        Snapshot trimmed;
        Settings settings = settings(work);
        try (BenchNode node = BenchNode.start(work, 2, jvm);
                Database db = Database.open(settings.db(), settings.work().dir());
                MppClient client = MppClient.create(db, settings)) {
            DefaultLadder.install(db, settings.ladder());
            for (int i = 0; i < jobs; i++) {
                UUID job = client.submit(source, 0);
                requireComplete(client.await(job, JOB_TIMEOUT, v -> { }), node);
                Thread.sleep(SETTLE_MILLIS);
                rss[i] = mib(node.statusKiB("VmRSS"));
                if (i + 1 == warm) {
                    atWarm = Snapshot.of(node, rss[i]);
                } else if (i + 1 == jobs) {
                    atEnd = Snapshot.of(node, rss[i]);
                }
            }
            trimmed = gcAndTrim(node);
        }
        String after = "jobs " + (warm + 1) + ".." + jobs;
        double slope = slope(rss, warm);
        report.add(id(), "small jobs: RSS after job 1", rss[0], "MiB");
        report.add(id(), "small jobs: RSS after job " + warm, rss[warm - 1], "MiB");
        report.add(id(), "small jobs: RSS after job " + jobs, rss[jobs - 1], "MiB");
        report.add(id(), "small jobs: highest RSS after a job", IntStream.range(0, jobs).mapToDouble(i -> rss[i]).max().orElseThrow(), "MiB");
        report.target(id(), "small jobs: RSS slope over " + after + " (least squares)", slope, "MiB/job",
                "<= " + SLOPE_LIMIT + " MiB/job", slope <= SLOPE_LIMIT);
        report.add(id(), "small jobs: RSS job " + jobs + " minus job " + warm, rss[jobs - 1] - rss[warm - 1], "MiB");
        report.add(id(), "small jobs: of which Java heap committed", atEnd.heapCommitted - atWarm.heapCommitted, "MiB", "NMT");
        report.add(id(), "small jobs: of which other JVM-tracked memory", (atEnd.nmtCommitted - atEnd.heapCommitted)
                - (atWarm.nmtCommitted - atWarm.heapCommitted), "MiB", "NMT committed minus heap: threads, code, GC, metaspace");
        report.add(id(), "small jobs: of which memory the JVM does not track", atEnd.untracked() - atWarm.untracked(), "MiB",
                "RSS minus NMT committed (approximate: committed is not all resident): FFmpeg, x264, glibc");
        report.add(id(), "small jobs: Java heap used change", atEnd.heapUsed - atWarm.heapUsed, "MiB", "GC.heap_info, no GC forced");
        report.add(id(), "small jobs: RSS after job " + jobs + ", then a GC and malloc_trim", trimmed.rss, "MiB",
                String.format(Locale.ROOT, "released %.1f MiB", rss[jobs - 1] - trimmed.rss));
        report.note(id(), "small jobs (" + source.getFileName() + ", node with -XX:NativeMemoryTracking=summary): RSS MiB after each job: "
                + IntStream.range(0, jobs).mapToObj(i -> String.format(Locale.ROOT, "%.1f", rss[i])).collect(Collectors.joining(" ")));
        report.note(id(), "small jobs at job " + warm + ": " + atWarm + "; at job " + jobs + ": " + atEnd + "; at job " + jobs
                + " after a GC and malloc_trim: " + trimmed);
    }

    /**
     * The node's RSS after a full GC (so that native memory held by unreachable JavaCPP pointers is freed) and glibc's
     * malloc_trim (jcmd System.trim_native_heap, JDK 17.0.9 and later), which returns freed memory that glibc kept in
     * its arenas: what remains is memory in use. Measured once, after the last job, so the series above is what a
     * production node shows.
     */
    private static Snapshot gcAndTrim(BenchNode node) throws Exception {
        node.jcmd("GC.run");
        // JavaCPP frees the native memory of collected pointers on its own deallocator thread, just after the GC.
        Thread.sleep(1000);
        node.jcmd("System.trim_native_heap");
        return Snapshot.of(node, mib(node.statusKiB("VmRSS")));
    }

    /** Least-squares slope of {@code y} over the points after the first {@code skip}, x = job number. */
    static double slope(double[] y, int skip) {
        int n = y.length - skip;
        double mx = 0;
        double my = 0;
        for (int i = skip; i < y.length; i++) {
            mx += i + 1;
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0;
        double sxx = 0;
        for (int i = skip; i < y.length; i++) {
            sxy += (i + 1 - mx) * (y[i] - my);
            sxx += (i + 1 - mx) * (i + 1 - mx);
        }
        return sxx == 0 ? 0 : sxy / sxx;
    }

    /** Where a node's memory is at one moment: RSS, the JVM's own accounting (NMT) and the heap. MiB. */
    private record Snapshot(double rss, double nmtCommitted, double heapCommitted, double heapUsed) {
        private static final Pattern TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");
        private static final Pattern HEAP = Pattern.compile("Java Heap \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");
        private static final Pattern USED = Pattern.compile("total (\\d+)K, used (\\d+)K");

        static Snapshot of(BenchNode node, double rss) throws Exception {
            String nmt = node.jcmd("VM.native_memory", "summary");
            String heap = node.jcmd("GC.heap_info");
            return new Snapshot(rss, kib(TOTAL, nmt, 2), kib(HEAP, nmt, 2), kib(USED, heap, 2));
        }

        double untracked() {
            return rss - nmtCommitted;
        }

        private static double kib(Pattern p, String text, int group) {
            Matcher m = p.matcher(text);
            if (!m.find()) {
                throw new IllegalStateException("No " + p + " in jcmd output:\n" + text);
            }
            return Long.parseLong(m.group(group)) / 1024.0;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "RSS %.1f MiB = NMT committed %.1f (heap committed %.1f, heap used %.1f) + untracked %.1f",
                    rss, nmtCommitted, heapCommitted, heapUsed, untracked());
        }
    }

    private static String heapInfo(String gcHeapInfo) {
        Matcher m = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(gcHeapInfo);
        return m.find() ? String.format(Locale.ROOT, "committed %.0f MiB, used %.0f MiB", Long.parseLong(m.group(1)) / 1024.0,
                Long.parseLong(m.group(2)) / 1024.0) : "?";
    }

    private static void requireComplete(JobView v, BenchNode node) {
        if (v.status() != Status.COMPLETE) {
            throw new IllegalStateException("Job " + v.uuid() + " ended " + v.statusName() + ": " + v.failureReason() + "\n" + node.tail());
        }
    }

    /** A client's settings for the node's work folder (and so its embedded database). */
    private static Settings settings(Path work) {
        return Settings.from(ConfigFactory.parseMap(Map.of("mpp.work.dir", work.toAbsolutePath().toString()))
                .withFallback(ConfigFactory.defaultReference()).resolve());
    }

    private static double mib(long kib) {
        return kib / 1024.0;
    }
}
