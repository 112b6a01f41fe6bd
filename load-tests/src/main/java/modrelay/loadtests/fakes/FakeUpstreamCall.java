package modrelay.loadtests.fakes;

/**
 * Everything a reply builder needs to know about one generation request, read once from the
 * request body and headers.
 *
 * @param id unique per call; the builders prefix it the way OpenAI does ({@code chatcmpl-}, {@code resp_}, ...)
 * @param quotedModel the requested model as a JSON string literal (echoed back, as OpenAI does)
 * @param promptTokens the prompt's size in fake tokens, for {@code usage}
 * @param reasoning stream a short reasoning text before the content ({@code x-fake-reasoning})
 */
record FakeUpstreamCall(
        String id,
        long createdEpochSeconds,
        String quotedModel,
        FakeUpstreamReply reply,
        int promptTokens,
        boolean stream,
        boolean includeUsage,
        boolean reasoning,
        FakeUpstreamPace pace) {}
