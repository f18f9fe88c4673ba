package org.mpp.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Checks webhook and callback URLs, and shows them in logs without what may be secret in them. */
public final class WebhookUrls {
    private WebhookUrls() {
    }

    /**
     * Parses and checks a webhook or callback URL: absolute, http or https, with a host, at most 2048 characters.
     *
     * @throws IllegalArgumentException saying what is wrong (the message shows the URL only as {@link #forLog} does)
     */
    public static URI check(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a webhook URL is needed");
        }
        if (text.length() > 2048) {
            throw new IllegalArgumentException("a webhook URL may have at most 2048 characters, this one has " + text.length());
        }
        URI u;
        try {
            u = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + e.getReason());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("a webhook URL must start with http:// or https://, not " + (scheme.isEmpty() ? "nothing" : scheme + ":"));
        }
        if (u.getHost() == null || u.getHost().isEmpty()) {
            throw new IllegalArgumentException("a webhook URL needs a host: " + forLog(u));
        }
        return u;
    }

    /** The URL as logs and lists show it: scheme, host, port and path, without user info, query or fragment. */
    public static String forLog(URI u) {
        if (u == null) {
            return "(none)";
        }
        return (u.getScheme() == null ? "" : u.getScheme() + "://") + (u.getHost() == null ? "?" : u.getHost())
                + (u.getPort() >= 0 ? ":" + u.getPort() : "") + (u.getRawPath() == null ? "" : u.getRawPath());
    }

    /** {@link #forLog(URI)} of a URL stored as text; a text that does not parse shows as "(unparseable URL)". */
    public static String forLog(String u) {
        try {
            return forLog(new URI(u));
        } catch (URISyntaxException | NullPointerException e) {
            return "(unparseable URL)";
        }
    }
}
