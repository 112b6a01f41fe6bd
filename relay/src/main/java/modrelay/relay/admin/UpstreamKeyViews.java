package modrelay.relay.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import modrelay.relay.upstream.KeySnapshot;
import modrelay.relay.upstream.UpstreamKeys;

/**
 * The relay's own upstream keys as the admin API shows them: by alias ("key-1"), with state, reason
 * and until. Never the key, nor anything derived from it.
 */
final class UpstreamKeyViews {
    private static final ObjectMapper JSON = new ObjectMapper();

    private UpstreamKeyViews() {}

    static ObjectNode key(String upstream, KeySnapshot.KeyState k, Instant now) {
        ObjectNode o = JSON.createObjectNode();
        o.put("object", "relay.upstream_key");
        o.put("upstream", upstream);
        o.put("key", k.alias());
        // A cooldown that has passed but whose timer has not yet fired is already usable again.
        boolean usable = k.status() == KeySnapshot.Status.COOLING && !now.isBefore(k.until());
        KeySnapshot.Status shown = usable ? KeySnapshot.Status.ACTIVE : k.status();
        o.put("state", shown.label());
        if (shown == KeySnapshot.Status.ACTIVE) {
            o.putNull("reason");
            o.putNull("until");
        } else {
            o.put("reason", k.reason());
            o.put("until", k.until().toString());
        }
        return o;
    }

    static String list(List<UpstreamKeys.Pool> pools, Instant now) {
        ObjectNode o = JSON.createObjectNode();
        o.put("object", "list");
        ArrayNode data = o.putArray("data");
        for (UpstreamKeys.Pool p : pools) {
            for (KeySnapshot.KeyState k : p.client().snapshot().keys()) data.add(key(p.upstream(), k, now));
        }
        return o.toString();
    }
}
