package modrelay.loadtests.fakes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream that accepts connections and closes them before answering, as a crashed backend behind a
 * load balancer or a server at the end of its keep-alive does. A plain socket server on 127.0.0.1 (Akka's
 * server always answers), speaking just enough HTTP/1.1: Content-Length bodies, keep-alive.
 */
public final class ClosingUpstream implements AutoCloseable {

    public enum Mode {
        /** Reads each request whole, then closes the connection (FIN) without a byte of answer. */
        CLOSE_AFTER_READING,
        /** Closes at once with a reset (RST), the request unread. */
        RESET,
        /**
         * Answers the first request of each connection (200, a chat completion, keep-alive), then reads the next
         * request on it and closes: a pooled connection the server closed just as the client reused it.
         */
        ANSWER_FIRST_THEN_CLOSE
    }

    /** The content of every chat completion this fake answers with. */
    public static final String ANSWER = "answered on a connection of its own";
    private static final byte[] BODY = ("{\"id\":\"chatcmpl-closing\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"gpt-4o\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + ANSWER + "\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}").getBytes(StandardCharsets.UTF_8);

    private final ServerSocket server;
    private final Mode mode;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger posts = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();
    private final Queue<Socket> open = new ConcurrentLinkedQueue<>();
    private final Thread acceptor;

    private ClosingUpstream(ServerSocket server, Mode mode) {
        this.server = server;
        this.mode = mode;
        this.acceptor = new Thread(this::accept, "closing-upstream-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static ClosingUpstream start(Mode mode) {
        try {
            return new ClosingUpstream(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), mode);
        } catch (IOException e) {
            throw new IllegalStateException("could not bind", e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Requests read whole so far (answered or not). */
    public int requests() {
        return requests.get();
    }

    /** Of those, the POSTs (the relay's own GET /v1/models calls left out). */
    public int posts() {
        return posts.get();
    }

    public int answered() {
        return answered.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException closed) {
                return;
            }
            connections.incrementAndGet();
            open.add(s);
            Thread t = new Thread(() -> serve(s), "closing-upstream-connection");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s) {
        try (s) {
            if (mode == Mode.RESET) {
                s.setSoLinger(true, 0);
                return;
            }
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            boolean first = true;
            String requestLine;
            while ((requestLine = readRequest(in)) != null) {
                requests.incrementAndGet();
                if (requestLine.startsWith("POST ")) posts.incrementAndGet();
                if (mode == Mode.CLOSE_AFTER_READING || !first) return;
                first = false;
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + BODY.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(BODY);
                out.flush();
                answered.incrementAndGet();
            }
        } catch (SocketException gone) {
            // the client went away first
        } catch (IOException e) {
            // same: nothing to answer
        } finally {
            open.remove(s);
        }
    }

    /** Reads one request (headers, then a Content-Length body) and returns its request line; null at the end of the stream. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) return null;
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        long length = 0;
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        for (String line : lines) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) length = Long.parseLong(line.substring(15).trim());
        }
        for (long i = 0; i < length; i++) {
            if (in.read() < 0) return null;
        }
        return lines[0];
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
