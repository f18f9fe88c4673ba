package org.mpp.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Runs work under an exclusive lock on a file, so that the processes sharing a work folder (a node and {@code mpp status}
 * beside it) take turns. {@code FileChannel.lock} throws when this JVM already holds the lock, so the threads of one JVM
 * queue on a monitor first. Not reentrant for the same file.
 */
final class LockFile {
    private static final Object IN_THIS_JVM = new Object();

    private LockFile() {
    }

    /** Work that may throw one kind of checked exception. */
    interface Work<T, E extends Exception> {
        T run() throws E;
    }

    /** Runs {@code work} while holding {@code file}'s lock (the file is created when missing) and returns its result. */
    static <T, E extends Exception> T holding(Path file, Work<T, E> work) throws IOException, E {
        synchronized (IN_THIS_JVM) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock held = channel.lock()) {
                return work.run();
            }
        }
    }
}
