package modrelay.relay.admin;

import modrelay.config.Settings;
import modrelay.relay.observability.Observability;
import modrelay.relay.routing.RoutingState;

/**
 * What the console's read-only views (overview, audit, configuration, chat log) read: the effective
 * settings, the relay's meters, audit ring and chat log, and the router's published health. All of it
 * is read, never changed.
 */
public record AdminSources(Settings settings, Observability observability, RoutingState routing) {}
