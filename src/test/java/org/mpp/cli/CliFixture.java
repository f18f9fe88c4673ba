package org.mpp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import org.mpp.config.Settings;
import org.mpp.node.WorkFolders;
import org.mpp.store.Database;

/**
 * Runs the CLI in-process against an embedded H2 database in a work folder of its own, capturing stdout and
 * stderr, and opens the same database for a test's own setup and checks.
 */
final class CliFixture {
    record Run(int exit, String out, String err) {
        JsonNode json() {
            try {
                return new ObjectMapper().readTree(out);
            } catch (IOException e) {
                throw new AssertionError("stdout is not JSON: " + out, e);
            }
        }
    }

    private final Path dir;
    private final Path conf;

    CliFixture(Path dir) {
        this.dir = dir;
        this.conf = dir.resolve("test.conf");
        try {
            Files.createDirectories(dir);
            Files.writeString(conf, "mpp.work.dir = \"" + work().toString().replace('\\', '/') + "\"\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path dir() {
        return dir;
    }

    Path work() {
        return dir.resolve("work");
    }

    Path sourceDir() {
        return work().resolve("source");
    }

    Settings settings() {
        return Settings.load(Optional.of(conf));
    }

    WorkFolders folders() {
        return new WorkFolders(settings().work());
    }

    /** {@code mpp ARGS... --config <test.conf>}, with {@code stdin} as its standard input. */
    Run runWithInput(String stdin, String... args) {
        java.io.InputStream in = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            return run(args);
        } finally {
            System.setIn(in);
        }
    }

    /** {@code mpp ARGS... --config <test.conf>}. */
    Run run(String... args) {
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

    /** Opens the work folder's database for the length of {@code work}. */
    <T> T db(Function<Database, T> work) {
        Settings s = settings();
        try (Database db = Database.open(s.db(), s.work().dir())) {
            return work.apply(db);
        }
    }

    Path file(String name, String content) {
        try {
            Path p = dir.resolve(name);
            Files.createDirectories(p.getParent());
            return Files.writeString(p, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
