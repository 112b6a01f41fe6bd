package modrelay.loadtests.fakes;

import java.util.Locale;

/**
 * Where the lenient fake puts the blocked phrase: every field of the OpenAI answers that carries model text.
 * Chosen per request with the {@code x-leak-field} header (its wire name, e.g. {@code tool_arguments}).
 */
public enum LeakField {
    /** chat {@code content}, completions {@code text}, Responses {@code output_text}, Assistants message text */
    CONTENT,
    /** chat {@code reasoning_content} (DeepSeek and others) */
    REASONING_CONTENT,
    /** chat {@code refusal}, Responses {@code refusal} */
    REFUSAL,
    /** chat {@code tool_calls[].function.arguments}, Responses function-call {@code arguments} */
    TOOL_ARGUMENTS,
    /** chat {@code audio.transcript} */
    AUDIO_TRANSCRIPT,
    /** Responses {@code reasoning_text} */
    REASONING_TEXT,
    /** Responses reasoning {@code summary_text} */
    REASONING_SUMMARY,
    /** chat {@code content} as an array of parts ({@code [{"type":"text","text":…}]}), as some compatible servers send it */
    CONTENT_PARTS,
    /** the legacy {@code function_call.arguments} of chat (before tool calls) */
    FUNCTION_CALL,
    /** chat {@code content} with {@code logprobs.content[].token} spelling the same text */
    LOGPROBS,
    /** an SSE comment line ({@code : text}) between events: no JSON at all */
    SSE_COMMENT,
    /** an SSE field no client reads ({@code note: text}) inside an event */
    SSE_UNKNOWN_FIELD;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static LeakField fromWire(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }
}
