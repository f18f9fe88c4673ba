package org.mpp.api;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/** One line of the route table: a method, a path (Javalin syntax: {@code {id}}, {@code <path>} for slashes) and its handler. */
record Route(HandlerType method, String path, Handler handler) {
    /** The path as OpenAPI writes it ({@code <path>} becomes {@code {path}}). */
    String openApiPath() {
        return path.replace('<', '{').replace('>', '}');
    }
}
