package modrelay.config;

/** A setting that cannot be used. The message is one line that names the variable, the value and what is allowed. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
