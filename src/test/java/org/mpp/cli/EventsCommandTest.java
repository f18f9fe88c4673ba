package org.mpp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.store.JobStore;
import org.mpp.store.WebhookStore;

/** mpp submit --callback, mpp events and mpp events resend. */
class EventsCommandTest {
    @TempDir
    Path tmp;
    CliFixture cli;

    @BeforeEach
    void setUp() {
        cli = new CliFixture(tmp);
    }

    @Test
    void submitKeepsAnHttpCallbackAndRefusesAnyOtherScheme() throws Exception {
        Path clip = cli.file("uploads/clip.mp4", "not really a video");

        CliFixture.Run bad = cli.run("submit", "--callback", "file:///etc/passwd", clip.toString());
        assertThat(bad.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(bad.err()).contains("http:// or https://");

        CliFixture.Run ok = cli.run("submit", "--callback", "https://hooks.example.test/mpp?token=abc", clip.toString());
        assertThat(ok.exit()).isZero();
        UUID job = UUID.fromString(ok.out().strip().split(" ")[1]);
        java.util.Optional<String> stored = cli.db(db -> new JobStore(db).callbackUrl(job));
        assertThat(stored).hasValue("https://hooks.example.test/mpp?token=abc");
    }

    @Test
    void eventsListsEachDestinationsStateWithoutTheQueryStringAndResendQueuesOneAgain() {
        UUID job = cli.db(db -> {
            JobStore jobs = new JobStore(db);
            UUID j = jobs.submit("a.mp4", 0, "https://hooks.example.test/mpp?token=secret-token");
            jobs.fail(j, "unreadable");
            new WebhookStore(db).fanOut(java.util.List.of(), 10);
            return j;
        });

        CliFixture.Run table = cli.run("events");
        assertThat(table.exit()).isZero();
        assertThat(table.out()).contains("job.failed", "callback https://hooks.example.test/mpp", "waiting").doesNotContain("secret-token");

        CliFixture.Run json = cli.run("events", "--json");
        assertThat(json.exit()).isZero();
        JsonNode e = json.json().get(0);
        assertThat(e.get("event").asText()).isEqualTo("job.failed");
        assertThat(e.get("jobUuid").asText()).isEqualTo(job.toString());
        assertThat(e.get("deliveries").get(0).get("destination").asText()).isEqualTo("https://hooks.example.test/mpp");
        assertThat(json.out()).doesNotContain("secret-token");

        CliFixture.Run resend = cli.run("events", "resend", e.get("id").asText());
        assertThat(resend.exit()).isZero();
        assertThat(cli.run("events", "resend", "no-such-id").exit()).isEqualTo(Main.EXIT_FAILED);
    }
}
