package modrelay.relay.access;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubKeySecretsTest {

    @Test
    void secretsAreMrAndFortyBase62CharactersAndNeverRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String s = SubKeySecrets.newSecret();
            assertTrue(s.matches("mr-[0-9A-Za-z]{40}"), s.length() + " chars");
            assertTrue(SubKeySecrets.looksLikeSubKey(s));
            assertTrue(seen.add(s));
        }
    }

    @Test
    void theHashIsSha256HexAndTheHintShowsOnlyTheLastFour() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", SubKeySecrets.hash("abc"));
        String s = SubKeySecrets.newSecret();
        assertEquals("mr-…" + s.substring(39), SubKeySecrets.hint(s));
        assertFalse(SubKeySecrets.looksLikeSubKey("mr-short"));
        assertFalse(SubKeySecrets.looksLikeSubKey("sk-" + s.substring(3)));
    }
}
