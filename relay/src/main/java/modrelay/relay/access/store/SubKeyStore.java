package modrelay.relay.access.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import modrelay.config.DatabaseUrl;
import modrelay.config.StoreSettings;
import modrelay.moderation.ModerationLevel;
import modrelay.relay.access.Consumption;
import modrelay.relay.access.EndpointRules;
import modrelay.relay.access.ModelRules;
import modrelay.relay.access.SubKey;
import modrelay.relay.access.SubKeyBinding;
import modrelay.relay.access.SubKeyPatch;
import modrelay.relay.access.SubKeyBudgets;
import modrelay.relay.access.BudgetWindows;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sub-keys in SQLite (a file under DATA_DIR) or PostgreSQL (DATABASE_URL, shared by several
 * instances). The same SQL runs on both; Flyway applies {@code db/migration} at open.
 *
 * <p>JDBC blocks, so every call runs on this store's own bounded pool (one thread per connection;
 * SQLite gets one of each: one process writes its file), never on an Akka dispatcher. A full queue
 * fails the call at once rather than queueing without bound.
 *
 * <p>Quota is spent in one conditional UPDATE ({@code remaining > 0}) whose row count is the
 * answer, so two instances can never spend the same last request. Every statement commits on its
 * own: a crash loses at most the requests in flight.
 */
