package modrelay.relay.observability;

import akka.util.ByteString;

/**
 * What one chat log entry may hold while it waits for the writer. Its weight is the memory of its
 * texts: the request's bytes plus two bytes per reply character (a Java string). An entry heavier
 * than a quarter of the queue's byte budget is shortened first: the reply is cut to half that share
 * (and marked {@code reply_truncated}), and a request that still does not fit is left out (marked
 * {@code request_truncated}): a 64 MB request never sits in the queue, and the queue never holds
 * more than its budget.
 */
final class ChatEntryBudget {
    private final long maxBytes;
    private final long perEntry;

    ChatEntryBudget(long maxBytes) {
        this.maxBytes = maxBytes;
        this.perEntry = Math.max(1, maxBytes / 4);
    }

    long maxBytes() {
        return maxBytes;
    }

    static long weight(ChatEntry e) {
        return e.requestJson().size() + 2L * e.reply().length() + 512; // + the fixed fields, roughly
    }

    /** The entry as it may be queued: unchanged when light enough. */
    ChatEntry fit(ChatEntry e) {
        if (weight(e) <= perEntry) return e;
        String reply = e.reply();
        boolean replyCut = false;
        long replyShare = perEntry / 2;
        if (2L * reply.length() > replyShare) {
            int keep = (int) Math.min(reply.length(), replyShare / 2);
            if (keep > 0 && Character.isHighSurrogate(reply.charAt(keep - 1))) keep--;
            reply = reply.substring(0, keep);
            replyCut = true;
        }
        ByteString request = e.requestJson();
        boolean requestCut = false;
        if (request.size() + 2L * reply.length() + 512 > perEntry) {
            request = ByteString.emptyByteString();
            requestCut = true;
        }
        return e.withTexts(request, requestCut, reply, replyCut);
    }
}
