package io.sipfleet.control.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/**
 * The control plane's database: a HikariCP pool, the schema migrated by Flyway (one set of
 * migrations for H2-in-PostgreSQL-mode and PostgreSQL), and a JDBI handle factory on top.
 */
public final class ControlDatabase implements AutoCloseable {

    private final HikariDataSource pool;
    private final Jdbi jdbi;
    private final DbUrl url;

    private ControlDatabase(DbUrl url, HikariDataSource pool) {
        this.url = url;
        this.pool = pool;
        this.jdbi = Jdbi.create(pool).installPlugin(new SqlObjectPlugin());
    }

    /**
     * Opens (and migrates) the database at {@code url}: {@code jdbc:h2:file:...}, {@code jdbc:h2:mem:...},
     * {@code postgresql://[user[:password]@]host[:port]/db[?params]} or a {@code jdbc:postgresql:} URL.
     */
    public static ControlDatabase open(String url) {
        DbUrl parsed = DbUrl.parse(url);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(parsed.jdbcUrl());
        if (parsed.user() != null) {
            config.setUsername(parsed.user());
        }
        if (parsed.password() != null) {
            config.setPassword(parsed.password());
        }
        config.setPoolName("sipfleet-control");
        config.setMaximumPoolSize(parsed.isH2() ? 8 : 10);
        // Fail fast at start with the URL in the message rather than on the first request.
        config.setInitializationFailTimeout(5_000);
        HikariDataSource pool = new HikariDataSource(config);
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new ControlDatabase(parsed, pool);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public boolean isPostgres() {
        return !url.isH2();
    }

    /** The URL without its password, for logs and startup banners. */
    public String describe() {
        return url.jdbcUrl();
    }

    @Override
    public void close() {
        pool.close();
    }
}
