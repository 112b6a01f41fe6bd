package modrelay.loadtests.bypass;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, so a probe sends exactly the request target and headers it means (no client
 * normalises the path or adds a content type) and reads exactly what came back: status, headers, the body
 * de-chunked but not decoded, and whether the body ended properly.
 */
final class RawHttp {
    private RawHttp() {}

    /** @param complete false when the connection ended before the body did (a dead upstream shows this way) */
    record Answer(int status, Map<String, List<String>> headers, byte[] body, boolean complete) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : String.join(", ", v);
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            String text = bodyText();
            return status + " " + headers + " " + (text.length() > 600 ? text.substring(0, 600) + "…" : text);
        }
    }

    /** @param headers name, value, name, value…; Host, Content-Length and Connection: close are added */
    static Answer send(int port, String method, String target, byte[] body, String... headers) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
            head.append("Host: 127.0.0.1:").append(port).append("\r\n");
            boolean chunked = false;
            for (int i = 0; i < headers.length; i += 2) {
                head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
                if (headers[i].equalsIgnoreCase("transfer-encoding")) chunked = true;
            }
            if (!chunked && (body.length > 0 || method.equals("POST"))) head.append("Content-Length: ").append(body.length).append("\r\n");
            head.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            if (chunked) {
                out.write((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(body);
            }
            out.flush();
            return read(new java.io.BufferedInputStream(socket.getInputStream()), method.equals("HEAD"));
        }
    }

    private static Answer read(InputStream in, boolean head) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) throw new IOException("no answer at all");
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            headers.computeIfAbsent(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(l.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (head || status == 204 || status == 304) return new Answer(status, headers, body.toByteArray(), true);
        boolean complete;
        List<String> te = headers.get("transfer-encoding");
        List<String> cl = headers.get("content-length");
        try {
            if (te != null && String.join(",", te).toLowerCase(Locale.ROOT).contains("chunked")) {
                complete = dechunk(in, body);
            } else if (cl != null) {
                long n = Long.parseLong(cl.get(0));
                complete = copy(in, body, n) == n;
            } else {
                copy(in, body, Long.MAX_VALUE);
                complete = true;
            }
        } catch (SocketException reset) {
            complete = false;
        }
        return new Answer(status, headers, body.toByteArray(), complete);
    }

    private static boolean dechunk(InputStream in, ByteArrayOutputStream body) throws IOException {
        while (true) {
            String size = line(in);
            if (size == null) return false;
            int semicolon = size.indexOf(';');
            long n = Long.parseLong((semicolon >= 0 ? size.substring(0, semicolon) : size).trim(), 16);
            if (n == 0) {
                for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) { /* trailers */ }
                return true;
            }
            if (copy(in, body, n) < n) return false;
            if (line(in) == null) return false;
        }
    }

    private static long copy(InputStream in, ByteArrayOutputStream out, long n) throws IOException {
        byte[] buf = new byte[8192];
        long done = 0;
        while (done < n) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) break;
            out.write(buf, 0, r);
            done += r;
        }
        return done;
    }

    /** One CRLF-terminated line (ISO-8859-1), null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }
}
