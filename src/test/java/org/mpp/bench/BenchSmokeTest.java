package org.mpp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmarks are not tests (their figures are measured by {@code bench/run}, see BENCHMARKS.md); this only proves that
 * the harness runs from a clean checkout: every section on a tiny input, each reporting figures, none failing.
 */
class BenchSmokeTest {
    @Test
    void everySectionRunsOnATinyInputAndWritesItsFigures(@TempDir Path out) throws Exception {
        boolean ok = BenchMain.run(BenchOptions.parse("--tiny", "--out=" + out));

        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        Set<String> reported = new HashSet<>();
        results.path("rows").forEach(r -> {
            if (!r.path("metric").asText().equals("section wall time")) {
                reported.add(r.path("section").asText());
            }
        });
        assertThat(results.path("notes").toString()).as("notes").doesNotContain("FAILED");
        assertThat(ok).as("every section ran to its end").isTrue();
        assertThat(reported).as("sections with figures").containsExactlyInAnyOrderElementsOf(
                BenchMain.sections().stream().map(Section::id).toList());
        assertThat(Files.readString(out.resolve("results.md"))).contains("| Section | Metric |");
    }
}
