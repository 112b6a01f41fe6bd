package modrelay.relay.live;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import modrelay.relay.access.store.SubKeyStore;

/**
 * The {@code upstreams} and {@code config_audit} tables (V6), in the sub-keys' database (SQLite or PostgreSQL), on the
 * store's own threads. A change writes the whole list and its audit rows in one transaction: readers (and other
 * instances) see the old list or the new one, never half of an edit.
 */
public final class UpstreamStore {
    /** One stored upstream: its name, place in the configuration order and definition (one UPSTREAMS entry, keys included). */
    public record Row(String name, String definition) {}

    /** One audit row; {@code summary} never holds a key (see {@link UpstreamChanges}). */
    public record AuditRow(long atMillis, String actor, String action, String upstream, String summary) {}

    private final SubKeyStore store;

    public UpstreamStore(SubKeyStore store) {
        this.store = store;
    }

    /** The stored upstreams in configuration order; empty before the first seed. */
    public CompletionStage<List<Row>> all() {
        return store.withConnection(UpstreamStore::allNow);
    }

    /**
     * Replaces the stored list by {@code next} and appends {@code audit}, in one transaction, if the list is still
     * {@code expected} (what the edit was computed from); otherwise nothing is written and the answer is false (an
     * edit through another instance came first: the caller reads again).
     */
    public CompletionStage<Boolean> replace(List<Row> expected, List<Row> next, List<AuditRow> audit) {
        return store.withConnection(c -> inTransaction(c, () -> {
            if (!allNow(c).equals(expected)) return false;
            write(c, next, audit);
            return true;
        }));
    }

    /** Writes {@code seed} when no upstream is stored yet (first start); false when there already were some. */
    public CompletionStage<Boolean> seedIfEmpty(List<Row> seed, List<AuditRow> audit) {
        return store.withConnection(c -> inTransaction(c, () -> {
            if (!allNow(c).isEmpty()) return false;
            write(c, seed, audit);
            return true;
        }));
    }

    /** The latest audit rows, newest first. */
    public CompletionStage<List<AuditRow>> audit(int limit) {
        return store.withConnection(c -> {
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT at, actor, action, upstream, summary FROM config_audit ORDER BY at DESC, id DESC LIMIT ?")) {
                st.setInt(1, limit);
                try (ResultSet rs = st.executeQuery()) {
                    List<AuditRow> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new AuditRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
                    }
                    return out;
                }
            }
        });
    }

    private static List<Row> allNow(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT name, definition FROM upstreams ORDER BY position, name");
                ResultSet rs = st.executeQuery()) {
            List<Row> out = new ArrayList<>();
            while (rs.next()) out.add(new Row(rs.getString(1), rs.getString(2)));
            return out;
        }
    }

    private static void write(Connection c, List<Row> rows, List<AuditRow> audit) throws SQLException {
        try (PreparedStatement del = c.prepareStatement("DELETE FROM upstreams")) {
            del.executeUpdate();
        }
        long now = System.currentTimeMillis();
        try (PreparedStatement st = c.prepareStatement(
                "INSERT INTO upstreams (name, position, definition, updated_at) VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < rows.size(); i++) {
                st.setString(1, rows.get(i).name());
                st.setInt(2, i);
                st.setString(3, rows.get(i).definition());
                st.setLong(4, now);
                st.addBatch();
            }
            st.executeBatch();
        }
        try (PreparedStatement st = c.prepareStatement(
                "INSERT INTO config_audit (id, at, actor, action, upstream, summary) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (AuditRow a : audit) {
                // Ordered by time, then by id: the id's own counter keeps one transaction's rows in order.
                st.setString(1, String.format("%013d-%04d-%08x", a.atMillis(), audit.indexOf(a),
                        ThreadLocalRandom.current().nextInt()));
                st.setLong(2, a.atMillis());
                st.setString(3, a.actor());
                st.setString(4, a.action());
                st.setString(5, a.upstream());
                st.setString(6, a.summary());
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    private static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            T result = work.run();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }
}
