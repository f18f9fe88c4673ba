package org.mpp.media;

import org.mpp.MppException;

/**
 * A media operation failed for a reason that may pass (a full disk, an I/O error): retrying later can
 * succeed. {@link BadInputException} is the permanent kind.
 */
public class MediaException extends MppException {
    public MediaException(String message) {
        super(message);
    }

    public MediaException(String message, Throwable cause) {
        super(message, cause);
    }
}
