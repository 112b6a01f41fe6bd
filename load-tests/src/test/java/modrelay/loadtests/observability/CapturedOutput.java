package modrelay.loadtests.observability;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Everything the test JVM logs while it is open: every Logback event rendered by the JSON encoder of
 * the relay's own logback-json.xml (what LOG_FORMAT=json prints) and as plain text with its
 * arguments, key-value pairs and stack traces, plus whatever is written to stdout and stderr.
 */
final class CapturedOutput implements AutoCloseable {
    private final List<String> jsonLines = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    private final LoggerContext jsonContext = new LoggerContext();
    private final Encoder<ILoggingEvent> jsonEncoder;
    private final AppenderBase<ILoggingEvent> appender;

    @SuppressWarnings("unchecked")
    CapturedOutput() throws Exception {
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(jsonContext);
        configurator.doConfigure(getClass().getClassLoader().getResource("logback-json.xml"));
        AsyncAppender async = (AsyncAppender) jsonContext.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("ASYNC");
        jsonEncoder = ((OutputStreamAppender<ILoggingEvent>) async.getAppender("OUT")).getEncoder();
        appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                String json = new String(jsonEncoder.encode(event), StandardCharsets.UTF_8);
                StringBuilder plain = new StringBuilder(event.getLoggerName()).append(' ').append(event.getFormattedMessage());
                if (event.getKeyValuePairs() != null) event.getKeyValuePairs().forEach(kv -> plain.append(' ').append(kv));
                if (event.getArgumentArray() != null) for (Object a : event.getArgumentArray()) plain.append(' ').append(a);
                for (var t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                    plain.append(' ').append(t.getClassName()).append(": ").append(t.getMessage());
                }
                synchronized (CapturedOutput.this) {
                    jsonLines.add(json);
                    events.add(plain.toString());
                }
            }
        };
        LoggerContext main = (LoggerContext) LoggerFactory.getILoggerFactory();
        appender.setContext(main);
        appender.start();
        main.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        OutputStream teeOut = new Tee(originalOut, console);
        OutputStream teeErr = new Tee(originalErr, console);
        System.setOut(new PrintStream(teeOut, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(teeErr, true, StandardCharsets.UTF_8));
    }

    synchronized List<String> jsonLines() {
        return List.copyOf(jsonLines);
    }

    /** Everything captured, as one text to search. */
    synchronized String all() {
        return String.join("\n", jsonLines) + "\n" + String.join("\n", events) + "\n" + console.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        LoggerContext main = (LoggerContext) LoggerFactory.getILoggerFactory();
        main.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        appender.stop();
        System.setOut(originalOut);
        System.setErr(originalErr);
        jsonContext.stop();
    }

    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final ByteArrayOutputStream b;

        Tee(OutputStream a, ByteArrayOutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            synchronized (b) {
                b.write(c);
            }
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            synchronized (b) {
                b.write(buf, off, len);
            }
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
        }
    }
}
