package org.mpp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mpp.FileIdentity;

/**
 * A completed job deletes its source only while the name still holds the file the job read: a user who puts a new file
 * under the same name for a new job (as {@code DeliveryClashTest} does right after the first job completed) keeps it.
 */
class SourceFilesTest {
    @TempDir
    Path dir;

    @Test
    void theFileTheJobReadIsDeleted() throws IOException {
        Path source = Files.writeString(dir.resolve("talk.mp4"), "today");
        FileIdentity read = FileIdentity.of(source).orElseThrow();

        assertThat(SourceFiles.deleteIfUnchanged(source, read)).isTrue();
        assertThat(source).doesNotExist();
    }

    @Test
    void aNewFileRenamedOverTheNameStays() throws IOException {
        Path source = Files.writeString(dir.resolve("talk.mp4"), "today");
        FileIdentity read = FileIdentity.of(source).orElseThrow();
        Files.move(Files.writeString(dir.resolve(".upload"), "today"), source, StandardCopyOption.REPLACE_EXISTING);

        assertThat(SourceFiles.deleteIfUnchanged(source, read)).isFalse();
        assertThat(source).hasContent("today");
    }

    @Test
    void aNewFileWrittenIntoTheOldOneStays() throws IOException {
        Path source = Files.writeString(dir.resolve("talk.mp4"), "today");
        FileIdentity read = FileIdentity.of(source).orElseThrow();
        Files.writeString(source, "tomorrow's upload"); // Truncates and rewrites the same inode, as an encoder writing a path does.

        assertThat(SourceFiles.deleteIfUnchanged(source, read)).isFalse();
        assertThat(source).hasContent("tomorrow's upload");
    }

    @Test
    void aSourceAlreadyGoneIsNoError() throws IOException {
        Path source = Files.writeString(dir.resolve("talk.mp4"), "today");
        FileIdentity read = FileIdentity.of(source).orElseThrow();
        Files.delete(source);

        assertThat(SourceFiles.deleteIfUnchanged(source, read)).isFalse();
        assertThat(FileIdentity.of(dir)).as("a folder is no source").isEmpty();
    }
}
