package modrelay.relay.metrics;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class TokenMetricsTest {

    @Test
    void tokensByModelUpstreamAndDirectionWithoutSubKeysUnlessAsked() {
        RelayMetrics m = new RelayMetrics();
        m.tokens("gpt-4o-mini", "primary", null, 10, 20, 4, 5, false);
        m.tokens("gpt-4o-mini", "primary", null, 1, 2, 0, 0, true);
        String s = m.scrape();
        assertTrue(s.contains("modrelay_tokens_total{direction=\"prompt\",model=\"gpt-4o-mini\",upstream=\"primary\"} 11.0"), s);
        assertTrue(s.contains("modrelay_tokens_total{direction=\"completion\",model=\"gpt-4o-mini\",upstream=\"primary\"} 22.0"), s);
        assertTrue(s.contains("modrelay_tokens_total{direction=\"cached\",model=\"gpt-4o-mini\",upstream=\"primary\"} 4.0"), s);
        assertTrue(s.contains("modrelay_tokens_total{direction=\"reasoning\",model=\"gpt-4o-mini\",upstream=\"primary\"} 5.0"), s);
        assertTrue(s.contains("modrelay_model_requests_total{estimated=\"false\",model=\"gpt-4o-mini\"} 1.0"), s);
        assertTrue(s.contains("modrelay_model_requests_total{estimated=\"true\",model=\"gpt-4o-mini\"} 1.0"), s);
        assertFalse(s.contains("subkey="), s);

        RelayMetrics labelled = new RelayMetrics();
        labelled.tokens("m", "u", "key_1", 3, 4, 0, 0, false);
        assertTrue(labelled.scrape().contains("modrelay_tokens_total{direction=\"prompt\",model=\"m\",subkey=\"key_1\",upstream=\"u\"} 3.0"),
                labelled.scrape());
        m.close();
        labelled.close();
    }

    @Test
    void clientChosenModelNamesAreBoundedAsLabels() {
        RelayMetrics m = new RelayMetrics();
        for (int i = 0; i < RelayMetrics.MAX_MODEL_LABELS + 50; i++) m.tokens("model-" + i, "u", null, 1, 1, 0, 0, false);
        String s = m.scrape();
        assertTrue(s.contains("model=\"other\""), "names beyond the cap are counted as other");
        assertFalse(s.contains("model=\"model-" + (RelayMetrics.MAX_MODEL_LABELS + 10) + "\""));
        m.close();
    }

    @Test
    void countsAddUpWhetherALabelSetsMetersAreKeptOrNot() {
        RelayMetrics m = new RelayMetrics();
        m.tokens("m", "u", null, 2, 3, 0, 0, false);
        m.tokens("m", "u", null, 5, 7, 1, 0, false); // the same label set again, its meters found in the lookup
        String s = m.scrape();
        assertTrue(s.contains("modrelay_tokens_total{direction=\"prompt\",model=\"m\",upstream=\"u\"} 7.0"), s);
        assertTrue(s.contains("modrelay_tokens_total{direction=\"completion\",model=\"m\",upstream=\"u\"} 10.0"), s);
        assertTrue(s.contains("modrelay_tokens_total{direction=\"cached\",model=\"m\",upstream=\"u\"} 1.0"), s);
        assertFalse(s.contains("direction=\"reasoning\""), "no reasoning counter before any reasoning tokens");
        assertTrue(s.contains("modrelay_model_requests_total{estimated=\"false\",model=\"m\"} 2.0"), s);
        // more distinct names than label sets are kept for lookup: every exchange is still counted (under "other")
        int names = RelayMetrics.MAX_TOKEN_METER_SETS + 100;
        for (int i = 0; i < names; i++) m.tokens("n-" + i, "u", null, 1, 1, 0, 0, false);
        long other = names - (RelayMetrics.MAX_MODEL_LABELS - 1);
        assertTrue(m.scrape().contains("modrelay_model_requests_total{estimated=\"false\",model=\"other\"} " + other + ".0"),
                m.scrape());
        m.close();
    }

    @Test
    void jvmMetricsAreRegistered() {
        RelayMetrics m = new RelayMetrics();
        String s = m.scrape();
        for (String name : new String[] {"jvm_memory_used_bytes", "jvm_gc_", "jvm_threads_live_threads", "process_cpu_usage",
                "jvm_classes_loaded_classes"}) {
            assertTrue(s.contains(name), name);
        }
        m.close();
    }
}
