package org.mpp.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskFullExceptionTest {
    @TempDir
    Path dir;

    @Test
    void javaReportsAFullDiskAsAnIoErrorWithTheSystemsTextWhereverItIsWrapped() {
        IOException full = new FileSystemException(dir.resolve("a.mp4").toString(), null, "No space left on device");

        assertThat(DiskFullException.isDiskFull(full)).isTrue();
        assertThat(DiskFullException.isDiskFull(new UncheckedIOException(full))).isTrue();
        assertThat(DiskFullException.isDiskFull(new RuntimeException("export failed", new UncheckedIOException(full)))).isTrue();
    }

    @Test
    void otherErrorsAreNotAFullDisk() {
        assertThat(DiskFullException.isDiskFull(new FileSystemException("a.mp4", null, "Permission denied"))).isFalse();
        assertThat(DiskFullException.isDiskFull(new MediaException("Writing a.mp4 failed: Invalid argument"))).isFalse();
        assertThat(DiskFullException.isDiskFull(new IllegalStateException("No space left on device, said nobody"))).isFalse();
        assertThat(DiskFullException.isDiskFull(null)).isFalse();
    }

    @Test
    void theMessageNamesTheWriteAndTheRoomLeftAndItIsARetryableMediaError() {
        DiskFullException e = new DiskFullException("Writing " + dir.resolve("a.mp4"), dir.resolve("a.mp4"), null);

        assertThat(e).isInstanceOf(MediaException.class).isNotInstanceOf(BadInputException.class);
        assertThat(e.getMessage()).startsWith("Writing " + dir.resolve("a.mp4") + " failed: no space left on device (")
                .containsPattern("\\d+(\\.\\d)? (bytes|KiB|MiB|GiB|TiB) free on its file system").endsWith("free some space there");
        assertThat(e.freeBytes()).isPositive();
        assertThat(e.path()).isEqualTo(dir.resolve("a.mp4"));
        assertThat(DiskFullException.isDiskFull(e)).isTrue();
    }

    @Test
    void bytesAreShownInAReadableUnit() {
        assertThat(DiskFullException.describe(0)).isEqualTo("0 bytes");
        assertThat(DiskFullException.describe(8 * 1024)).isEqualTo("8.0 KiB");
        assertThat(DiskFullException.describe(512L * 1024 * 1024)).isEqualTo("512.0 MiB");
    }
}
