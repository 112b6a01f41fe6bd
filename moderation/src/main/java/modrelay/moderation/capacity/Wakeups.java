package modrelay.moderation.capacity;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Runs a task later. One daemon thread for every scheduler of the JVM: waiting never costs a thread per call. */
interface Wakeups {
    void after(long nanos, Runnable task);

    Wakeups SHARED = new Wakeups() {
        private final ScheduledThreadPoolExecutor timer = timer();

        @Override
        public void after(long nanos, Runnable task) {
            timer.schedule(task, Math.max(0, nanos), TimeUnit.NANOSECONDS);
        }

        private static ScheduledThreadPoolExecutor timer() {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "moderation-call-scheduler");
                thread.setDaemon(true); // never keeps a stopping JVM alive
                return thread;
            });
            t.setRemoveOnCancelPolicy(true);
            return t;
        }
    };
}
