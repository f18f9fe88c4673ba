package org.mpp.api;

import io.javalin.http.Context;

/** Reading request bodies: a body that is not the JSON asked for is the client's mistake (400), never a 500. */
final class Json {
    private Json() {
    }

    static <T> T body(Context ctx, Class<T> type) {
        T value;
        try {
            value = ctx.bodyAsClass(type);
        } catch (Exception e) {
            // Kotlin code throws Jackson's checked parse exceptions undeclared: catch them all here.
            throw ApiException.badRequest("the body is not the JSON expected (" + type.getSimpleName() + ")");
        }
        if (value == null) {
            throw ApiException.badRequest("a JSON body is required");
        }
        return value;
    }
}
