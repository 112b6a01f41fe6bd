package modrelay.relay.admin;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import modrelay.relay.errors.OpenAiError;

/**
 * {@code GET /admin/chat/{request_id}}: one exchange's chat log entry, for the console's audit view.
 * Only when LOG_CHAT is on (else 404: there is nothing to read, and the console shows no link). The
 * file reading runs on one thread of its own with a short queue; more lookups at once get 503.
 */
final class ChatRoutes extends AllDirectives {
    private static final int MAX_ID_LENGTH = 128;

    private final boolean on;
    private final ChatLogLookup lookup;
    private final ExecutorService reader;

    ChatRoutes(AdminSources sources) {
        this.on = sources.observability().chatLogOn();
        this.lookup = new ChatLogLookup(sources.observability().chatLogDir());
        this.reader = on ? new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4), r -> {
            Thread t = new Thread(r, "modrelay-admin-chat-log");
            t.setDaemon(true);
            return t;
        }) : null;
        if (reader != null) ((ThreadPoolExecutor) reader).allowCoreThreadTimeOut(true);
    }

    Route route() {
        return pathPrefix("chat", () -> path(PathMatchers.segment(), id -> get(() -> {
            if (!on) return complete(Answers.notFound("The chat log is off (LOG_CHAT): there is no entry to show.", "chat_log_off"));
            if (!acceptable(id)) return complete(Answers.badParameter("request_id", "Not a request id."));
            CompletionStage<ChatLogLookup.Result> read;
            try {
                read = CompletableFuture.supplyAsync(() -> find(id), reader);
            } catch (RejectedExecutionException busy) {
                return complete(new OpenAiError(StatusCodes.SERVICE_UNAVAILABLE, "The relay is reading the chat log for "
                        + "other lookups; try again in a moment.", "server_error", "chat_log_busy").response(1));
            }
            return onSuccess(read, r -> complete(r instanceof ChatLogLookup.Result.Found f
                    ? Answers.ok(f.entry().toString())
                    : Answers.notFound("No chat log entry for request " + id + ": " + ((ChatLogLookup.Result.NotFound) r).why() + ".",
                            "chat_entry_not_found")));
        })));
    }

    private ChatLogLookup.Result find(String id) {
        try {
            return lookup.find(id);
        } catch (java.io.IOException e) {
            return new ChatLogLookup.Result.NotFound("the chat log could not be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The characters request ids are made of (see http/RequestIds), bounded: the id is quoted back. */
    static boolean acceptable(String id) {
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH) return false;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == ':' || c == '+' || c == '=' || c == '@';
            if (!ok) return false;
        }
        return true;
    }

}
