package io.sipfleet.control.media;

import static io.sipfleet.control.api.ApiRoute.delete;
import static io.sipfleet.control.api.ApiRoute.get;
import static io.sipfleet.control.api.ApiRoute.post;

import io.sipfleet.control.api.ApiRoute;
import io.sipfleet.control.api.Json;
import io.sipfleet.control.api.PathParams;
import java.time.Instant;
import java.util.List;

/** RTP servers: relays register with the operator token; accounts list them (optionally per zone). */
public final class MediaApi {

    public record RegisterBody(String address, List<String> aliases, String zone) {
    }

    public record MediaServerView(long id, String ip, List<String> aliases, String zone, Instant registeredAt,
                                  Instant lastSeenAt) {
    }

    private MediaApi() {
    }

    public static List<ApiRoute> routes(MediaService media) {
        return List.of(
                get("/api/media-servers", "RTP servers (media relays) with IP, aliases and zone; ?zone=us-east for one zone",
                        "media servers", (ctx, p) -> ctx.json(media.list(ctx.queryParam("zone")).stream()
                                .map(MediaApi::view).toList())),
                post("/api/operator/media-servers", "A media relay registers (or re-registers as a heartbeat) "
                                + "its address, aliases and zone; 201 when new, 200 when refreshed",
                        RegisterBody.class, "201 media server", (ctx, p) -> {
                            RegisterBody b = Json.read(ctx, RegisterBody.class);
                            MediaService.Registered r = media.register(b.address(), b.aliases(), b.zone());
                            ctx.status(r.created() ? 201 : 200).json(view(r.server()));
                        }).operatorOnly(),
                delete("/api/operator/media-servers/{id}", "Remove a media relay that is gone for good", (ctx, p) -> {
                    media.delete(PathParams.id(ctx, "id"));
                    ctx.status(204);
                }).operatorOnly());
    }

    static MediaServerView view(MediaServer m) {
        return new MediaServerView(m.id(), m.address(), m.aliases().isEmpty() ? List.of() : List.of(m.aliases().split(",")),
                m.zoneId(), m.registeredAt(), m.lastSeenAt());
    }
}
