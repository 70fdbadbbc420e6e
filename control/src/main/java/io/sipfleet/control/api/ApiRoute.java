package io.sipfleet.control.api;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.sipfleet.control.account.Principal;

/**
 * One endpoint of the REST API. The list of these is both what Javalin registers and what
 * /openapi.json describes, so the document cannot drift from the routes.
 *
 * @param body     request body type (a record), or null for none
 * @param response short description of the 2xx answer, for the OpenAPI document
 */
public record ApiRoute(HandlerType method, String path, String summary, boolean authenticated,
                       Class<?> body, String response, Action action, boolean operator) {

    public ApiRoute(HandlerType method, String path, String summary, boolean authenticated,
                    Class<?> body, String response, Action action) {
        this(method, path, summary, authenticated, body, response, action, false);
    }

    /** A handler that gets the caller's account resolved from the bearer token (null if unauthenticated). */
    @FunctionalInterface
    public interface Action {
        void handle(Context ctx, Principal principal) throws Exception;
    }

    public static ApiRoute get(String path, String summary, String response, Action action) {
        return new ApiRoute(HandlerType.GET, path, summary, true, null, response, action);
    }

    public static ApiRoute post(String path, String summary, Class<?> body, String response, Action action) {
        return new ApiRoute(HandlerType.POST, path, summary, true, body, response, action);
    }

    public static ApiRoute put(String path, String summary, Class<?> body, String response, Action action) {
        return new ApiRoute(HandlerType.PUT, path, summary, true, body, response, action);
    }

    public static ApiRoute delete(String path, String summary, Action action) {
        return new ApiRoute(HandlerType.DELETE, path, summary, true, null, "deleted (204, no body)", action);
    }

    public ApiRoute unauthenticated() {
        return new ApiRoute(method, path, summary, false, body, response, action, false);
    }

    /**
     * Only for the platform operator's token (money, platform-wide resources), never an account's:
     * the action gets a null principal.
     */
    public ApiRoute operatorOnly() {
        return new ApiRoute(method, path, summary, true, body, response, action, true);
    }

    /** {@code /api/servers/{id}} -> its path parameter names, for the document and the isolation test. */
    public java.util.List<String> pathParams() {
        return java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(path).results().map(r -> r.group(1)).toList();
    }
}
