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
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
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
            st.setString(16, k.binding().toJson());
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
                binding(rs.getString("binding")));
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
