package modrelay.relay.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts tokens with jtokkit's copies of OpenAI's encodings: the model's own encoding when jtokkit
 * knows the model, o200k_base (the encoding of the gpt-4o and later families) for any other name.
 * Counts text as text: special-token spellings in it are ordinary characters. Thread-safe.
 */
public final class TokenCounter {
    private static final int MAX_CACHED_MODELS = 1024;
    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
    private static final Encoding FALLBACK = REGISTRY.getEncoding(EncodingType.O200K_BASE);
    private static final Map<String, Encoding> BY_MODEL = new ConcurrentHashMap<>();

    private TokenCounter() {}

    public static long count(String model, String text) {
        if (text == null || text.isEmpty()) return 0;
        return encoding(model).countTokensOrdinary(text);
    }

    /** The encoding counted with for a model name (o200k_base when jtokkit does not know it). */
    public static Encoding encoding(String model) {
        if (model == null || model.isEmpty()) return FALLBACK;
        Encoding cached = BY_MODEL.get(model);
        if (cached != null) return cached;
        Encoding e = REGISTRY.getEncodingForModel(model).orElse(FALLBACK);
        // Model names come from clients: do not let them grow the map without bound.
        if (BY_MODEL.size() < MAX_CACHED_MODELS) BY_MODEL.put(model, e);
        return e;
    }
}
