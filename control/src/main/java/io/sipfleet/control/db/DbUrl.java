package io.sipfleet.control.db;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** A database URL as a user types it, turned into what the JDBC driver wants. */
record DbUrl(String jdbcUrl, String user, String password, boolean isH2) {

    /** Settings H2 needs to accept the PostgreSQL-flavoured migrations and behave like PostgreSQL. */
    private static final String[][] H2_REQUIRED = {
            {"MODE", "PostgreSQL"},
            {"DATABASE_TO_LOWER", "TRUE"},
            {"DEFAULT_NULL_ORDERING", "HIGH"},
            // Deploys of one account queue on its row lock; H2's default (1 s) is too short under load.
            {"LOCK_TIMEOUT", "10000"},
    };

    static DbUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("no database URL given: use jdbc:h2:file:PATH or postgresql://HOST/DB");
        }
        if (url.startsWith("jdbc:h2:")) {
            return new DbUrl(withH2Settings(url), "sa", "", true);
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return new DbUrl(url, null, null, false);
        }
        if (url.startsWith("postgresql://") || url.startsWith("postgres://")) {
            return fromPostgresUri(URI.create(url));
        }
        throw new IllegalArgumentException("unsupported database URL '" + url
                + "': use jdbc:h2:file:PATH, postgresql://[user@]host[:port]/db or jdbc:postgresql://...");
    }

    private static String withH2Settings(String url) {
        StringBuilder b = new StringBuilder(url);
        String upper = url.toUpperCase();
        for (String[] setting : H2_REQUIRED) {
            if (!upper.contains(";" + setting[0] + "=")) {
                b.append(';').append(setting[0]).append('=').append(setting[1]);
            }
        }
        return b.toString();
    }

    private static DbUrl fromPostgresUri(URI uri) {
        String user = "postgres";
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : null;
        }
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new IllegalArgumentException("PostgreSQL URL needs a host and a database: postgresql://HOST[:PORT]/DB");
        }
        String jdbc = "jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return new DbUrl(jdbc, user, password, false);
    }
}
