package modrelay.relay.access;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import modrelay.moderation.ModerationLevel;

/**
 * A change to a sub-key: an empty outer Optional leaves the field as it is; for the fields that may
 * be unset, an empty inner Optional clears them (no expiry, no limit, no floor).
 *
 * @param endpoints a new endpoint allowlist
 * @param binding   changes to the key's binding (upstream, defaults, caps)
 */
public record SubKeyPatch(
        Optional<String> name,
        Optional<Optional<Instant>> expiresAt,
        Optional<Optional<Long>> remaining,
        Optional<Optional<Integer>> rpm,
        Optional<List<String>> allowedModels,
        Optional<List<String>> deniedModels,
        Optional<Optional<ModerationLevel>> floor,
        Optional<EndpointRules> endpoints,
        SubKeyBudgets.Patch budgets,
        SubKeyBinding.Patch binding) {

    /** A patch that leaves the budgets and the binding as they are. */
    public SubKeyPatch(Optional<String> name, Optional<Optional<Instant>> expiresAt, Optional<Optional<Long>> remaining,
            Optional<Optional<Integer>> rpm, Optional<List<String>> allowedModels, Optional<List<String>> deniedModels,
            Optional<Optional<ModerationLevel>> floor, Optional<EndpointRules> endpoints) {
        this(name, expiresAt, remaining, rpm, allowedModels, deniedModels, floor, endpoints, SubKeyBudgets.Patch.NONE,
                SubKeyBinding.Patch.NONE);
    }

    /** A patch that leaves the endpoint allowlist as it is. */
    public SubKeyPatch(Optional<String> name, Optional<Optional<Instant>> expiresAt, Optional<Optional<Long>> remaining,
            Optional<Optional<Integer>> rpm, Optional<List<String>> allowedModels, Optional<List<String>> deniedModels,
            Optional<Optional<ModerationLevel>> floor) {
        this(name, expiresAt, remaining, rpm, allowedModels, deniedModels, floor, Optional.empty());
    }

    public static SubKeyPatch none() {
        return new SubKeyPatch(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    public boolean isEmpty() {
        return name.isEmpty() && expiresAt.isEmpty() && remaining.isEmpty() && rpm.isEmpty() && allowedModels.isEmpty()
                && deniedModels.isEmpty() && floor.isEmpty() && endpoints.isEmpty() && budgets.isEmpty() && binding.isEmpty();
    }
}
