package org.mpp.cli;

import java.io.IOException;
import org.mpp.config.Settings;
import org.mpp.node.WorkFolders;
import org.mpp.store.ControlStore;
import org.mpp.store.Database;
import org.mpp.store.JobStore;
import org.mpp.store.NodeStore;
import org.mpp.store.StoreException;

/**
 * One CLI command's view of the cluster: the settings, the database (opened, and so migrated, on creation) and
 * the stores and folders over them. Not thread-safe; a command opens one and closes it when done.
 */
final class Session implements AutoCloseable {
    /** What a command does with an open session; returns the exit code. */
    interface Action {
        int run(Session session) throws IOException;
    }

    private final Settings settings;
    private final Database db;
    private final WorkFolders folders;

    private Session(Settings settings, Database db) {
        this.settings = settings;
        this.db = db;
        this.folders = new WorkFolders(settings.work());
    }

    /**
     * Loads the settings, opens the database and runs {@code action}. A database that cannot be reached, or an
     * I/O error, becomes one line on stderr and exit code 1; a bad configuration reaches {@link Main} (exit 2).
     */
    static int run(Main main, Action action) {
        Settings settings = main.settings();
        try (Session session = new Session(settings, Database.open(settings.db(), settings.work().dir()))) {
            return action.run(session);
        } catch (StoreException | org.jooq.exception.DataAccessException e) {
            System.err.println("FAILED: database " + location(settings) + ": " + e.getMessage());
            return Main.EXIT_FAILED;
        } catch (IOException e) {
            System.err.println("FAILED: " + e);
            return Main.EXIT_FAILED;
        }
    }

    /** Where the database is, without the URL's options (which may carry a password). */
    static String location(Settings settings) {
        String url = settings.db().url().orElseGet(() -> Database.embeddedUrl(settings.work().dir()));
        int cut = url.length();
        for (char c : new char[] {'?', ';'}) {
            int i = url.indexOf(c);
            if (i >= 0) {
                cut = Math.min(cut, i);
            }
        }
        return url.substring(0, cut);
    }

    Settings settings() {
        return settings;
    }

    Database db() {
        return db;
    }

    WorkFolders folders() {
        return folders;
    }

    JobStore jobs() {
        return new JobStore(db);
    }

    NodeStore nodes() {
        return new NodeStore(db);
    }

    ControlStore control() {
        return new ControlStore(db);
    }

    @Override
    public void close() {
        db.close();
    }
}
