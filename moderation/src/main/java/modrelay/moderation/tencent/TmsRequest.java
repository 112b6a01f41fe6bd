package modrelay.moderation.tencent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import modrelay.moderation.ModerationContext;

/** The JSON parameters of one TextModeration call (API 2020-12-29). */
final class TmsRequest {
    static final String ACTION = "TextModeration";
    static final String VERSION = "2020-12-29";
    /** TMS accepts at most this many characters of text per call. */
    static final int MAX_CONTENT_CHARS = 10_000;
    static final int MAX_DATA_ID = 128;

    private static final ObjectMapper JSON = new ObjectMapper();

    private TmsRequest() {}

    static String json(String text, String bizType, ModerationContext context) {
        ObjectNode params = JSON.createObjectNode();
        params.put("Content", Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)));
        if (bizType != null && !bizType.isEmpty()) params.put("BizType", bizType);
        String dataId = dataId(context.requestId());
        if (!dataId.isEmpty()) params.put("DataId", dataId);
        if (context.user() != null && !context.user().isEmpty()) {
            params.putObject("User").put("UserId", context.user());
        }
        return params.toString();
    }

    /**
     * TMS takes letters, digits and {@code _ - @ #} in a DataId; anything else would make it refuse
     * the whole call, so other characters become {@code _}. At most {@value #MAX_DATA_ID} characters.
     */
    static String dataId(String requestId) {
        if (requestId == null || requestId.isEmpty()) return "";
        String cut = requestId.length() > MAX_DATA_ID ? requestId.substring(0, MAX_DATA_ID) : requestId;
        StringBuilder out = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-' || c == '@' || c == '#';
            out.append(allowed ? c : '_');
        }
        return out.toString();
    }
}
