package org.mpp;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

class LogSetupTest {
    @Test
    void logbackFindsItAsAService() {
        assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type)).contains(LogSetup.class);
    }

    @Test
    void warningsGoToStderrOnOneEscapedLineAndTheQuietLoggersStayQuiet() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // What logback's own start gives it.
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            assertThat(new LogSetup().configure(context)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
            Logger log = context.getLogger("org.mpp.node.Stages");
            log.warn("Job {} ({}) failed", 7, "a\nFAKE LINE\u001b[31m.mp4");
            log.info("not shown: below WARN");
            context.getLogger("ffmpeg").info("not shown either");
            context.getLogger("org.jooq.impl.Tools").warn("not shown: jOOQ shows errors only");
            context.getLogger("org.jooq.impl.Tools").error("jOOQ error");
        } finally {
            System.setErr(err);
            context.stop();
        }
        String[] lines = captured.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  \\[.+] org\\.mpp\\.node\\.Stages - Job 7 \\(a\\\\nFAKE LINE\\\\x1b\\[31m\\.mp4\\) failed");
        assertThat(lines[1]).contains("ERROR").endsWith("jOOQ error");
    }

    @Test
    void stepsAsideForAConfigurationFile(@TempDir Path dir) throws Exception {
        try (URLClassLoader none = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            assertThat(LogSetup.configuredElsewhere(null, none)).isFalse();
            assertThat(LogSetup.configuredElsewhere("", none)).isFalse();
            assertThat(LogSetup.configuredElsewhere("/etc/mpp/logback.xml", none)).as("-Dlogback.configurationFile").isTrue();
        }
        for (String name : new String[] {"logback.xml", "logback-test.xml"}) {
            Path withFile = Files.createDirectories(dir.resolve(name + ".d"));
            Files.writeString(withFile.resolve(name), "<configuration/>");
            try (URLClassLoader loader = new URLClassLoader(new URL[] {withFile.toUri().toURL()}, null)) {
                assertThat(LogSetup.configuredElsewhere(null, loader)).as(name).isTrue();
            }
        }
    }

    @Test
    void mppShipsNoLogbackFileOfItsOwn() {
        // One on MPP's class path would make LogSetup step aside in every run.
        assertThat(LogSetup.class.getClassLoader().getResource("logback.xml")).isNull();
        assertThat(LogSetup.class.getClassLoader().getResource("logback-test.xml")).isNull();
    }
}
