package org.mpp;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

class NamesTest {
    @Test
    void printableEscapesControlAndReorderingCharactersAndKeepsTheRest() {
        assertThat(Names.printable("talk.mp4")).isEqualTo("talk.mp4");
        assertThat(Names.printable("vidéo 日本語 ✓ it's \"q\".mp4")).isEqualTo("vidéo 日本語 ✓ it's \"q\".mp4");
        assertThat(Names.printable("a\nb\rc\td")).isEqualTo("a\\nb\\rc\\td");
        assertThat(Names.printable("\u001b[2J\u0000\u007f\u0085")).isEqualTo("\\x1b[2J\\x00\\x7f\\x85");
        assertThat(Names.printable("evil\u202egpj.exe\u2028")).isEqualTo("evil\\u202egpj.exe\\u2028");
        assertThat(Names.printable(null)).isNull();
    }

    @Test
    void aPlainFileNameIsOneComponentWithoutControlsThatFitsNameMax() {
        assertThat(Names.isPlainFileName("talk720p30.mp4")).isTrue();
        assertThat(Names.isPlainFileName("x".repeat(255))).isTrue();
        assertThat(Names.isPlainFileName("é".repeat(128))).as("256 bytes in UTF-8").isFalse();
        for (String bad : new String[] {"", ".", "..", "../../x", "a/b", "a\\b", "/etc/passwd", "a\0b", "a\nb", "x".repeat(256)}) {
            assertThat(Names.isPlainFileName(bad)).as("'%s'", Names.printable(bad)).isFalse();
        }
        assertThat(Names.isPlainFileName(null)).isFalse();
    }

    @Test
    void logLinesEscapeControlCharactersInTheirMessage() {
        LoggingEvent event = new LoggingEvent("x", new LoggerContext().getLogger("t"), Level.WARN, "Job {} ({}) failed",
                null, new Object[] {7, "a\nFAKE LINE\u001b[31m.mp4"});

        assertThat(new PrintableMessage().convert(event)).isEqualTo("Job 7 (a\\nFAKE LINE\\x1b[31m.mp4) failed");
    }
}
