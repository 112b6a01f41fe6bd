package modrelay.relay.access;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Optional;
import modrelay.config.AccessSettings;
import modrelay.config.Secret;
import org.junit.jupiter.api.Test;

class ClientCredentialsTest {
    private static ClientCredentials parse(String auth, boolean requiresProxyKey, boolean serverKeys) {
        return ClientCredentials.parse(Optional.ofNullable(auth), Optional.empty(), Optional.empty(), requiresProxyKey, serverKeys);
    }

    @Test
    void splitsAtTheLastColon() {
        ClientCredentials c = parse("Bearer sk-proj-abc:def:proxy", true, false);
        assertEquals(Optional.of("sk-proj-abc:def"), c.upstreamKey());
        assertEquals(Optional.of("proxy"), c.proxyKey());
    }

    @Test
    void aTokenWithoutColonIsTheProxyKeyWhenTheRelayHoldsUpstreamKeys() {
        assertEquals(Optional.of("proxy"), parse("Bearer proxy", true, true).proxyKey());
        assertEquals(Optional.empty(), parse("Bearer proxy", true, true).upstreamKey());
        assertEquals(Optional.of("sk-own"), parse("Bearer sk-own", true, false).upstreamKey());
        assertEquals(Optional.empty(), parse("Bearer sk-own", true, false).proxyKey());
    }

    @Test
    void anOpenRelayForwardsTheTokenUntouched() {
        ClientCredentials c = parse("Bearer id:secret", false, false);
        assertEquals(Optional.of("id:secret"), c.upstreamKey());
        assertEquals(Optional.empty(), c.proxyKey());
    }

    @Test
    void proxyKeyHeaderAndAzureStyleApiKey() {
        ClientCredentials h = ClientCredentials.parse(Optional.of("Bearer sk-a"), Optional.empty(), Optional.of("px"), true, false);
        assertEquals(Optional.of("sk-a"), h.upstreamKey());
        assertEquals(Optional.of("px"), h.proxyKey());
        ClientCredentials azure = ClientCredentials.parse(Optional.empty(), Optional.of("sk-b:px"), Optional.empty(), true, false);
        assertEquals(Optional.of("sk-b"), azure.upstreamKey());
        assertEquals(Optional.of("px"), azure.proxyKey());
    }

    @Test
    void guardAdmitsOnlyConfiguredKeysAndNamesThem() {
        ProxyKeyGuard guard = new ProxyKeyGuard(new AccessSettings(List.of(
                new AccessSettings.ProxyKey("key-1", Secret.of("alpha")), new AccessSettings.ProxyKey("key-2", Secret.of("beta")))));
        assertEquals(Optional.of("key-2"), guard.admit(Optional.of("beta")));
        assertEquals(Optional.empty(), guard.admit(Optional.of("bet")));
        assertEquals(Optional.empty(), guard.admit(Optional.empty()));
        assertEquals(Optional.of("open"), new ProxyKeyGuard(new AccessSettings(List.of())).admit(Optional.empty()));
    }
}
