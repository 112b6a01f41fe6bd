package modrelay.loadtests.bench;

import java.util.Arrays;
import java.util.Locale;

/** A growable array of long samples with exact percentiles (sorted copy; no HdrHistogram needed). */
final class Samples {
    private long[] values = new long[1024];
    private int size;

    void add(long v) {
        if (size == values.length) values = Arrays.copyOf(values, size * 2);
        values[size++] = v;
    }

    int size() {
        return size;
    }

    /** Percentile by the nearest-rank method over a sorted copy; 0 when empty. */
    Summary summary() {
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        return new Summary(sorted);
    }

    static final class Summary {
        private final long[] sorted;

        Summary(long[] sorted) {
            this.sorted = sorted;
        }

        long percentile(double p) {
            if (sorted.length == 0) return 0;
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
        }

        long max() {
            return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
        }

        double mean() {
            if (sorted.length == 0) return 0;
            double sum = 0;
            for (long v : sorted) sum += v;
            return sum / sorted.length;
        }

        /** {@code <prefix>_p50=… <prefix>_p99=…} in the unit the samples were divided by. */
        String format(String prefix, double divisor) {
            return String.format(Locale.ROOT, "%s_mean=%.3f %s_p50=%.3f %s_p90=%.3f %s_p99=%.3f %s_p999=%.3f %s_max=%.3f",
                    prefix, mean() / divisor, prefix, percentile(50) / divisor, prefix, percentile(90) / divisor,
                    prefix, percentile(99) / divisor, prefix, percentile(99.9) / divisor, prefix, max() / divisor);
        }
    }
}
