package org.mpp.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The dashboard: plain HTML pages, one small script per page, one shared script and one stylesheet, all read from the
 * jar ({@code org/mpp/web/}), plus hls.js from its WebJar. Pages and assets are public (they hold no data); every
 * piece of data comes from the authenticated JSON API, and a page that gets a 401 goes to the login page. Every answer
 * carries a Content-Security-Policy that allows only this origin's scripts (no inline script, no CDN). Stateless.
 */
final class WebAssets {
    /** Where the pages, scripts and stylesheet are on the class path. */
    static final String ROOT = "/org/mpp/web/";
    /** Where the WebJar puts the player; the shade plugin keeps only this file of it. */
    static final String HLS_JS = "/META-INF/resources/webjars/hls.js/1.4.12/dist/hls.min.js";
    /** Page paths the auth filter lets through (the assets under {@code /web/} too). */
    static final Set<String> PAGES = Set.of("/", "/login", "/nodes", "/policies", "/outputs", "/account");
    // Strict shapes (no dots but between letters, no slashes, no escapes): a path like /web/../api/v1/jobs is never open.
    private static final Pattern JOB_PAGE = Pattern.compile("/jobs/[0-9A-Za-z-]{1,36}");
    private static final Pattern PUBLIC_ASSET = Pattern.compile("/web/[a-z0-9-]+(\\.[a-z0-9]+)+");
    private static final Pattern ASSET = Pattern.compile("[a-z0-9-]+\\.(js|css|svg)");
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "svg", "image/svg+xml");
    // hls.js runs its transmuxer in a worker made from a blob: URL; media comes from this origin through MSE (blob:).
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            + "media-src 'self' blob:; worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
            + "form-action 'self'";

    /** Whether {@code path} is a dashboard page or asset, open without credentials. */
    static boolean isPublic(String path) {
        return PAGES.contains(path) || JOB_PAGE.matcher(path).matches() || PUBLIC_ASSET.matcher(path).matches();
    }

    void jobs(Context ctx) throws IOException {
        page(ctx, "jobs.html");
    }

    void job(Context ctx) throws IOException {
        page(ctx, "job.html");
    }

    void login(Context ctx) throws IOException {
        page(ctx, "login.html");
    }

    void nodes(Context ctx) throws IOException {
        page(ctx, "nodes.html");
    }

    void policies(Context ctx) throws IOException {
        page(ctx, "policies.html");
    }

    void outputs(Context ctx) throws IOException {
        page(ctx, "outputs.html");
    }

    void account(Context ctx) throws IOException {
        page(ctx, "account.html");
    }

    /** {@code GET /web/<name>}: a script or the stylesheet ({@code hls.min.js} from the WebJar). */
    void asset(Context ctx) throws IOException {
        String name = ctx.pathParam("path");
        if (name.equals("hls.min.js")) {
            send(ctx, HLS_JS, "js");
            return;
        }
        if (!ASSET.matcher(name).matches()) {
            throw ApiException.notFound("no dashboard file " + org.mpp.Names.printable(name));
        }
        send(ctx, ROOT + name, name.substring(name.lastIndexOf('.') + 1));
    }

    private void page(Context ctx, String name) throws IOException {
        send(ctx, ROOT + name, "html");
    }

    private void send(Context ctx, String resource, String ext) throws IOException {
        InputStream in = WebAssets.class.getResourceAsStream(resource);
        if (in == null) {
            throw ApiException.notFound("no dashboard file " + resource.substring(resource.lastIndexOf('/') + 1));
        }
        ctx.header("Content-Security-Policy", CSP).header("X-Content-Type-Options", "nosniff").header("Referrer-Policy", "same-origin")
                .header("Cache-Control", "no-cache").contentType(TYPES.get(ext)).result(in);
    }
}
