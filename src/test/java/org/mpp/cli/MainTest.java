package org.mpp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.testmedia.BadMedia;
import org.mpp.testmedia.SyntheticMedia;

class MainTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    /** Runs the CLI in-process with a small ladder and work folder under the test's folder. */
    private Run run(String... args) throws IOException {
        return runWith("", args);
    }

    /** As {@link #run}, with {@code moreConfig} appended to the configuration file. */
    private Run runWith(String moreConfig, String... args) throws IOException {
        Path conf = dir.resolve("test.conf");
        Files.writeString(conf, """
                mpp.work.dir = "%s"
                mpp.media.segment-seconds = 1
                mpp.ladder = [
                  { maxX = 320, maxY = 180, crf = 23, preset = superfast, profile = main, maxFramerate = 30, audioBitrate = 96 }
                  { maxX = 160, maxY = 90, crf = 23, preset = superfast, profile = main, maxFramerate = 15, audioBitrate = 64 }
                ]
                """.formatted(dir.resolve("work")) + moreConfig);
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--config";
        all[args.length + 1] = conf.toString();
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int exit = Main.run(all);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void transcodePrintsTheFilesItWroteAndFailsOnlyTheBadInput() throws IOException {
        Path good = SyntheticMedia.builder().seconds(2).write(dir.resolve("good.mp4"));
        Path bad = BadMedia.randomBytes(dir.resolve("bad.mp4"), 4096);
        Path outDir = dir.resolve("out");

        Run r = run("transcode", bad.toString(), good.toString(), "--out", outDir.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out().lines()).containsExactly(outDir.resolve("good180p30.mp4").toString(), outDir.resolve("good90p15.mp4").toString(),
                outDir.resolve("good-stream/master.m3u8").toString(), outDir.resolve("good-stream/manifest.mpd").toString());
        assertThat(outDir.resolve("good-stream/video-90p15/00001.m4s")).isRegularFile();
        assertThat(outDir.resolve("good-stream/poster.jpg")).isRegularFile();
        assertThat(r.err().lines().filter(l -> l.startsWith("FAILED"))).singleElement()
                .satisfies(l -> assertThat(l).startsWith("FAILED " + bad + ": not a media file"));
        assertThat(outDir.resolve("good180p30.mp4")).isRegularFile();
    }

    @Test
    void runAndTranscodeEscapeAFileNamesControlCharactersOnStderr() throws IOException {
        Path bad = BadMedia.randomBytes(dir.resolve("bad\nFAILED forged.mp4: ok\u001b[2J.mp4"), 4096);

        for (String command : new String[] {"run", "transcode"}) {
            Run r = command.equals("run") ? run("run", bad.toString()) : run("transcode", bad.toString(), "--out", dir.resolve("out").toString());

            assertThat(r.exit()).as(command).isEqualTo(1);
            assertThat(r.err()).as(command).doesNotContain("\u001b").contains("bad\\nFAILED forged.mp4: ok\\x1b[2J.mp4");
            assertThat(r.err().lines().filter(l -> l.startsWith("FAILED"))).as(command).singleElement()
                    .satisfies(l -> assertThat(l).contains("not a media file"));
        }
    }

    @Test
    void runLeavesNoCopyBehindWhenItsNodeCannotStart() throws IOException {
        // The files are copied into the source folder while the node opens its database: when that fails, nothing would
        // ever ingest or delete the copies.
        Path clip = SyntheticMedia.builder().seconds(1).write(dir.resolve("clip.mp4"));

        Run r = runWith("mpp.db.url = \"jdbc:mysql://127.0.0.1:1/mpp\"\nmpp.db.startup-wait-seconds = 0\nmpp.db.connect-timeout = 1\n",
                "run", clip.toString());

        assertThat(r.exit()).as(r.err()).isNotZero();
        assertThat(r.err()).contains("database");
        Path source = dir.resolve("work").resolve("source");
        if (Files.isDirectory(source)) {
            try (var files = Files.list(source)) {
                assertThat(files).isEmpty();
            }
        }
        assertThat(clip).isRegularFile();
    }

    @Test
    void runWithdrawsItsJobsWhenItsNodeCannotStart() throws IOException {
        // mpp run submits its files before its node's workers start, so that their first look finds them. A node that then
        // failed to start left the jobs queued in this folder's database, and their copies in the source folder: the next
        // node started on it ran them, long after this run had reported its failure.
        Path clip = SyntheticMedia.builder().seconds(1).write(dir.resolve("clip.mp4"));
        Path blocker = Files.createDirectories(dir.resolve("work")).resolve("quarantine");
        Files.writeString(blocker, "a file where the node makes a folder");

        Run r = run("run", clip.toString());

        assertThat(r.exit()).as(r.err()).isNotZero();
        assertThat(r.err()).contains("Cannot create the work folders");
        try (var files = Files.list(dir.resolve("work").resolve("source"))) {
            assertThat(files).isEmpty();
        }
        assertThat(clip).isRegularFile();
        Files.delete(blocker);
        Run jobs = run("jobs", "--json");
        assertThat(jobs.exit()).as(jobs.err()).isZero();
        assertThat(jobs.out().replaceAll("\\s", "")).as("no job left queued").isEqualTo("[]");
    }

    @Test
    void runStartsTheIngestAtOnceNotAtTheWorkersNextPoll() throws Exception {
        // A cold `mpp run` as a user starts it (a new JVM). Its node's workers used to start before the file was submitted
        // and look for work at once: without a wake after the submit the job waited for their next look, half a 500 ms
        // poll on average with the defaults, the whole minute here. Now the file is submitted before the workers start.
        Path clip = SyntheticMedia.builder().seconds(1).write(dir.resolve("clip.mp4"));
        // 64 MiB of padding (an MP4 "free" box, which readers skip), as with a real upload's size: its copy into the source
        // folder is made while the node opens its database, and the job must still start at once.
        try (var out = Files.newOutputStream(clip, java.nio.file.StandardOpenOption.APPEND)) {
            int size = 64 << 20;
            out.write(java.nio.ByteBuffer.allocate(8).putInt(size).put("free".getBytes(StandardCharsets.US_ASCII)).array());
            out.write(new byte[size - 8]);
        }
        Path conf = dir.resolve("slow-poll.conf");
        Files.writeString(conf, "mpp.work.dir = \"" + dir.resolve("work") + "\"\nmpp.node.poll-millis = 60000\n");
        ProcessBuilder cold = org.mpp.testnode.NodeProcess.cli(List.of(), List.of(),
                List.of("run", clip.toString(), "--config", conf.toString()));

        long t0 = System.nanoTime();
        Process p = cold.redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        double seconds = (System.nanoTime() - t0) / 1e9;

        assertThat(exit).as(output).isZero();
        assertThat(output).contains("clip720p30.mp4");
        assertThat(seconds).as("well inside one 60 s poll: " + output).isLessThan(40);
    }

    @Test
    void transcodeOfGoodInputsExitsZero() throws IOException {
        Path good = SyntheticMedia.builder().seconds(1).write(dir.resolve("a.mp4"));

        assertThat(run("transcode", good.toString(), "--out", dir.resolve("out").toString()).exit()).isZero();
    }

    @Test
    void probePrintsMediaInfoAsJson() throws IOException {
        Path good = SyntheticMedia.builder().seconds(1).audio(6, 48000).write(dir.resolve("a.mp4"));

        Run r = run("probe", good.toString());

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("\"codec\" : \"h264\"").contains("\"channelLayout\" : \"5.1\"").contains("\"keyframeTimes\"");
    }

    @Test
    void probeOfAnAudioFileFailsWithOneLine() throws IOException {
        Path song = BadMedia.audioOnly(dir.resolve("song.m4a"));

        Run r = run("probe", song.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("FAILED " + song + ": no video stream (audio only)");
    }

    @Test
    void demoMakesAClipAndRunsItThroughANode() throws IOException {
        Run r = run("demo", "--seconds", "2");

        assertThat(r.exit()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3).allSatisfy(line -> {
            assertThat(line).startsWith(dir.resolve("work").resolve("export").toAbsolutePath().toString());
            assertThat(Path.of(line)).isRegularFile();
        });
        assertThat(lines.get(0)).endsWith("demo720p30.mp4");
        assertThat(lines.subList(1, 3)).allSatisfy(line -> assertThat(line).contains("demo-stream"));
    }

    @Test
    void everyCommandHasHelp() throws IOException {
        assertThat(run("--help").out()).contains("transcode").contains("probe");
        assertThat(run("transcode", "--help").out()).contains("--out").contains("INPUT");
        assertThat(run("probe", "--help").out()).contains("INPUT");
    }

    @Test
    void aCommandBuildsOnlyItsOwnModelAndAnythingElseBuildsEvery() throws IOException {
        assertThat(Main.commandLine("run", "clip.mp4").getSubcommands().keySet()).containsExactly("run");
        assertThat(Main.commandLine("--config", "mpp.conf", "status").getSubcommands().keySet()).containsExactly("status");
        assertThat(Main.commandLine("--config=mpp.conf", "jobs", "list").getSubcommands().keySet()).containsExactly("jobs");
        for (String[] args : List.of(new String[0], new String[] {"--help"}, new String[] {"help", "run"}, new String[] {"rnu"})) {
            assertThat(Main.commandLine(args).getSubcommands()).as("commands for %s", List.of(args)).hasSize(16).containsKeys("run", "db", "help");
        }
        assertThat(run("help", "run").out()).contains("FILE");
        assertThat(run("rnu").err()).contains("rnu").contains("run");
    }

    @Test
    void aBadConfigurationExitsTwoNamingTheKey() throws IOException {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "mpp.media.segment-seconds = -3\n");
        PrintStream err = System.err;
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int exit;
        try {
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            exit = Main.run("probe", "x.mp4", "--config", conf.toString());
        } finally {
            System.setErr(err);
        }

        assertThat(exit).isEqualTo(2);
        assertThat(e.toString(StandardCharsets.UTF_8)).contains("mpp.media.segment-seconds").contains("bad.conf");
    }

    @Test
    void picocliIsCompiledWithMppSoThatTheClassDataArchiveCanHoldIt() throws IOException {
        // The JDK 17 archive refuses class files older than Java 6; picocli's own jar holds Java 5 ones (major 49).
        byte[] head;
        try (var in = picocli.CommandLine.class.getResourceAsStream("CommandLine.class")) {
            head = in.readNBytes(8);
        }
        int major = (head[6] & 0xff) << 8 | head[7] & 0xff;
        assertThat(major).as("class file major version of picocli.CommandLine").isGreaterThanOrEqualTo(61);
    }
}
