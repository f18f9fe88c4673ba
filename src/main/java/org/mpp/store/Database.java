package org.mpp.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import java.util.function.Function;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.conf.Settings;
import org.jooq.impl.DefaultExecuteListenerProvider;
import org.mpp.PhaseTimes;
import org.jooq.impl.DSL;
import org.mpp.config.Settings.Db;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool, the schema migrations and the jOOQ context for one MySQL, MariaDB or embedded H2
 * database. Thread-safe. Closing it closes the pool only when it created the pool.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    static {
        // jOOQ prints a banner and tips on first use; a node's log is no place for them.
        System.setProperty("org.jooq.no-logo", System.getProperty("org.jooq.no-logo", "true"));
        System.setProperty("org.jooq.no-tips", System.getProperty("org.jooq.no-tips", "true"));
        // The embedded database's auto-server (AUTO_SERVER=TRUE) listens for the other processes of this machine with
        // H2's -tcpAllowOthers, on every interface unless h2.bindAddress names one. H2 reads that property once, when
        // it first loads, so it is set before any connection is opened: loopback only, whatever the machine's network.
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
    }
    private final DataSource dataSource;
    private final boolean ownsPool;
    private final SQLDialect dialect;
    private final DSLContext dsl;
    private static final Object STARTED = new Object();

    private Database(DataSource dataSource, boolean ownsPool, SQLDialect dialect, Duration statementTimeout) {
        this.dataSource = dataSource;
        this.ownsPool = ownsPool;
        this.dialect = dialect;
        // Every statement of the store carries a JDBC query timeout (0 = none): a claim, renewal or recovery waiting on a
        // row lock would otherwise wait InnoDB's innodb_lock_wait_timeout (50 s by default), longer than a lease.
        this.dsl = DSL.using(dataSource, dialect, new Settings().withExecuteLogging(false)
                .withQueryTimeout((int) Math.min(Integer.MAX_VALUE, (statementTimeout.toMillis() + 999) / 1000)));
    }

    /** The embedded database's folder of a work folder: {@code <work>/db}, its files, password and lock files. */
    static Path embeddedDir(Path workDir) {
        return workDir.toAbsolutePath().resolve("db");
    }

    /** The embedded H2 database file of a work folder (MySQL mode, shareable by several processes). */
    public static String embeddedUrl(Path workDir) {
        Path file = embeddedDir(workDir).resolve("mpp");
        return "jdbc:h2:file:" + file + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;CASE_INSENSITIVE_IDENTIFIERS=TRUE"
                + ";NON_KEYWORDS=VALUE;AUTO_SERVER=TRUE";
    }

    /**
     * Opens a pool for the configured database and brings its schema up to date. With no URL that is the embedded H2
     * file in {@code workDir}, its auto-server on loopback only and its password the one generated in
     * {@code <work>/db/secret} (unless {@code mpp.db.password} sets one).
     *
     * @throws StoreException when the database cannot be reached or migrated
     */
    public static Database open(Db db, Path workDir) {
        String url = db.url().orElseGet(() -> embeddedUrl(workDir));
        HikariConfig hc = new HikariConfig();
        if (db.url().isEmpty()) {
            try {
                EmbeddedSecret.folder(workDir);
            } catch (java.io.IOException e) {
                throw new StoreException("Cannot create the embedded database folder in " + workDir + ": " + e, e);
            }
            requireLoopbackAutoServer();
            EmbeddedSecret.Credentials c = EmbeddedSecret.of(workDir, url, db.user(), db.password());
            hc.setUsername(c.user());
            hc.setPassword(c.password());
        } else {
            db.user().ifPresent(hc::setUsername);
            db.password().ifPresent(hc::setPassword);
        }
        hc.setPoolName("mpp-db");
        hc.setJdbcUrl(url);
        hc.setMaximumPoolSize(db.poolSize());
        hc.setMinimumIdle(Math.min(2, db.poolSize()));
        hc.setConnectionTimeout(db.connectTimeout().toMillis());
        hc.setMaxLifetime(25 * 60_000L);
        hc.setKeepaliveTime(2 * 60_000L);
        hc.setInitializationFailTimeout(-1);
        hc.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        if (url.startsWith("jdbc:mysql:") || url.startsWith("jdbc:mariadb:")) {
            // Strings only: HikariCP hands these to the driver as java.util.Properties, and Connector/J reads them with
            // getProperty(), which returns null for any value that is not a String (a Boolean or a Long is silently
            // ignored: the timeouts stayed 0 and every statement was parsed and prepared on the client).
            hc.addDataSourceProperty("connectTimeout", String.valueOf(db.connectTimeout().toMillis()));
            hc.addDataSourceProperty("socketTimeout", String.valueOf(db.socketTimeout().toMillis()));
            hc.addDataSourceProperty("tcpKeepAlive", "true");
            hc.addDataSourceProperty("cachePrepStmts", "true");
            hc.addDataSourceProperty("prepStmtCacheSize", "250");
            hc.addDataSourceProperty("prepStmtCacheSqlLimit", "2048");
            hc.addDataSourceProperty("useServerPrepStmts", "true");
            hc.addDataSourceProperty("useAffectedRows", "false");
            // Connector/J keeps autocommit, isolation and transaction state itself instead of asking the server, and
            // caches what it would otherwise re-read (HikariCP's advice for MySQL): a claim and its completion cost
            // 3 to 7 % less CPU with these (measured with the claims benchmark, 3,000-task runs).
            hc.addDataSourceProperty("useLocalSessionState", "true");
            hc.addDataSourceProperty("useLocalTransactionState", "true");
            hc.addDataSourceProperty("cacheResultSetMetadata", "true");
            hc.addDataSourceProperty("cacheServerConfiguration", "true");
            hc.addDataSourceProperty("maintainTimeStats", "false");
        }
        HikariDataSource pool = new HikariDataSource(hc);
        long deadline = System.nanoTime() + db.startupWait().toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                return open(pool, true, db.statementTimeout(), db.url().isEmpty() ? embeddedDir(workDir) : null);
            } catch (StoreException e) {
                if (System.nanoTime() > deadline) {
                    pool.close();
                    throw new StoreException("Gave up reaching the database " + redact(url) + " after " + attempt
                            + " attempt(s) over " + db.startupWait().toSeconds() + " s (mpp.db.startup-wait-seconds): "
                            + e.getMessage(), e);
                }
                log.warn("Cannot reach the database {} yet (attempt {}): {}; retrying until {} s have passed",
                        redact(url), attempt, e.getMessage(), db.startupWait().toSeconds());
                try {
                    Thread.sleep(Math.min(5000, 500L * attempt));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    pool.close();
                    throw e;
                }
            } catch (RuntimeException e) {
                pool.close();
                throw e;
            }
        }
    }

    /**
     * Refuses to start the embedded database's auto-server on anything but loopback: H2 read h2.bindAddress before this
     * class could set it (an application loaded H2 first) or someone set it to another address.
     */
    private static void requireLoopbackAutoServer() {
        String bind = org.h2.engine.SysProperties.BIND_ADDRESS;
        boolean loopback;
        try {
            loopback = bind != null && !bind.isBlank() && java.net.InetAddress.getByName(bind).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            loopback = false;
        }
        if (!loopback) {
            throw new StoreException("The embedded database's server would listen on " + (bind == null || bind.isBlank() ? "every interface" : bind)
                    + ", not on loopback only (h2.bindAddress was read as '" + bind + "'): start the JVM with -Dh2.bindAddress=127.0.0.1, "
                    + "or set mpp.db.url", null);
        }
    }

    /** A JDBC URL without any password parameter, for logs. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    /**
     * Uses a pool the application already has; the caller keeps ownership of it.
     *
     * @param statementTimeout how long any one statement may run before it is cancelled ({@code mpp.db.statement-timeout})
     */
    public static Database open(DataSource dataSource, Duration statementTimeout) {
        return open(dataSource, false, statementTimeout, null);
    }

    /** @param embeddedDir the embedded database's folder, null for any other database */
    private static Database open(DataSource ds, boolean ownsPool, Duration statementTimeout, Path embeddedDir) {
        SQLDialect dialect = detectDialect(ds);
        warmUpJooq(dialect);
        if (embeddedDir == null || !EmbeddedSchema.ready(ds, embeddedDir)) {
            migrate(ds);
        }
        log.debug("Database ready ({})", dialect);
        return new Database(ds, ownsPool, dialect, statementTimeout);
    }

    /**
     * Renders, without running, one statement of each kind the stores send, on a daemon thread: jOOQ's classes load and
     * initialise on a second core while Flyway migrates, instead of in the node's first statement after it (0.3 s of
     * a cold {@code mpp run}). A failure is left for the first real statement to report.
     */
    private static void warmUpJooq(SQLDialect dialect) {
        Thread t = new Thread(() -> {
            try {
                org.jooq.DSLContext ctx = DSL.using(dialect);
                var job = org.mpp.store.schema.Tables.JOB;
                var segment = org.mpp.store.schema.Tables.TRANSCODEJOB;
                ctx.render(ctx.select(job.JOBID, DSL.count()).from(job).join(segment).on(segment.FK_JOBUUID.eq(job.JOBUUID))
                        .where(job.STATUS.isNotNull()).groupBy(job.JOBID).orderBy(job.PRIORITY.desc()).limit(1).forUpdate().skipLocked());
                ctx.render(ctx.update(job).set(job.STATUS, job.STATUS).set(job.LASTUPDATE, Sql.now()).where(job.JOBID.in(1L, 2L)));
                ctx.render(ctx.insertInto(job).set(job.SOURCENAME, "x").returning(job.JOBID));
                ctx.render(ctx.deleteFrom(segment).where(segment.FK_JOBUUID.eq(job.JOBUUID)));
            } catch (Throwable e) {
                log.debug("Warming jOOQ up failed (the first statement will say why): {}", e.toString());
            }
        }, "mpp-jooq-load");
        t.setDaemon(true);
        t.start();
    }

    /** Applies the migrations in schema/ (shipped in the jar); applying twice changes nothing. */
    static void migrate(DataSource ds) {
        try {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").failOnMissingLocations(true).load().migrate();
        } catch (RuntimeException e) {
            throw new StoreException("Cannot bring the database schema up to date: " + e.getMessage(), e);
        }
    }

    /** Connector/J reports MariaDB as "MySQL 5.5.5-10.11.x-MariaDB": look at the version string. */
    static SQLDialect detectDialect(DataSource ds) {
        try (Connection c = ds.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName();
            String version = c.getMetaData().getDatabaseProductVersion();
            if (product.toLowerCase(java.util.Locale.ROOT).contains("h2")) {
                return SQLDialect.H2;
            }
            return (product + " " + version).toLowerCase(java.util.Locale.ROOT).contains("mariadb") ? SQLDialect.MARIADB : SQLDialect.MYSQL;
        } catch (SQLException e) {
            throw new StoreException("Cannot connect to the database: " + e.getMessage(), e);
        }
    }

    /** The version of the newest migration applied ("none" on an empty database). */
    public String schemaVersion() {
        var current = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().info().current();
        return current == null || current.getVersion() == null ? "none" : current.getVersion().getVersion();
    }

    /**
     * Adds the wall time of SQL statements to {@code times}, in the phase {@code phaseOf} gives the thread that runs
     * them (null: not counted, e.g. an embedding application's own reads). Call before the node starts.
     */
    public void timeStatements(PhaseTimes times, Function<Thread, PhaseTimes.Phase> phaseOf) {
        dsl.configuration().set(new DefaultExecuteListenerProvider(new ExecuteListener() {
            @Override
            public void start(ExecuteContext ctx) {
                ctx.data(STARTED, System.nanoTime());
            }

            @Override
            public void end(ExecuteContext ctx) {
                Object t0 = ctx.data(STARTED);
                PhaseTimes.Phase phase = phaseOf.apply(Thread.currentThread());
                if (t0 instanceof Long start && phase != null && !times.isMuted()) {
                    times.add(phase, System.nanoTime() - start);
                }
            }
        }));
    }

    public DSLContext dsl() {
        return dsl;
    }

    public SQLDialect dialect() {
        return dialect;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        if (ownsPool && dataSource instanceof HikariDataSource h) {
            h.close();
        }
    }
}
