package modrelay.relay.routing;

import akka.util.ByteString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The models the relay offers, as {@code GET /v1/models} shows them: rendered once per change, so
 * answering costs a read of a reference. {@code owned_by} names the first upstream (in configuration
 * order) that offers the model.
 */
public record ModelList(Map<String, String> ownerById, ByteString json) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** @param perUpstream model ids per upstream, in configuration order; duplicates keep the first owner */
    public static ModelList of(List<String> upstreamNames, List<List<String>> perUpstream) {
        Map<String, String> owners = new LinkedHashMap<>();
        for (int i = 0; i < perUpstream.size(); i++) {
            for (String id : perUpstream.get(i)) owners.putIfAbsent(id, upstreamNames.get(i));
        }
        List<String> ids = new ArrayList<>(owners.keySet());
        ids.sort(null);
        Map<String, String> sorted = new LinkedHashMap<>();
        ObjectNode root = JSON.createObjectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String id : ids) {
            sorted.put(id, owners.get(id));
            data.add(model(id, owners.get(id)));
        }
        return new ModelList(Map.copyOf(sorted), ByteString.fromString(root.toString()));
    }

    public List<String> ids() {
        return new ArrayList<>(new java.util.TreeSet<>(ownerById.keySet()));
    }

    /** {@code GET /v1/models/{id}}: the model object, when offered. */
    public Optional<ByteString> one(String id) {
        String owner = ownerById.get(id);
        return owner == null ? Optional.empty() : Optional.of(ByteString.fromString(model(id, owner).toString()));
    }

    private static ObjectNode model(String id, String owner) {
        ObjectNode m = JSON.createObjectNode();
        m.put("id", id);
        m.put("object", "model");
        m.put("created", 0);
        m.put("owned_by", owner);
        return m;
    }
}
