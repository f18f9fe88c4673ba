package org.mpp;

/**
 * The root of every exception MPP throws on purpose. Unchecked: callers that can do something about a
 * failure catch the subclass that names it; everything else lets it reach the job's failure handler.
 * Messages say what failed, where, and what to do next.
 */
public class MppException extends RuntimeException {
    public MppException(String message) {
        super(message);
    }

    public MppException(String message, Throwable cause) {
        super(message, cause);
    }
}
