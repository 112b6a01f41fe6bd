package modrelay.relay.usage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import modrelay.relay.access.store.SubKeyStore;

/**
 * The {@code usage_daily} table (V3), in the sub-keys' database: batches added with one upsert per row
 * ({@code ON CONFLICT … DO UPDATE}, the same SQL on SQLite and PostgreSQL, so instances sharing a database
 * add up), and the report's query. Runs on the store's own threads.
 */
public final class UsageStore {
    private static final String UPSERT = "INSERT INTO usage_daily (day, key_id, model, requests, prompt_tokens, "
            + "completion_tokens, cached_tokens, reasoning_tokens, estimated_requests, cost) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (day, key_id, model) DO UPDATE SET requests = usage_daily.requests + excluded.requests, "
            + "prompt_tokens = usage_daily.prompt_tokens + excluded.prompt_tokens, "
            + "completion_tokens = usage_daily.completion_tokens + excluded.completion_tokens, "
            + "cached_tokens = usage_daily.cached_tokens + excluded.cached_tokens, "
            + "reasoning_tokens = usage_daily.reasoning_tokens + excluded.reasoning_tokens, "
            + "estimated_requests = usage_daily.estimated_requests + excluded.estimated_requests, "
            + "cost = CASE WHEN excluded.cost IS NULL THEN usage_daily.cost ELSE COALESCE(usage_daily.cost, 0) + excluded.cost END";

    private final SubKeyStore store;

    public UsageStore(SubKeyStore store) {
        this.store = store;
    }

    /** Adds a batch, in one transaction: all of it or none. */
    CompletionStage<Void> add(Collection<DailyRow> rows) {
        return store.withConnection(c -> {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement st = c.prepareStatement(UPSERT)) {
                for (DailyRow r : rows) {
                    st.setString(1, r.day());
                    st.setString(2, r.key());
                    st.setString(3, r.model());
                    st.setLong(4, r.requests());
                    st.setLong(5, r.prompt());
                    st.setLong(6, r.completion());
                    st.setLong(7, r.cached());
                    st.setLong(8, r.reasoning());
                    st.setLong(9, r.estimated());
                    if (r.cost().isPresent()) st.setDouble(10, r.cost().get());
                    else st.setNull(10, Types.DOUBLE);
                    st.addBatch();
                }
                st.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
            return null;
        });
    }

    /** The rows of a query, summed over the dimensions it does not group by, in the order of its dimensions. */
    public CompletionStage<List<DailyRow>> query(UsageQuery q) {
        return store.withConnection(c -> queryNow(c, q));
    }

    private static List<DailyRow> queryNow(Connection c, UsageQuery q) throws SQLException {
        List<String> cols = new ArrayList<>();
        for (UsageQuery.Dimension d : q.groupBy()) cols.add(d.column);
        String dims = String.join(", ", cols);
        StringBuilder sql = new StringBuilder("SELECT ").append(dims).append(", SUM(requests), SUM(prompt_tokens), "
                + "SUM(completion_tokens), SUM(cached_tokens), SUM(reasoning_tokens), SUM(estimated_requests), SUM(cost) "
                + "FROM usage_daily WHERE day >= ? AND day <= ?");
        if (q.key().isPresent()) sql.append(" AND key_id = ?");
        if (q.model().isPresent()) sql.append(" AND model = ?");
        sql.append(" GROUP BY ").append(dims).append(" ORDER BY ").append(dims);
        try (PreparedStatement st = c.prepareStatement(sql.toString())) {
            int i = 1;
            st.setString(i++, q.from().toString());
            st.setString(i++, q.to().toString());
            if (q.key().isPresent()) st.setString(i++, q.key().get());
            if (q.model().isPresent()) st.setString(i++, q.model().get());
            List<DailyRow> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String day = null;
                    String key = null;
                    String model = null;
                    int col = 1;
                    for (UsageQuery.Dimension d : q.groupBy()) {
                        String v = rs.getString(col++);
                        switch (d) {
                            case DAY -> day = v;
                            case KEY -> key = v;
                            case MODEL -> model = v;
                        }
                    }
                    double cost = rs.getDouble(col + 6);
                    Optional<Double> c2 = rs.wasNull() ? Optional.empty() : Optional.of(cost);
                    out.add(new DailyRow(day, key, model, rs.getLong(col), rs.getLong(col + 1), rs.getLong(col + 2),
                            rs.getLong(col + 3), rs.getLong(col + 4), rs.getLong(col + 5), c2));
                }
            }
            return out;
        }
    }
}
