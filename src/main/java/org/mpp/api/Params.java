package org.mpp.api;

import io.javalin.http.Context;

/** Reading query and form parameters: a value that is not what was asked for is the client's mistake (400). */
final class Params {
    private Params() {
    }

    /** The whole number in query parameter {@code name}, or {@code fallback} when it is absent. */
    static int intParam(Context ctx, String name, int fallback) {
        String v = ctx.queryParam(name);
        return v == null ? fallback : parseInt(v, name);
    }

    static int parseInt(String v, String name) {
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a whole number, not '" + v + "'");
        }
    }
}
