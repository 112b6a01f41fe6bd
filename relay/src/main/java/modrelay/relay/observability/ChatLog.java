package modrelay.relay.observability;

/** Where chat log entries go. {@link #OFF} when LOG_CHAT is off: nothing is assembled or kept. */
public interface ChatLog {

    /** Whether exchanges should be assembled into entries at all. */
    boolean enabled();

    /** Hands an entry over; never blocks (a full queue drops it and counts the drop). */
    void record(ChatEntry entry);

    ChatLog OFF = new ChatLog() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void record(ChatEntry entry) {}
    };
}
