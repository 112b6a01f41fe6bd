package modrelay.relay.access;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import modrelay.relay.endpoint.Endpoint;
import modrelay.relay.endpoint.Endpoints;
import modrelay.relay.endpoint.Group;

/**
 * A sub-key's endpoint allowlist: group ids ({@code files}), endpoint names ({@code files.create})
 * or {@code *} (every endpoint, unknown ones included: the whole upstream key). Names are kept as
 * stored; one that this version does not know (written by a newer one) grants nothing.
 */
public record EndpointRules(List<String> granted) {

    public static final String EVERYTHING = "*";

    /** What a new key gets, and what keys from before allowlists existed were given by the migration. */
    public static final EndpointRules DEFAULT = new EndpointRules(defaultGroups());

    public EndpointRules {
        granted = List.copyOf(granted);
    }

    public boolean allows(Endpoint e) {
        return granted.contains(EVERYTHING) || granted.contains(e.group().id()) || granted.contains(e.name());
    }

    /**
     * Validated names, duplicates dropped, order kept.
     *
     * @throws IllegalArgumentException naming the first unknown entry
     */
    public static EndpointRules parse(List<String> names) {
        if (names.isEmpty()) throw new IllegalArgumentException("at least one group or endpoint is needed");
        Set<String> out = new LinkedHashSet<>();
        for (String n : names) {
            if (!n.equals(EVERYTHING) && Endpoints.group(n).isEmpty() && Endpoints.named(n).isEmpty()) {
                throw new IllegalArgumentException("unknown group or endpoint \"" + n + "\"");
            }
            out.add(n);
        }
        return new EndpointRules(new ArrayList<>(out));
    }

    private static List<String> defaultGroups() {
        List<String> out = new ArrayList<>();
        for (Group g : Group.values()) {
            if (g.byDefault()) out.add(g.id());
        }
        return out;
    }
}
