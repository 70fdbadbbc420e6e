package io.sipfleet.switching.routing;

import io.sipfleet.switching.config.CarrierRoute;
import io.sipfleet.sip.proxy.Target;
import java.util.List;

/** Where an initial request goes: a subscriber's bindings, a carrier gateway, or nowhere. */
public sealed interface RouteDecision {
    /** A subscriber of ours: fork to every binding (empty: registered nowhere, 480). */
    record ToUser(String aor, List<Target> targets) implements RouteDecision {}

    /** A number routed by longest prefix to a carrier gateway. */
    record ToCarrier(CarrierRoute route, Target target) implements RouteDecision {}

    /** Not routable: the status and reason the caller gets. */
    record Reject(int status, String reason) implements RouteDecision {}
}
