package modrelay.relay.tokens;

/**
 * The tokens of one exchange, as the upstream reported them or as the relay counted them.
 *
 * @param prompt     input tokens (chat/completions {@code prompt_tokens}, Responses {@code input_tokens})
 * @param completion output tokens (reasoning included, as OpenAI counts them)
 * @param cached     of the prompt, the tokens served from the upstream's prompt cache (0 when not given)
 * @param reasoning  of the completion, the reasoning tokens (0 when not given)
 * @param estimated  counted by the relay with its tokenizer, because the upstream reported nothing
 */
public record Usage(long prompt, long completion, long cached, long reasoning, boolean estimated) {
    public static final Usage NONE = new Usage(0, 0, 0, 0, false);

    public long total() {
        return prompt + completion;
    }
}
