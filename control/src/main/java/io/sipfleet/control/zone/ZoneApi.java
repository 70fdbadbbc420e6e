package io.sipfleet.control.zone;

import static io.sipfleet.control.api.ApiRoute.get;

import io.sipfleet.control.api.ApiRoute;
import java.util.List;

/** HTTP endpoints of zones (read-only for customers: hosts are an operator matter). */
public final class ZoneApi {

    public record ZoneView(String id, String name, String region, int hosts) {
    }

    private ZoneApi() {
    }

    public static List<ApiRoute> routes(ZoneService zones) {
        return List.of(get("/api/zones", "Zones a server can be deployed in", "zones",
                (ctx, p) -> ctx.json(zones.zones().stream()
                        .map(z -> new ZoneView(z.id(), z.name(), z.region(), zones.hosts(z.id()).size()))
                        .toList())));
    }
}
