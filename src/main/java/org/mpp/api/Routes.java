package org.mpp.api;

import static io.javalin.http.HandlerType.BEFORE;
import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;
import static io.javalin.http.HandlerType.PUT;

import java.util.List;

/**
 * Every route of the HTTP service, one line each (STYLE.md 14): the JSON API, then the dashboard's pages and assets.
 * The auth filter runs before all of them; the OpenAPI document (src/main/resources/org/mpp/api/openapi.json) lists
 * the same paths and methods, which a test checks.
 */
final class Routes {
    private Routes() {
    }

    static List<Route> table(Handlers h) {
        return List.of(
                new Route(BEFORE, "*", h.auth()::filter),
                new Route(GET, "/health/live", h.health()::live),
                new Route(GET, "/health/ready", h.health()::ready),
                new Route(GET, "/metrics", h.metrics()::scrape),
                new Route(GET, "/api/v1/openapi.json", h.openApi()::document),
                new Route(POST, "/api/v1/login", h.auth()::login),
                new Route(POST, "/api/v1/logout", h.auth()::logout),
                new Route(GET, "/api/v1/me", h.auth()::me),
                new Route(POST, "/api/v1/password", h.auth()::changePassword),
                new Route(GET, "/api/v1/jobs", h.jobs()::list),
                new Route(POST, "/api/v1/jobs", h.jobs()::submit),
                new Route(GET, "/api/v1/jobs/{id}", h.jobs()::get),
                new Route(DELETE, "/api/v1/jobs/{id}", h.jobs()::delete),
                new Route(POST, "/api/v1/jobs/{id}/pause", h.jobs()::pause),
                new Route(POST, "/api/v1/jobs/{id}/resume", h.jobs()::resume),
                new Route(POST, "/api/v1/jobs/{id}/retry", h.jobs()::retry),
                new Route(PUT, "/api/v1/jobs/{id}/priority", h.jobs()::priority),
                new Route(GET, "/api/v1/jobs/{id}/files/<path>", h.files()::download),
                new Route(GET, "/api/v1/nodes", h.admin()::nodes),
                new Route(POST, "/api/v1/nodes/{id}/authorise", h.admin()::authorise),
                new Route(POST, "/api/v1/nodes/{id}/deauthorise", h.admin()::deauthorise),
                new Route(POST, "/api/v1/nodes/{id}/terminate", h.admin()::terminate),
                new Route(GET, "/api/v1/policies", h.admin()::policies),
                new Route(PUT, "/api/v1/policies", h.admin()::setPolicies),
                new Route(GET, "/api/v1/outputs", h.admin()::outputs),
                new Route(POST, "/api/v1/outputs", h.admin()::addOutput),
                new Route(PUT, "/api/v1/outputs/{id}", h.admin()::setOutput),
                new Route(GET, "/api/v1/events", h.events()::list),
                new Route(POST, "/api/v1/events/{id}/resend", h.events()::resend),
                new Route(GET, "/", h.web()::jobs),
                new Route(GET, "/login", h.web()::login),
                new Route(GET, "/jobs/{id}", h.web()::job),
                new Route(GET, "/nodes", h.web()::nodes),
                new Route(GET, "/policies", h.web()::policies),
                new Route(GET, "/outputs", h.web()::outputs),
                new Route(GET, "/account", h.web()::account),
                new Route(GET, "/web/<path>", h.web()::asset));
    }
}
