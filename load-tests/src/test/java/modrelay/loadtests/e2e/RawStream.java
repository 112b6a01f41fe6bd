package modrelay.loadtests.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A streaming request on a plain socket, so a test controls exactly when the client goes away
 * (closing the socket is what a browser tab or a killed process does).
 */
final class RawStream implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final StringBuilder seen = new StringBuilder();

    RawStream(int port, String path, String auth, String json, String... headers) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        StringBuilder req = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n");
        if (auth != null) req.append("Authorization: ").append(auth).append("\r\n");
        for (int i = 0; i < headers.length; i += 2) req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        req.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(req.toString().getBytes(StandardCharsets.UTF_8));
        out.write(body);
        out.flush();
        in = socket.getInputStream();
    }

    /** Reads until the received bytes contain {@code marker}; returns everything read so far. */
    String readUntil(String marker) throws IOException {
        byte[] buf = new byte[4096];
        while (seen.indexOf(marker) < 0) {
            int n = in.read(buf);
            if (n < 0) throw new IOException("connection closed before \"" + marker + "\"; got: " + seen);
            seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        }
        return seen.toString();
    }

    /** Reads to the end of the connection's response (the relay closes or ends the chunked body). */
    String readToEnd() throws IOException {
        return readUntil("0\r\n\r\n");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
