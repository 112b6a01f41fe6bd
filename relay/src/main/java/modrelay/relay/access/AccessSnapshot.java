package modrelay.relay.access;

import java.util.Map;

/**
 * What the hot path reads, published whole by {@link SubKeyRegistry}: the IP rules and every
 * sub-key (revoked ones too, so a client hears "revoked" rather than "unknown") by secret hash.
 */
public record AccessSnapshot(IpRules ipRules, Map<String, SubKey> keysByHash) {
    public AccessSnapshot {
        keysByHash = Map.copyOf(keysByHash);
    }
}
