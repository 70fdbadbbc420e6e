package io.sipfleet.control.agent;

import static io.sipfleet.control.api.ApiRoute.post;

import io.sipfleet.control.api.ApiRoute;
import io.sipfleet.control.api.Json;
import io.sipfleet.control.api.Unauthorized;
import java.util.List;

/** Agents register their host here (and call again as a heartbeat), with the agent token, not a user's. */
public final class AgentApi {

    public record RegisterBody(String name, String zone, String url) {
    }

    private AgentApi() {
    }

    public static List<ApiRoute> routes(Agents agents) {
        return List.of(post("/api/agents", "Host agent registration and heartbeat (agent token, not a user token)",
                RegisterBody.class, "host", (ctx, p) -> {
                    String header = ctx.header("Authorization");
                    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)
                            || !agents.tokenMatches(header.substring(7).strip())) {
                        throw new Unauthorized("agent registration needs 'Authorization: Bearer AGENT_TOKEN'"
                                + " (the token control was started with)");
                    }
                    RegisterBody b = Json.read(ctx, RegisterBody.class);
                    ctx.json(agents.register(new AgentProtocol.Register(b.name(), b.zone(), b.url())));
                }).unauthenticated());
    }
}
