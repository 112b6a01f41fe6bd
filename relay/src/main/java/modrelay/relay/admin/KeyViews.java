package modrelay.relay.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import modrelay.relay.access.ReloadReport;
import modrelay.relay.access.SubKey;

/** Sub-keys as the admin API shows them. The secret appears once, in the answer to its creation. */
final class KeyViews {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KeyViews() {}

    static ObjectNode key(SubKey k, Instant now, Optional<String> secret) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", k.id());
        o.put("object", "relay.subkey");
        o.put("name", k.name());
        secret.ifPresent(s -> o.put("key", s));
        o.put("key_hint", k.hint());
        o.put("status", k.status(now).name().toLowerCase(Locale.ROOT));
        o.put("created_at", k.createdAt().toString());
        time(o, "expires_at", k.expiresAt());
        time(o, "revoked_at", k.revokedAt());
        if (k.remaining().isPresent()) o.put("remaining_requests", k.remaining().get());
        else o.putNull("remaining_requests");
        o.put("requests_used", k.used());
        time(o, "last_used_at", k.lastUsedAt());
        if (k.rpm().isPresent()) o.put("requests_per_minute", k.rpm().get());
        else o.putNull("requests_per_minute");
        ArrayNode allowed = o.putArray("allowed_models");
        k.models().allowed().forEach(allowed::add);
        ArrayNode denied = o.putArray("denied_models");
        k.models().denied().forEach(denied::add);
        if (k.floor().isPresent()) o.put("moderation_floor", k.floor().get().name().toLowerCase(Locale.ROOT));
        else o.putNull("moderation_floor");
        ArrayNode endpoints = o.putArray("allowed_endpoints");
        k.endpoints().granted().forEach(endpoints::add);
        budgets(o, k.budgets());
        if (k.binding().upstream().isPresent()) o.put("upstream", k.binding().upstream().get());
        else o.putNull("upstream");
        if (k.binding().model().isPresent()) o.put("model", k.binding().model().get());
        else o.putNull("model");
        o.set("defaults", k.binding().defaultsNode());
        o.set("caps", k.binding().capsNode());
        return o;
    }

    static String one(SubKey k, Instant now, Optional<String> secret) {
        return key(k, now, secret).toString();
    }

    static String list(List<SubKey> keys, Instant now) {
        ObjectNode o = JSON.createObjectNode();
        o.put("object", "list");
        ArrayNode data = o.putArray("data");
        for (SubKey k : keys) data.add(key(k, now, Optional.empty()));
        return o.toString();
    }

    static String reload(ReloadReport r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("reloaded", true);
        o.put("ip_whitelist", r.ipWhitelist());
        o.put("ip_blacklist", r.ipBlacklist());
        o.put("trusted_proxies", r.trustedProxies());
        o.put("subkeys", r.subKeys());
        return o.toString();
    }

    private static void budgets(ObjectNode o, modrelay.relay.access.SubKeyBudgets b) {
        limit(o, "token_budget", b.tokenBudget());
        limit(o, "tokens_per_day", b.tokensPerDay());
        limit(o, "tokens_per_month", b.tokensPerMonth());
        limit(o, "tokens_per_minute", b.tokensPerMinute());
        if (b.spendBudget().isPresent()) o.put("spend_budget", b.spendBudget().get());
        else o.putNull("spend_budget");
        o.put("tokens_used", b.tokensUsed());
        o.put("spend_used", b.spendUsed());
    }

    private static void limit(ObjectNode o, String field, Optional<Long> v) {
        if (v.isPresent()) o.put(field, v.get());
        else o.putNull(field);
    }

    private static void time(ObjectNode o, String field, Optional<Instant> t) {
        if (t.isPresent()) o.put(field, t.get().toString());
        else o.putNull(field);
    }
}
