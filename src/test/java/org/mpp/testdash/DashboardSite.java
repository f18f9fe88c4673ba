package org.mpp.testdash;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import org.mpp.api.ApiServer;
import org.mpp.config.Settings;
import org.mpp.node.Node;
import org.mpp.store.ControlStore;
import org.mpp.store.Database;
import org.mpp.store.JobStore;
import org.mpp.store.UserStore;

/**
 * What the dashboard tests run against: a real node in this JVM on the embedded H2 database of a temporary work folder,
 * the API (and so the dashboard) on loopback, and one login. Short segments and thumbnails every 2 s, so that an
 * 8 s clip gives several of each. Uploads are capped at 1 MiB, so that a failed upload can be shown. Close it at the end.
 */
final class DashboardSite implements AutoCloseable {
    static final String USER = "operator";
    static final String PASSWORD = "first-password-1";
    final Settings settings;
    final Node node;
    final Database db;
    private final String extraConfig;
    private ApiServer api;
    private final int port;

    DashboardSite(Path dir) {
        this(dir, "");
    }

    /** With {@code extraConfig} (HOCON) over the defaults, e.g. another database. */
    DashboardSite(Path dir, String extraConfig) {
        this.extraConfig = extraConfig;
        this.settings = settings(dir, 0, extraConfig);
        this.node = Node.builder(settings).build().start();
        this.db = node.database();
        this.api = ApiServer.start(settings, db);
        this.port = api.port();
        new UserStore(db).add(USER, PASSWORD.toCharArray());
    }

    private static Settings settings(Path dir, int port, String extraConfig) {
        return Settings.from(ConfigFactory.parseString("""
                mpp.work.dir = "%s"
                mpp.work.min-free-mb = 0
                mpp.api.port = %d
                mpp.api.max-upload-mb = 1
                mpp.media.segment-seconds = 2
                mpp.packaging.segment-seconds = 2
                mpp.packaging.thumbnail-seconds = 2
                mpp.node.heartbeat-seconds = 0.5
                mpp.node.poll-millis = 100
                %s
                """.formatted(dir.resolve("work").toString().replace('\\', '/'), port, extraConfig)).withFallback(ConfigFactory.defaultReference()).resolve());
    }

    /** {@code http://127.0.0.1:PORT} + path. */
    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Stops the API (the node goes on): the pages lose their server. */
    void stopApi() {
        api.close();
    }

    /** Serves the API again on the same port (sessions live in the database, so logins survive). */
    void startApi() {
        api = ApiServer.start(settings(settings.work().dir().getParent(), port, extraConfig), db);
    }

    ControlStore control() {
        return new ControlStore(db);
    }

    JobStore jobs() {
        return new JobStore(db);
    }

    @Override
    public void close() {
        api.close();
        node.close();
    }
}
