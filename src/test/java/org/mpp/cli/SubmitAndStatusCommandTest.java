package org.mpp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.store.JobStore;
import org.mpp.store.JobView;
import org.mpp.store.NodeStore;
import org.mpp.store.Stage;
import org.mpp.store.TaskStore;

class SubmitAndStatusCommandTest {
    @TempDir
    Path tmp;
    CliFixture cli;

    @BeforeEach
    void setUp() {
        cli = new CliFixture(tmp);
    }

    @Test
    void submitCopiesTheFileIntoTheSourceFolderAndQueuesAJob() throws IOException {
        Path clip = cli.file("uploads/clip.mp4", "not really a video");

        CliFixture.Run r = cli.run("submit", clip.toString());

        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).matches("1 [0-9a-f-]{36} clip\\.mp4");
        assertThat(cli.sourceDir().resolve("clip.mp4")).hasContent("not really a video");
        assertThat(clip).exists();
        assertThat(filesIn(cli.sourceDir())).containsExactly("clip.mp4");
        UUID uuid = UUID.fromString(r.out().strip().split(" ")[1]);
        Optional<JobView> job = cli.db(db -> new JobStore(db).job(uuid));
        assertThat(job).hasValueSatisfying(j -> {
            assertThat(j.sourceName()).isEqualTo("clip.mp4");
            assertThat(j.priority()).isZero();
        });
    }

    @Test
    void aNameAlreadyTakenInTheSourceFolderGetsANumber() throws IOException {
        Path clip = cli.file("uploads/clip.mp4", "one");

        CliFixture.Run first = cli.run("submit", clip.toString());
        CliFixture.Run second = cli.run("submit", clip.toString(), cli.file("other/clip.mp4", "two").toString());

        assertThat(first.exit()).isZero();
        assertThat(second.exit()).isZero();
        assertThat(second.out().lines().map(l -> l.split(" ")[2])).containsExactly("clip-1.mp4", "clip-2.mp4");
        assertThat(cli.sourceDir().resolve("clip.mp4")).hasContent("one");
        assertThat(cli.sourceDir().resolve("clip-2.mp4")).hasContent("two");
        assertThat(filesIn(cli.sourceDir())).containsExactlyInAnyOrder("clip.mp4", "clip-1.mp4", "clip-2.mp4");
    }

    @Test
    void aFileAlreadyInTheSourceFolderIsQueuedWhereItIs() throws IOException {
        Path inside = cli.file("work/source/shows/ep1.mp4", "x");

        CliFixture.Run r = cli.run("submit", inside.toString());

        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).endsWith(" shows/ep1.mp4");
        try (Stream<Path> all = Files.walk(cli.sourceDir())) {
            assertThat(all.filter(Files::isRegularFile)).containsExactly(inside);
        }
    }

    @Test
    void aMissingFileFailsAloneAndTheOthersAreStillSubmitted() {
        Path missing = tmp.resolve("nope.mp4");
        Path clip = cli.file("clip.mp4", "x");

        CliFixture.Run r = cli.run("submit", missing.toString(), clip.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("FAILED " + missing + ": no such file");
        assertThat(r.out().lines()).singleElement().satisfies(l -> assertThat(l).endsWith(" clip.mp4"));
    }

    @Test
    void submitWithAPriorityShowsInStatusJson() {
        cli.run("submit", cli.file("a.mp4", "a").toString());
        CliFixture.Run submitted = cli.run("submit", "--priority", "7", "--json", cli.file("b.mp4", "b").toString());

        JsonNode status = cli.run("status", "--json").json();

        assertThat(submitted.json().get(0).get("sourceName").asText()).isEqualTo("b.mp4");
        JsonNode jobs = status.get("jobs");
        assertThat(jobs).hasSize(2);
        JsonNode newest = jobs.get(0);
        assertThat(newest.get("sourceName").asText()).isEqualTo("b.mp4");
        assertThat(newest.get("priority").asInt()).isEqualTo(7);
        assertThat(newest.get("statusName").asText()).isEqualTo("imported");
        assertThat(newest.get("status").asInt()).isZero();
        assertThat(newest.get("progressPercent").asDouble()).isZero();
        assertThat(newest.get("paused").asBoolean()).isFalse();
        assertThat(newest.get("uuid").asText()).isEqualTo(submitted.json().get(0).get("uuid").asText());
        assertThat(jobs.get(1).get("priority").asInt()).isZero();
        assertThat(status.get("nodes")).isEmpty();
    }

    @Test
    void statusShowsJobsAndNodesAsAlignedTables() {
        cli.run("submit", cli.file("clip.mp4", "x").toString());
        cli.db(db -> {
            new NodeStore(db).register(UUID.randomUUID(), "encoder-1", "transcode=4", "test");
            return null;
        });

        CliFixture.Run r = cli.run("status");

        assertThat(r.exit()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("JOBS");
        assertThat(lines.get(1)).startsWith("ID  UUID").contains("SOURCE", "STATUS", "PROGRESS", "PRIORITY", "PAUSED", "FAILURE", "DELIVERED");
        assertThat(lines.get(2)).startsWith("1   ").contains("clip.mp4", "imported", "0%");
        // Aligned: each column starts where its header does.
        assertThat(lines.get(2).indexOf("imported")).isEqualTo(lines.get(1).indexOf("STATUS"));
        assertThat(lines).contains("NODES");
        String nodeHeader = lines.get(lines.indexOf("NODES") + 1);
        assertThat(nodeHeader).contains("HOST", "ROLES", "LAST SEEN", "AUTHORISED", "TERMINATE");
        assertThat(lines.get(lines.indexOf("NODES") + 2)).contains("encoder-1", "transcode=4", "yes", "no");
    }

    @Test
    void statusOfAnEmptyClusterSaysSo() {
        CliFixture.Run r = cli.run("status");

        assertThat(r.exit()).isZero();
        assertThat(r.out().lines()).containsExactly("JOBS", "No jobs.", "", "NODES", "No nodes.");
    }

    @Test
    void statusLimitShowsTheNewestJobs() {
        for (String name : List.of("a.mp4", "b.mp4", "c.mp4")) {
            cli.run("submit", cli.file(name, name).toString());
        }

        JsonNode jobs = cli.run("status", "--json", "--limit", "2").json().get("jobs");

        assertThat(jobs).hasSize(2);
        assertThat(jobs.get(0).get("sourceName").asText()).isEqualTo("c.mp4");
    }

    @Test
    void aCompletedJobShowsItsDeliveredFiles() {
        UUID job = UUID.fromString(cli.run("submit", cli.file("clip.mp4", "x").toString()).out().strip().split(" ")[1]);
        cli.db(db -> {
            // Walk the job through the three stages as a node would, without media.
            TaskStore tasks = new TaskStore(db);
            UUID node = UUID.randomUUID();
            Duration lease = Duration.ofMinutes(1);
            tasks.completeIngest(tasks.claim(Stage.INGEST, node, 1, lease).get(0), "{}", List.of("{}"));
            tasks.completeTranscode(tasks.claim(Stage.TRANSCODE, node, 1, lease).get(0));
            tasks.completeExport(tasks.claim(Stage.EXPORT, node, 1, lease).get(0), "/srv/out/clip720p30.mp4\n/srv/out/clip480p30.mp4");
            return null;
        });

        JsonNode json = cli.run("status", "--json").json().get("jobs").get(0);
        String text = cli.run("status").out();

        assertThat(json.get("uuid").asText()).isEqualTo(job.toString());
        assertThat(json.get("statusName").asText()).isEqualTo("complete");
        assertThat(json.get("progressPercent").asDouble()).isEqualTo(100.0);
        assertThat(json.get("deliveredFiles")).extracting(JsonNode::asText).containsExactly("/srv/out/clip720p30.mp4", "/srv/out/clip480p30.mp4");
        assertThat(text).contains("complete", "100%", "clip720p30.mp4, clip480p30.mp4");
    }

    @Test
    void statusEscapesControlCharactersInNamesSoThatANameCannotRedrawTheScreenOrFakeARow() {
        String name = "red\u001b[31m\nfake 2 row\u0007\u202e\u009b\u007f.mp4";
        cli.db(db -> new JobStore(db).submit(name, 0));

        CliFixture.Run r = cli.run("status");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).doesNotContain("\u001b", "\u0007", "\u202e", "\u009b");
        List<String> lines = r.out().lines().toList();
        assertThat(lines.subList(0, lines.indexOf(""))).as("JOBS, its header and one row").hasSize(3);
        assertThat(lines.get(2)).contains("red\\x1b[31m\\nfake 2 row\\x07\\u202e\\x9b\\x7f.mp4");
        CliFixture.Run json = cli.run("status", "--json");
        assertThat(json.out()).as("--json escapes them too").doesNotContain("\u007f", "\u0007", "\u202e", "\u009b");
        assertThat(json.json().get("jobs").get(0).get("sourceName").asText()).as("--json keeps the name").isEqualTo(name);
    }

    private static List<String> filesIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
