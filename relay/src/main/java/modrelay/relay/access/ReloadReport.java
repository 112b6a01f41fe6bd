package modrelay.relay.access;

/** What POST /admin/reload loaded. */
public record ReloadReport(int ipWhitelist, int ipBlacklist, int trustedProxies, int subKeys) {}
