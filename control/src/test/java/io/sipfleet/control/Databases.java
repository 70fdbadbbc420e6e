package io.sipfleet.control;

import io.sipfleet.control.db.ControlDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The databases every repository, service and API test runs against: H2 in PostgreSQL mode (in
 * memory) and the machine's PostgreSQL 15 in a schema of its own, dropped afterwards. PostgreSQL
 * is skipped (with a line on stderr) only when nothing answers at 127.0.0.1:5432.
 */
public final class Databases implements AutoCloseable {

    static final String PG_ADMIN = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    /** One opened database; the name is what parameterized tests show. */
    public record Db(String name, ControlDatabase db) {
        @Override
        public String toString() {
            return name;
        }
    }

    private final List<Db> opened = new ArrayList<>();
    private final List<String> schemas = new ArrayList<>();

    /** Opens both databases for {@code owner} (the test class): call from @BeforeAll. */
    public static Databases forClass(Class<?> owner) {
        Databases d = new Databases();
        d.opened.add(new Db("h2", ControlDatabase.open(
                "jdbc:h2:mem:ctl-" + UUID.randomUUID() + ";MODE=PostgreSQL;DB_CLOSE_DELAY=-1")));
        if (postgresReachable()) {
            String schema = ("t_" + owner.getSimpleName() + "_" + UUID.randomUUID().toString().substring(0, 8))
                    .toLowerCase(Locale.ROOT);
            admin("CREATE SCHEMA " + schema);
            d.schemas.add(schema);
            d.opened.add(new Db("postgresql", ControlDatabase.open(
                    "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=" + schema)));
        } else {
            System.err.println("PostgreSQL at 127.0.0.1:5432 unreachable: " + owner.getSimpleName() + " runs on H2 only");
        }
        return d;
    }

    public List<Db> all() {
        return List.copyOf(opened);
    }

    static boolean postgresReachable() {
        try (Connection ignored = DriverManager.getConnection(PG_ADMIN)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void admin(String sql) {
        try (Connection c = DriverManager.getConnection(PG_ADMIN); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        opened.forEach(db -> db.db().close());
        schemas.forEach(schema -> admin("DROP SCHEMA " + schema + " CASCADE"));
    }
}