public final class SubKeyStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SubKeyStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "id, name, secret_sha256, secret_hint, created_at, expires_at, revoked_at, "
            + "remaining, used, last_used_at, rpm, allowed_models, denied_models, moderation_floor, allowed_endpoints, "
            + "token_budget, tokens_per_day, tokens_per_month, tokens_per_minute, spend_budget, tokens_used, spend_used, "
            + "binding";

    private final HikariDataSource pool;
    private final ExecutorService executor;
    private final String description;
    private final boolean shared;

    private SubKeyStore(HikariDataSource pool, ExecutorService executor, String description, boolean shared) {
        this.pool = pool;
        this.executor = executor;
        this.description = description;
        this.shared = shared;
    }

    /** Opens (and on first use creates) the database and brings its schema up to date. Blocks. */
    public static SubKeyStore open(StoreSettings settings) {
        HikariConfig cfg = new HikariConfig();
        cfg.setPoolName("modrelay-store");
        cfg.setConnectionTimeout(5_000);
        String description;
        int threads;
        boolean shared = settings.databaseUrl().isPresent();
        if (shared) {
            DatabaseUrl url = settings.databaseUrl().get();
            cfg.setJdbcUrl(url.jdbcUrl());
            url.user().ifPresent(cfg::setUsername);
            url.password().ifPresent(p -> cfg.setPassword(p.reveal()));
            threads = settings.poolSize();
            description = "PostgreSQL " + url.jdbcUrl();
        } else {
            try {
                Files.createDirectories(settings.dataDir());
            } catch (IOException e) {
                throw new IllegalStateException("DATA_DIR " + settings.dataDir() + " cannot be created: " + e.getMessage());
            }
            cfg.setJdbcUrl("jdbc:sqlite:" + settings.sqliteFile().toAbsolutePath());
            // Driver properties are SQLite pragmas: WAL lets readers run beside the writer; NORMAL sync in WAL
            // loses nothing when the process crashes (only an OS crash can cost the last commits).
            cfg.addDataSourceProperty("journal_mode", "WAL");
            cfg.addDataSourceProperty("synchronous", "NORMAL");
            cfg.addDataSourceProperty("busy_timeout", "5000");
            threads = 1;
            description = "SQLite " + settings.sqliteFile();
        }
        cfg.setMaximumPoolSize(threads);
        migrate(cfg);
        HikariDataSource pool = new HikariDataSource(cfg);
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(4096), r -> {
                    Thread t = new Thread(r, "modrelay-store-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        return new SubKeyStore(pool, executor, description, shared);
    }

    /** Flyway on its own unpooled connections: it may want two at once, and SQLite's pool has one. */
    private static void migrate(HikariConfig cfg) {
        Flyway.configure()
                .dataSource(cfg.getJdbcUrl(), cfg.getUsername(), cfg.getPassword())
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    /** "SQLite ./data/modrelay.db" or "PostgreSQL jdbc:postgresql://host/db" (never a password). */
    public String describe() {
        return description;
    }

    /** Whether other instances may share this store (PostgreSQL). */
    public boolean shared() {
        return shared;
    }

    // ---- asynchronous API, on the store's own threads -------------------------------------------

    public CompletionStage<List<SubKey>> all() {
        return async(this::allNow);
    }

    public CompletionStage<Optional<SubKey>> byId(String id) {
        return async(() -> byIdNow(id));
    }

    public CompletionStage<SubKey> insert(SubKey key) {
        return async(() -> {
            insertNow(key);
            return key;
        });
    }

    public CompletionStage<Optional<SubKey>> update(String id, SubKeyPatch patch) {
        return async(() -> updateNow(id, patch));
    }

    public CompletionStage<Optional<SubKey>> revoke(String id, Instant now) {
        return async(() -> revokeNow(id, now));
    }

    public CompletionStage<Consumption> consume(String id, Instant now) {
        return async(() -> consumeNow(id, now));
    }

    /** Spends one request and a reservation of tokens and money (see {@link #consumeNow(SubKey, Instant, long, double, boolean)}). */
    public CompletionStage<Consumption> consume(SubKey key, Instant now, long tokens, double cost, boolean sharedRpm) {
        return async(() -> consumeNow(key, now, tokens, cost, sharedRpm));
    }

    /** Replaces a reservation by what the request used: {@code tokens} and {@code cost} are the differences (may be negative). */
    public CompletionStage<Void> settleTokens(String id, List<String> windows, long tokens, double cost) {
        return async(() -> {
            settleTokensNow(id, windows, tokens, cost);
            return null;
        });
    }

    public CompletionStage<Void> refund(String id) {
        return async(() -> {
            refundNow(id);
            return null;
        });
    }

    @FunctionalInterface
    interface Call<T> {
        T run() throws SQLException;
    }

    /** Work on one connection of this store's database (the usage tables live beside the sub-keys). */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} on the store's own threads, with a connection of its pool. */
    public <T> CompletionStage<T> withConnection(SqlWork<T> work) {
        return async(() -> {
            try (Connection c = pool.getConnection()) {
                return work.run(c);
            }
        });
    }

    private <T> CompletionStage<T> async(Call<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    result.complete(call.run());
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new SQLException("sub-key store busy: too many queued calls"));
        }
        return result;
    }

    // ---- blocking API -------------------------------------------------------------------------

    public List<SubKey> allNow() throws SQLException {
        try (Connection c = pool.getConnection();
                PreparedStatement st = c.prepareStatement("SELECT " + COLUMNS + " FROM subkeys ORDER BY created_at, id");
                ResultSet rs = st.executeQuery()) {
            List<SubKey> out = new ArrayList<>();
            while (rs.next()) out.add(row(rs));
            return out;
        }
    }

    public Optional<SubKey> byIdNow(String id) throws SQLException {
        try (Connection c = pool.getConnection();
                PreparedStatement st = c.prepareStatement("SELECT " + COLUMNS + " FROM subkeys WHERE id = ?")) {
            st.setString(1, id);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    public void insertNow(SubKey k) throws SQLException {
        try (Connection c = pool.getConnection();
                PreparedStatement st = c.prepareStatement("INSERT INTO subkeys (" + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            st.setString(1, k.id());
            st.setString(2, k.name());
            st.setString(3, k.secretHash());
            st.setString(4, k.hint());
            st.setLong(5, k.createdAt().toEpochMilli());
            setInstant(st, 6, k.expiresAt());
            setInstant(st, 7, k.revokedAt());
            setLong(st, 8, k.remaining());
            st.setLong(9, k.used());
            setInstant(st, 10, k.lastUsedAt());
            setInt(st, 11, k.rpm());
            st.setString(12, json(k.models().allowed()));
            st.setString(13, json(k.models().denied()));
            setLevel(st, 14, k.floor());
            st.setString(15, json(k.endpoints().granted()));
            SubKeyBudgets b = k.budgets();
            setLong(st, 16, b.tokenBudget());
            setLong(st, 17, b.tokensPerDay());
            setLong(st, 18, b.tokensPerMonth());
            setLong(st, 19, b.tokensPerMinute());
            setDouble(st, 20, b.spendBudget());
            st.setLong(21, b.tokensUsed());
            st.setDouble(22, b.spendUsed());
            st.setString(23, k.binding().toJson());
            st.executeUpdate();
        }
    }

    /** Writes only the fields the patch names: never {@code remaining} unless asked, so no spent request is undone. */
    public Optional<SubKey> updateNow(String id, SubKeyPatch p) throws SQLException {
        List<String> sets = new ArrayList<>();
        List<Binder> binds = new ArrayList<>();
        p.name().ifPresent(v -> {
            sets.add("name = ?");
            binds.add((st, i) -> st.setString(i, v));
        });
        p.expiresAt().ifPresent(v -> {
            sets.add("expires_at = ?");
            binds.add((st, i) -> setInstant(st, i, v));
        });
        p.remaining().ifPresent(v -> {
            sets.add("remaining = ?");
            binds.add((st, i) -> setLong(st, i, v));
        });
        p.rpm().ifPresent(v -> {
            sets.add("rpm = ?");
            binds.add((st, i) -> setInt(st, i, v));
        });
        p.allowedModels().ifPresent(v -> {
            sets.add("allowed_models = ?");
            binds.add((st, i) -> st.setString(i, json(v)));
        });
        p.deniedModels().ifPresent(v -> {
            sets.add("denied_models = ?");
            binds.add((st, i) -> st.setString(i, json(v)));
        });
        p.floor().ifPresent(v -> {
            sets.add("moderation_floor = ?");
            binds.add((st, i) -> setLevel(st, i, v));
        });
        p.endpoints().ifPresent(v -> {
            sets.add("allowed_endpoints = ?");
            binds.add((st, i) -> st.setString(i, json(v.granted())));
        });
        SubKeyBudgets.Patch b = p.budgets();
        longField(sets, binds, "token_budget", b.tokenBudget());
        longField(sets, binds, "tokens_per_day", b.tokensPerDay());
        longField(sets, binds, "tokens_per_month", b.tokensPerMonth());
        longField(sets, binds, "tokens_per_minute", b.tokensPerMinute());
        b.spendBudget().ifPresent(v -> {
            sets.add("spend_budget = ?");
            binds.add((st, i) -> setDouble(st, i, v));
        });
        if (!p.binding().isEmpty()) {
            // The binding is one column: a patch of one part keeps the others as stored.
            Optional<SubKey> current = byIdNow(id);
            if (current.isEmpty()) return Optional.empty();
            String merged = p.binding().applyTo(current.get().binding()).toJson();
            sets.add("binding = ?");
            binds.add((st, i) -> st.setString(i, merged));
        }
        if (!sets.isEmpty()) {
            try (Connection c = pool.getConnection();
                    PreparedStatement st = c.prepareStatement(
                            "UPDATE subkeys SET " + String.join(", ", sets) + " WHERE id = ?")) {
                for (int i = 0; i < binds.size(); i++) binds.get(i).bind(st, i + 1);
                st.setString(binds.size() + 1, id);
                if (st.executeUpdate() == 0) return Optional.empty();
            }
        }
        return byIdNow(id);
    }

    /** Revokes once: a second revoke keeps the first time. Empty when there is no such key. */
    public Optional<SubKey> revokeNow(String id, Instant now) throws SQLException {
        try (Connection c = pool.getConnection();
                PreparedStatement st = c.prepareStatement(
                        "UPDATE subkeys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
            st.setLong(1, now.toEpochMilli());
            st.setString(2, id);
            st.executeUpdate();
        }
        return byIdNow(id);
    }

    /**
     * Spends one request of the key: one conditional UPDATE, atomic on both databases. A key without
     * a limit only counts. When no row changed, a second read says why.
     */
    public Consumption consumeNow(String id, Instant now) throws SQLException {
        long ms = now.toEpochMilli();
        try (Connection c = pool.getConnection()) {
            try (PreparedStatement st = c.prepareStatement("UPDATE subkeys SET used = used + 1, last_used_at = ?, "
                    + "remaining = CASE WHEN remaining IS NULL THEN NULL ELSE remaining - 1 END "
                    + "WHERE id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) "
                    + "AND (remaining IS NULL OR remaining > 0)")) {
                st.setLong(1, ms);
                st.setString(2, id);
                st.setLong(3, ms);
                if (st.executeUpdate() == 1) return new Consumption.Granted();
            }
            try (PreparedStatement st = c.prepareStatement("SELECT revoked_at, expires_at FROM subkeys WHERE id = ?")) {
                st.setString(1, id);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) return new Consumption.Missing();
                    rs.getLong(1);
                    if (!rs.wasNull()) return new Consumption.Revoked();
                    long expires = rs.getLong(2);
                    if (!rs.wasNull() && expires <= ms) return new Consumption.Expired();
                    return new Consumption.Exhausted();
                }
            }
        }
    }

    private static final String SPEND = "UPDATE subkeys SET used = used + 1, last_used_at = ?, "
            + "remaining = CASE WHEN remaining IS NULL THEN NULL ELSE remaining - 1 END, "
            + "tokens_used = tokens_used + ?, spend_used = spend_used + ? "
            + "WHERE id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) "
            + "AND (remaining IS NULL OR remaining > 0) "
            + "AND (token_budget IS NULL OR tokens_used + ? <= token_budget) "
            + "AND (spend_budget IS NULL OR spend_used + ? <= spend_budget)";
    private static final String WINDOW = "INSERT INTO subkey_windows (key_id, window_id, tokens, requests) VALUES (?, ?, ?, 1) "
            + "ON CONFLICT (key_id, window_id) DO UPDATE SET tokens = subkey_windows.tokens + excluded.tokens, "
            + "requests = subkey_windows.requests + 1 "
            + "WHERE subkey_windows.tokens + excluded.tokens <= ? AND subkey_windows.requests + 1 <= ?";

    /**
     * Spends one request of a key with token or spend limits (or a requests-per-minute limit shared by
     * instances): one transaction of conditional statements, each row count an answer. The key's row is
     * updated first, so in PostgreSQL every other request of the key waits for this one's commit and then
     * sees its counts (no lost update, no home-made lock); then each window's row (this minute, day, month)
     * takes the reservation only if it still fits. Any refusal rolls the whole transaction back. Limits are
     * read from the row inside the transaction, so a change made through another instance counts at once.
     */
    public Consumption consumeNow(SubKey key, Instant now, long tokens, double cost, boolean sharedRpm) throws SQLException {
        if (!key.budgets().limits() && !(sharedRpm && key.rpm().isPresent()) && tokens == 0 && cost == 0) {
            return consumeNow(key.id(), now);
        }
        long ms = now.toEpochMilli();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                Consumption result = spendInTransaction(c, key.id(), now, ms, tokens, cost, sharedRpm);
                if (result instanceof Consumption.Granted) c.commit();
                else c.rollback();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private Consumption spendInTransaction(Connection c, String id, Instant now, long ms, long tokens, double cost,
            boolean sharedRpm) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(SPEND)) {
            st.setLong(1, ms);
            st.setLong(2, tokens);
            st.setDouble(3, cost);
            st.setString(4, id);
            st.setLong(5, ms);
            st.setLong(6, tokens);
            st.setDouble(7, cost);
            if (st.executeUpdate() != 1) return whyNot(c, id, ms, tokens, cost);
        }
        Optional<Long> perDay;
        Optional<Long> perMonth;
        Optional<Long> perMinute;
        Optional<Integer> rpm;
        try (PreparedStatement st = c.prepareStatement(
                "SELECT tokens_per_day, tokens_per_month, tokens_per_minute, rpm FROM subkeys WHERE id = ?")) {
            st.setString(1, id);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) return new Consumption.Missing();
                perDay = optionalLong(rs, "tokens_per_day");
                perMonth = optionalLong(rs, "tokens_per_month");
                perMinute = optionalLong(rs, "tokens_per_minute");
                rpm = sharedRpm ? optionalLong(rs, "rpm").map(Long::intValue) : Optional.empty();
            }
        }
        List<BudgetWindows.Window> windows = BudgetWindows.of(now, perMinute, perDay, perMonth, rpm);
        List<String> taken = new ArrayList<>();
        for (BudgetWindows.Window w : windows) {
            long add = w.requests() ? 0 : tokens;
            // a reservation larger than the window itself never fits; the first row of a window is an insert, unchecked
            if (!w.requests() && add > w.limit()) return new Consumption.OverLimit(w.limitName(), Optional.of(w.untilEnd()));
            try (PreparedStatement st = c.prepareStatement(WINDOW)) {
                st.setString(1, id);
                st.setString(2, w.id());
                st.setLong(3, add);
                st.setLong(4, w.requests() ? Long.MAX_VALUE : w.limit());
                st.setLong(5, w.requests() ? w.limit() : Long.MAX_VALUE);
                if (st.executeUpdate() != 1) return new Consumption.OverLimit(w.limitName(), Optional.of(w.untilEnd()));
            }
            if (!w.requests()) taken.add(w.id());
        }
        return new Consumption.Granted(List.copyOf(taken));
    }

    /** Why the key's row did not take the request, read in the same transaction. */
    private static Consumption whyNot(Connection c, String id, long ms, long tokens, double cost) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT revoked_at, expires_at, remaining, token_budget, tokens_used, "
                + "spend_budget, spend_used FROM subkeys WHERE id = ?")) {
            st.setString(1, id);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) return new Consumption.Missing();
                if (optionalLong(rs, "revoked_at").isPresent()) return new Consumption.Revoked();
                Optional<Long> expires = optionalLong(rs, "expires_at");
                if (expires.isPresent() && expires.get() <= ms) return new Consumption.Expired();
                Optional<Long> remaining = optionalLong(rs, "remaining");
                if (remaining.isPresent() && remaining.get() <= 0) return new Consumption.Exhausted();
                Optional<Long> budget = optionalLong(rs, "token_budget");
                if (budget.isPresent() && rs.getLong("tokens_used") + tokens > budget.get()) {
                    return new Consumption.OverLimit("token_budget", Optional.empty());
                }
                return new Consumption.OverLimit("spend_budget", Optional.empty());
            }
        }
    }

    /** The difference between what a request used and what it reserved, on the key and on the windows it counted in. */
    public void settleTokensNow(String id, List<String> windows, long tokens, double cost) throws SQLException {
        if (tokens == 0 && cost == 0) return;
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement st = c.prepareStatement("UPDATE subkeys SET "
                        + "tokens_used = CASE WHEN tokens_used + ? < 0 THEN 0 ELSE tokens_used + ? END, "
                        + "spend_used = CASE WHEN spend_used + ? < 0 THEN 0 ELSE spend_used + ? END WHERE id = ?")) {
                    st.setLong(1, tokens);
                    st.setLong(2, tokens);
                    st.setDouble(3, cost);
                    st.setDouble(4, cost);
                    st.setString(5, id);
                    st.executeUpdate();
                }
                for (String w : windows) {
                    try (PreparedStatement st = c.prepareStatement("UPDATE subkey_windows SET "
                            + "tokens = CASE WHEN tokens + ? < 0 THEN 0 ELSE tokens + ? END WHERE key_id = ? AND window_id = ?")) {
                        st.setLong(1, tokens);
                        st.setLong(2, tokens);
                        st.setString(3, id);
                        st.setString(4, w);
                        st.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** Forgets the windows that ended before {@code now} (minutes, days and months gone by). */
    public void pruneWindowsNow(Instant now) throws SQLException {
        long minute = now.getEpochSecond() / 60;
        String day = java.time.LocalDate.ofInstant(now, java.time.ZoneOffset.UTC).toString();
        String month = day.substring(0, 7);
        try (Connection c = pool.getConnection();
                PreparedStatement st = c.prepareStatement("DELETE FROM subkey_windows WHERE "
                        + "((window_id LIKE 'm:%' OR window_id LIKE 'r:%') AND window_id <> ? AND window_id <> ?) "
                        + "OR (window_id LIKE 'd:%' AND window_id < ?) OR (window_id LIKE 'M:%' AND window_id < ?)")) {
            st.setString(1, "m:" + minute);
            st.setString(2, "r:" + minute);
            st.setString(3, "d:" + day);
            st.setString(4, "M:" + month);
            st.executeUpdate();
        }
    }

    /** Gives back a request whose relay did not succeed (see {@code Admission}). */
    public void refundNow(String id) throws SQLException {
        try (Connection c = pool.getConnection();
                PreparedStatement st = c.prepareStatement("UPDATE subkeys SET used = used - 1, "
                        + "remaining = CASE WHEN remaining IS NULL THEN NULL ELSE remaining + 1 END WHERE id = ? AND used > 0")) {
            st.setString(1, id);
            st.executeUpdate();
        }
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) LOG.warn("sub-key store calls still running at close");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
    }

    // ---- mapping ------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement st, int index) throws SQLException;
    }

    private static SubKey row(ResultSet rs) throws SQLException {
        return new SubKey(
                rs.getString("id"),
                rs.getString("name"),
                rs.getString("secret_sha256").trim(),
                rs.getString("secret_hint"),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                instant(rs, "expires_at"),
                instant(rs, "revoked_at"),
                optionalLong(rs, "remaining"),
                rs.getLong("used"),
                instant(rs, "last_used_at"),
                optionalLong(rs, "rpm").map(Long::intValue),
                new ModelRules(list(rs.getString("allowed_models")), list(rs.getString("denied_models"))),
                Optional.ofNullable(rs.getString("moderation_floor"))
                        .map(l -> ModerationLevel.valueOf(l.trim().toUpperCase(Locale.ROOT))),
                new EndpointRules(list(rs.getString("allowed_endpoints"))),
                new SubKeyBudgets(optionalLong(rs, "token_budget"), optionalLong(rs, "tokens_per_day"),
                        optionalLong(rs, "tokens_per_month"), optionalLong(rs, "tokens_per_minute"),
                        optionalDouble(rs, "spend_budget"), rs.getLong("tokens_used"), rs.getDouble("spend_used")),
                binding(rs.getString("binding")));
    }

    private static Optional<Double> optionalDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }

    private static void setDouble(PreparedStatement st, int i, Optional<Double> v) throws SQLException {
        if (v.isPresent()) st.setDouble(i, v.get());
        else st.setNull(i, Types.DOUBLE);
    }

    private static void longField(List<String> sets, List<Binder> binds, String column, Optional<Optional<Long>> v) {
        v.ifPresent(x -> {
            sets.add(column + " = ?");
            binds.add((st, i) -> setLong(st, i, x));
        });
    }

    private static SubKeyBinding binding(String json) throws SQLException {
        try {
            return SubKeyBinding.fromJson(json);
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable binding in the sub-key table");
        }
    }

    private static Optional<Long> optionalLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }

    private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        return optionalLong(rs, column).map(Instant::ofEpochMilli);
    }

    private static void setInstant(PreparedStatement st, int i, Optional<Instant> v) throws SQLException {
        if (v.isPresent()) st.setLong(i, v.get().toEpochMilli());
        else st.setNull(i, Types.BIGINT);
    }

    private static void setLong(PreparedStatement st, int i, Optional<Long> v) throws SQLException {
        if (v.isPresent()) st.setLong(i, v.get());
        else st.setNull(i, Types.BIGINT);
    }

    private static void setInt(PreparedStatement st, int i, Optional<Integer> v) throws SQLException {
        if (v.isPresent()) st.setInt(i, v.get());
        else st.setNull(i, Types.INTEGER);
    }

    private static void setLevel(PreparedStatement st, int i, Optional<ModerationLevel> v) throws SQLException {
        if (v.isPresent()) st.setString(i, v.get().name().toLowerCase(Locale.ROOT));
        else st.setNull(i, Types.VARCHAR);
    }

    private static String json(List<String> globs) {
        try {
            return JSON.writeValueAsString(globs);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static List<String> list(String json) throws SQLException {
        try {
            return JSON.readValue(json, new TypeReference<List<String>>() {});
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable model or endpoint list in the sub-key table");
        }
    }
}
