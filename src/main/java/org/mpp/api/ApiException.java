package org.mpp.api;

/**
 * A request that cannot be served, with the HTTP status and the two fields of the error body
 * ({@code {"error": ..., "detail": ...}}). Thrown by handlers and the auth filter; {@link ApiServer}'s one exception
 * handler turns it into the response.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String error;

    ApiException(int status, String error, String detail) {
        super(detail);
        this.status = status;
        this.error = error;
    }

    static ApiException badRequest(String detail) {
        return new ApiException(400, "bad_request", detail);
    }

    static ApiException unauthorized(String detail) {
        return new ApiException(401, "unauthorized", detail);
    }

    static ApiException forbidden(String detail) {
        return new ApiException(403, "forbidden", detail);
    }

    static ApiException notFound(String detail) {
        return new ApiException(404, "not_found", detail);
    }

    static ApiException conflict(String detail) {
        return new ApiException(409, "conflict", detail);
    }

    static ApiException tooLarge(String detail) {
        return new ApiException(413, "too_large", detail);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    /** The body every error response has. */
    record ErrorBody(String error, String detail) {
    }

    ErrorBody body() {
        return new ErrorBody(error, getMessage());
    }
}
