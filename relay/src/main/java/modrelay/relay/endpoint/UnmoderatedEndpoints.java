package modrelay.relay.endpoint;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import modrelay.config.ConfigException;
import modrelay.moderation.text.Dialect;

/**
 * MODERATION_UNMODERATED_ENDPOINTS: the endpoints the operator lets through unmoderated although
 * their answers can hold model text the relay cannot judge. Entries are group ids
 * ({@code assistants}) or endpoint names ({@code files.content}); each must name at least one
 * endpoint that is {@link Coverage.Unsupported}, so a typo or a moderated endpoint (chat) stops the
 * relay at start instead of doing nothing.
 */
public final class UnmoderatedEndpoints {
    public static final UnmoderatedEndpoints NONE = new UnmoderatedEndpoints(Set.of());

    private final Set<String> entries;

    private UnmoderatedEndpoints(Set<String> entries) {
        this.entries = Set.copyOf(entries);
    }

    /** What a request under moderation (level not off) gets, by its endpoint. */
    public sealed interface Decision {
        /** Through the gate, read with this dialect. */
        record Moderate(Dialect dialect, Streaming streaming) implements Decision {}

        /** Unmoderated: nothing a model wrote (or the operator exempted it). */
        record Pass(boolean exempted) implements Decision {}

        /** 403 moderation_unsupported_endpoint. */
        record Refuse(Endpoint endpoint) implements Decision {}
    }

    /**
     * @throws ConfigException naming the entry and what is allowed
     */
    public static UnmoderatedEndpoints parse(List<String> raw) {
        Set<String> out = new LinkedHashSet<>();
        for (String r : raw) {
            String name = r.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) continue;
            List<Endpoint> named = endpointsOf(name);
            if (named.isEmpty()) {
                throw new ConfigException("MODERATION_UNMODERATED_ENDPOINTS: unknown group or endpoint \"" + r.trim()
                        + "\"; groups with endpoints moderation cannot cover: " + String.join(", ", exemptableGroups())
                        + " (or an endpoint name such as files.content; see docs/moderation.md)");
            }
            if (named.stream().noneMatch(e -> e.coverage() instanceof Coverage.Unsupported)) {
                throw new ConfigException("MODERATION_UNMODERATED_ENDPOINTS: \"" + r.trim() + "\" needs no exemption: "
                        + "it is moderated or returns no model text");
            }
            out.add(name);
        }
        return new UnmoderatedEndpoints(out);
    }

    /** Whether the operator listed this endpoint, by its name or its group. */
    public boolean exempts(Endpoint e) {
        return entries.contains(e.name()) || entries.contains(e.group().id());
    }

    public Set<String> entries() {
        return entries;
    }

    public Decision decide(Endpoint e) {
        if (e.coverage() instanceof Coverage.Moderated m) return new Decision.Moderate(m.dialect(), m.streaming());
        if (e.coverage() instanceof Coverage.NoModelText) return new Decision.Pass(false);
        return exempts(e) ? new Decision.Pass(true) : new Decision.Refuse(e);
    }

    private static List<Endpoint> endpointsOf(String name) {
        Optional<Endpoint> one = Endpoints.named(name);
        if (one.isPresent()) return List.of(one.get());
        Optional<Group> g = Endpoints.group(name);
        if (g.isEmpty()) return List.of();
        List<Endpoint> out = new ArrayList<>();
        for (Endpoint e : Endpoints.all()) {
            if (e.group() == g.get()) out.add(e);
        }
        if (g.get() == Group.OTHER) out.add(Endpoints.UNKNOWN);
        return out;
    }

    static List<String> exemptableGroups() {
        List<String> out = new ArrayList<>();
        for (Group g : Group.values()) {
            if (endpointsOf(g.id()).stream().anyMatch(e -> e.coverage() instanceof Coverage.Unsupported)) out.add(g.id());
        }
        return out;
    }
}
