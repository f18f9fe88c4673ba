package org.mpp.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code GET /api/v1/openapi.json}: the hand-written OpenAPI 3 document shipped in the jar (a test keeps it true to the routes). */
final class OpenApiHandler {
    static final String RESOURCE = "/org/mpp/api/openapi.json";
    private final byte[] document;

    OpenApiHandler() {
        try (InputStream in = OpenApiHandler.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void document(Context ctx) {
        ctx.contentType("application/json").result(document);
    }
}
