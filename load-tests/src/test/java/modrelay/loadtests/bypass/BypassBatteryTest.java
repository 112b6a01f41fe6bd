package modrelay.loadtests.bypass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import modrelay.loadtests.fakes.LenientUpstream;
import modrelay.loadtests.fixture.RelayFixture;
import modrelay.loadtests.fixture.RunningRelay;
import modrelay.relay.response.ResponseShaper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The bypass battery (issue 11): a relay with {@code MODERATION_MIN=high} and the keyword moderator blocking a
 * term, in front of an upstream that is lenient the way many OpenAI-compatible servers are and says the term in
 * every answer. Each probe is one way to get the term past the relay, built from the categories: other
 * spellings of every moderated path; the JSON body under other or no content types and encodings; every text
 * field, streamed and whole, in any choice; the term shaped to slip between the moderator's sentences; stored
 * answers and resumed streams; Assistants, batch, Conversations and container contents; odd answers.
 *
 * <p>Each probe first sends its request to the upstream directly and asserts that the term can be read there
 * (so a probe cannot pass because the fake said nothing), then through the relay, and asserts that the client,
 * decoding the answer every way it can ({@link ClientView}), cannot read the term: the relay moderated and cut
 * it, or refused the request in OpenAI's error shape.
 */
class BypassBatteryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RelayFixture relays = RelayFixture.scope();
    private static LenientUpstream upstream;
    private static RunningRelay relay;

    @BeforeAll
    static void start() {
        upstream = relays.own(LenientUpstream.start(Battery.TERM));
        relay = relays.start(Battery.relayInFrontOf(upstream.baseUrl()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("probes")
    void noBlockedTextReachesTheClient(Probe probe) throws Exception {
        RawHttp.Answer direct = probe.sendTo(upstream.port());
        assertTrue(ClientView.of(direct).leaks(probe.term()), probe
                + ": control: the lenient upstream itself must say the term for this probe to mean anything: " + direct);

        RawHttp.Answer relayed = probe.sendTo(relay.port());
        System.out.println("probe [" + probe + "] relayed: " + relayed.status() + " " + relayed.header("content-type")
                + (relayed.status() >= 400 ? " " + relayed.bodyText().replaceAll("\\s+", " ") : ""));
        assertFalse(ClientView.of(relayed).leaks(probe.term()), probe + ": the blocked term reached the client: " + relayed);
        if (relayed.status() >= 400) assertOpenAiError(probe, relayed);
    }

    private static void assertOpenAiError(Probe probe, RawHttp.Answer answer) throws Exception {
        JsonNode error;
        try {
            error = JSON.readTree(ClientView.decode(answer.body(), answer.header("content-encoding"))).get("error");
        } catch (Exception notJson) {
            throw new AssertionError(probe + ": a refusal that is not OpenAI-shaped JSON: " + answer);
        }
        assertNotNull(error, probe + ": no error object: " + answer);
        assertTrue(error.hasNonNull("message") && error.hasNonNull("type") && error.has("code"), probe + ": not OpenAI-shaped: " + answer);
    }

    // ---------------------------------------------------------------------------------------------------------

    static String chat(boolean stream) {
        return "{\"model\":\"gpt-4o-mini\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    static String responses(boolean stream) {
        return "{\"model\":\"gpt-4o-mini\",\"stream\":" + stream + ",\"input\":\"hi\"}";
    }

    static String completions(boolean stream) {
        return "{\"model\":\"gpt-3.5-turbo-instruct\",\"stream\":" + stream + ",\"prompt\":\"hi\"}";
    }

    private static final boolean[] BOTH = {true, false};

    private static String mode(boolean stream) {
        return stream ? "streamed" : "whole";
    }

    static List<Probe> probes() {
        List<Probe> p = new ArrayList<>();
        paths(p);
        contentTypes(p);
        fields(p);
        shapes(p);
        stored(p);
        otherEndpoints(p);
        oddAnswers(p);
        flagsAndBodies(p);
        return p;
    }

    /** Other spellings of every moderated path. */
    private static void paths(List<Probe> p) {
        String[] chatSpellings = {
                "/V1/Chat/Completions", "/v1/CHAT/COMPLETIONS",
                "/v1/chat/%63ompletions", "/v1/chat%2Fcompletions", "/v1%2fchat%2fcompletions", "/v1/chat/%2563ompletions",
                "//v1/chat/completions", "/v1//chat/completions", "/v1/chat//completions",
                "/v1/chat/completions;x=1", "/v1;a=b/chat;c/completions",
                "/v1/chat/completions/", "/v1/chat/completions.", "/v1/chat/completions%20", "/v1/chat/completions%09",
                "/v1/chat/completions~", "/v1/chat/completions.json", "/v1/chat/completions%00", "/v1/chat/completions%E2%80%8B",
                "/v1/x/../chat/completions", "/v1/chat/./completions", "/v1/chat/completions/x/..", "/v1/%2e%2e/v1/chat/completions",
                "/v1/chat/completions/%2e", "/v1\\chat\\completions",
                "/chat/completions", "/openai/v1/chat/completions", "/openai/deployments/d/Chat/Completions",
                "/v1/engines/gpt-4o-mini/chat/completions", "http://{authority}/v1/Chat/Completions"};
        for (String path : chatSpellings) {
            for (boolean stream : BOTH) p.add(Probe.post(path, chat(stream)).named("path " + path + " chat " + mode(stream)));
        }
        String[] responsesSpellings = {"/v1/Responses", "/v1/%72esponses", "/v1/responses/", "/v1/responses;x", "/v1//responses",
                "/openai/responses", "/v1/responses%20"};
        for (String path : responsesSpellings) {
            for (boolean stream : BOTH) p.add(Probe.post(path, responses(stream)).named("path " + path + " responses " + mode(stream)));
        }
        String[] completionsSpellings = {"/v1/Completions", "/v1/completions;x", "/v1/engines/davinci/completions", "/v1/%63ompletions"};
        for (String path : completionsSpellings) {
            for (boolean stream : BOTH) p.add(Probe.post(path, completions(stream)).named("path " + path + " completions " + mode(stream)));
        }
    }

    /** The JSON body under other or no content types, and compressed. */
    private static void contentTypes(List<Probe> p) {
        String[] types = {null, "text/plain", "application/x+json", "application/vnd.api+json", "text/json", "APPLICATION/JSON",
                "application/octet-stream", "application/x-www-form-urlencoded", "application/json; charset=utf-16",
                "application/jsonl"};
        for (String type : types) {
            for (boolean stream : BOTH) {
                p.add(Probe.post("/v1/chat/completions", chat(stream)).contentType(type)
                        .named("content type " + (type == null ? "none" : type) + " chat " + mode(stream)));
            }
        }
        for (boolean stream : BOTH) {
            String boundary = "b0undary";
            String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"payload\"\r\n"
                    + "Content-Type: application/json\r\n\r\n" + chat(stream) + "\r\n--" + boundary + "--\r\n";
            p.add(Probe.post("/v1/chat/completions", multipart).contentType("multipart/form-data; boundary=" + boundary)
                    .named("content type multipart chat " + mode(stream)));
            p.add(Probe.post("/v1/responses", responses(stream)).contentType("text/plain")
                    .named("content type text/plain responses " + mode(stream)));
            p.add(Probe.post("/v1/chat/completions", "").body(gzip(chat(stream))).header("Content-Encoding", "gzip")
                    .named("gzip-encoded JSON body chat " + mode(stream)));
            p.add(Probe.post("/v1/chat/completions", "").contentType("text/plain").body(gzip(chat(stream)))
                    .header("Content-Encoding", "gzip").named("gzip-encoded text/plain body chat " + mode(stream)));
            p.add(Probe.post("/v1/chat/completions", chat(stream)).header("Transfer-Encoding", "chunked")
                    .named("chunked JSON body chat " + mode(stream)));
        }
    }

    /** Every text field, streamed and whole, and in a later choice. */
    private static void fields(List<Probe> p) {
        for (String field : new String[] {"content", "reasoning_content", "refusal", "tool_arguments", "audio_transcript",
                "content_parts", "function_call", "logprobs"}) {
            for (boolean stream : BOTH) {
                p.add(Probe.post("/v1/chat/completions", chat(stream)).field(field).named("chat " + field + " " + mode(stream)));
                p.add(Probe.post("/v1/chat/completions", chat(stream)).field(field).header("x-leak-choice", "1")
                        .named("chat " + field + " in the second choice " + mode(stream)));
            }
        }
        for (String field : new String[] {"sse_comment", "sse_unknown_field"}) {
            p.add(Probe.post("/v1/chat/completions", chat(true)).field(field).named("chat stream, text in " + field));
            p.add(Probe.post("/v1/responses", responses(true)).field(field).named("responses stream, text in " + field));
        }
        for (String field : new String[] {"content", "refusal", "reasoning_text", "reasoning_summary", "tool_arguments"}) {
            for (boolean stream : BOTH) {
                p.add(Probe.post("/v1/responses", responses(stream)).field(field).named("responses " + field + " " + mode(stream)));
            }
        }
        for (boolean stream : BOTH) p.add(Probe.post("/v1/completions", completions(stream)).named("completions text " + mode(stream)));
    }

    /** The term written so that no single sentence holds it. */
    private static void shapes(List<Probe> p) {
        for (String shape : new String[] {"letters", "lines", "frame_edge", "paused"}) {
            for (boolean stream : BOTH) {
                if (shape.equals("paused") && !stream) continue;
                p.add(Probe.post("/v1/chat/completions", chat(stream)).shape(shape).named("chat term " + shape + " " + mode(stream)));
            }
            p.add(Probe.post("/v1/responses", responses(true)).shape(shape).named("responses term " + shape + " streamed"));
            p.add(Probe.post("/v1/chat/completions", chat(true)).shape(shape).field("tool_arguments")
                    .named("chat tool arguments, term " + shape + " streamed"));
        }
        for (boolean stream : BOTH) {
            p.add(Probe.post("/v1/chat/completions", chat(stream)).shape("letters").han()
                    .named("chat Chinese term one character per line " + mode(stream)));
            p.add(Probe.post("/v1/chat/completions", chat(stream)).shape("lines").han()
                    .named("chat Chinese term split over two lines " + mode(stream)));
        }
    }

    /** Stored answers, fetched later, and resumed streams. */
    private static void stored(List<Probe> p) {
        p.add(Probe.get("/v1/chat/completions/chatcmpl-1").named("stored chat completion GET"));
        p.add(Probe.get("/v1/chat/completions/chatcmpl-1").field("tool_arguments").named("stored chat completion GET, tool arguments"));
        p.add(Probe.post("/v1/chat/completions/chatcmpl-1", "{\"metadata\":{\"k\":\"v\"}}").named("stored chat completion metadata update POST"));
        p.add(Probe.get("/v1/chat/completions").named("stored chat completions list GET"));
        p.add(Probe.get("/v1/chat/completions/chatcmpl-1/messages").named("stored chat completion messages GET"));
        p.add(Probe.get("/v1/Chat/Completions/chatcmpl-1").named("stored chat completion GET, other case"));
        p.add(Probe.get("/v1/responses/resp_1").named("stored response GET"));
        p.add(Probe.get("/v1/responses/resp_1").field("refusal").named("stored response GET, refusal"));
        p.add(Probe.get("/v1/responses/resp_1?stream=true").named("resumed response stream"));
        p.add(Probe.get("/v1/responses/resp_1?stream=true&starting_after=3").named("resumed response stream after event 3"));
        p.add(Probe.get("/v1/responses/resp_1?stream=1").named("resumed response stream, stream=1"));
        p.add(Probe.get("/v1/responses/resp_1?stream=true").field("tool_arguments").named("resumed response stream, function arguments"));
        p.add(Probe.get("/v1/Responses/resp_1?Stream=True").named("resumed response stream, other case"));
        p.add(Probe.get("/v1//responses/resp_1/").named("stored response GET, doubled and trailing slashes"));
        p.add(Probe.post("/v1/responses/resp_1/cancel", "{}").named("background response cancel POST"));
    }

    /** Endpoints beside chat, completions and Responses that return model text. */
    private static void otherEndpoints(List<Probe> p) {
        p.add(Probe.get("/v1/threads/thread_1/messages").named("Assistants thread messages list"));
        p.add(Probe.get("/v1/threads/thread_1/messages/msg_1").named("Assistants thread message"));
        p.add(Probe.get("/v1/threads/thread_1/runs/run_1/steps").named("Assistants run steps"));
        p.add(Probe.post("/v1/threads/thread_1/runs", "{\"assistant_id\":\"asst_1\",\"stream\":true}").named("Assistants run stream"));
        p.add(Probe.post("/v1/threads/runs", "{\"assistant_id\":\"asst_1\",\"stream\":true}").named("Assistants create-thread-and-run stream"));
        p.add(Probe.post("/v1/threads/thread_1/runs/run_1/submit_tool_outputs", "{\"tool_outputs\":[],\"stream\":true}")
                .named("Assistants submit tool outputs stream"));
        p.add(Probe.post("/v1/Threads/thread_1/Runs", "{\"assistant_id\":\"asst_1\",\"stream\":true}").named("Assistants run stream, other case"));
        p.add(Probe.get("/v1/files/file-batch-output/content").named("batch output file content"));
        p.add(Probe.get("/v1/Files/file-batch-output/Content").named("batch output file content, other case"));
        p.add(Probe.get("/v1/conversations/conv_1/items").named("Conversations items"));
        p.add(Probe.get("/v1/conversations/conv_1/items/msg_1").named("Conversations item"));
        p.add(Probe.get("/v1/containers/cntr_1/files/cfile_1/content").named("code interpreter container file content"));
    }

    /** Odd answers to a moderated request (ResponseShaper's fail-closed side). */
    private static void oddAnswers(List<Probe> p) {
        for (String odd : new String[] {"gzip", "deflate", "br", "x-zzz", "text-plain", "no-type", "octet-stream", "label-json",
                "label-sse", "crlf", "die"}) {
            for (boolean stream : BOTH) {
                p.add(Probe.post("/v1/chat/completions", chat(stream)).odd(odd).named("odd answer " + odd + " chat " + mode(stream)));
            }
            p.add(Probe.post("/v1/responses", responses(true)).odd(odd).named("odd answer " + odd + " responses streamed"));
        }
    }

    /** Flags and bodies that might change the relay's reading of the request but not the upstream's. */
    private static void flagsAndBodies(List<Probe> p) {
        for (boolean stream : BOTH) {
            String body = chat(stream);
            p.add(Probe.post("/v1/chat/completions", body.replace("{", "{\"moderation\":false,"))
                    .named("moderation:false under the floor " + mode(stream)));
            p.add(Probe.post("/v1/chat/completions", body.replace("{", "{\"moderation_level\":\"low\","))
                    .named("moderation_level low under the floor " + mode(stream)));
            p.add(Probe.post("/v1/chat/completions", "\uFEFF" + body).named("JSON body with a byte order mark " + mode(stream)));
            p.add(Probe.post("/v1/chat/completions", ")]}'\n" + body).named("JSON body behind a prefix " + mode(stream)));
            p.add(Probe.post("/v1/chat/completions", body.replace("{\"model\"", "{/* c */\"model\"")).named("JSON body with a comment " + mode(stream)));
            p.add(Probe.post("/v1/chat/completions", body.replace("\"stream\":" + stream, "\"stream\":\"" + stream + "\""))
                    .named("stream flag as a string " + mode(stream)));
        }
        p.add(Probe.post("/v1/chat/completions?stream=true", chat(false)).named("stream asked in the query, not the body"));
        p.add(Probe.post("/v1/chat/completions", chat(false).replace("\"stream\":false", "\"stream\":false,\"stream\":true"))
                .named("duplicate stream keys"));
    }

    private static byte[] gzip(String text) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(out)) {
                z.write(text.getBytes(StandardCharsets.UTF_8));
            }
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
