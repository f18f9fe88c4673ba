package org.mpp.fault;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small tmpfs mounted on a folder for the length of a test, and a ballast file that fills it. Mounting needs root
 * (CAP_SYS_ADMIN): where it fails the calling test is skipped, except in CI ({@code CI=true}) or with
 * {@code -Dmpp.test.require-mount=true}, where it fails, so that CI cannot pass by skipping the scenario.
 * {@link #close()} unmounts (lazily when something still holds a file there). Not thread-safe.
 */
final class SmallDisk implements AutoCloseable {
    private final Path mountPoint;
    private final Path ballast;
    private boolean mounted;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
        this.ballast = mountPoint.resolve("ballast.bin");
    }

    /** Mounts a tmpfs of {@code megabytes} on {@code dir} (created if needed). */
    static SmallDisk mount(Path dir, int megabytes) throws IOException {
        Files.createDirectories(dir);
        SmallDisk disk = new SmallDisk(dir);
        Result r = run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m,mode=0755", "tmpfs", dir.toString());
        if (r.exit != 0) {
            String why = "Cannot mount a " + megabytes + " MB tmpfs on " + dir + " (exit " + r.exit + ": " + r.output.strip()
                    + "); the disk-full scenario needs root and CAP_SYS_ADMIN";
            if ("true".equalsIgnoreCase(System.getenv("CI")) || Boolean.getBoolean("mpp.test.require-mount")) {
                throw new AssertionError(why + " (required here: CI=true or -Dmpp.test.require-mount=true)");
            }
            System.err.println("SKIPPED: " + why);
            Assumptions.abort(why);
        }
        disk.mounted = true;
        return disk;
    }

    /**
     * Fills the disk with the ballast file, then gives back {@code leaveFree} bytes of it, so that the next writer
     * gets that far and then "No space left on device".
     *
     * @return the bytes free afterwards, as the file system reports them
     */
    long fillLeaving(long leaveFree) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16);
        try (FileChannel ch = FileChannel.open(ballast, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            while (true) {
                chunk.clear();
                try {
                    while (chunk.hasRemaining()) {
                        ch.write(chunk);
                    }
                } catch (IOException full) {
                    break;
                }
            }
            ch.truncate(Math.max(0, ch.size() - leaveFree));
        }
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    /** Deletes the ballast: the disk has room again. */
    void empty() throws IOException {
        Files.deleteIfExists(ballast);
    }

    long free() throws IOException {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    @Override
    public void close() throws IOException {
        if (!mounted) {
            return;
        }
        Result r = run("umount", mountPoint.toString());
        if (r.exit != 0) {
            r = run("umount", "-l", mountPoint.toString());
        }
        if (r.exit != 0) {
            throw new IOException("Cannot unmount " + mountPoint + ": " + r.output);
        }
        mounted = false;
    }

    private record Result(int exit, String output) {
    }

    private static Result run(String... command) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(-1, "cannot run " + command[0] + ": " + e.getMessage());
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, String.join(" ", command) + " did not finish in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return new Result(-1, String.join(" ", command) + " was interrupted");
        }
        return new Result(p.exitValue(), output);
    }
}
