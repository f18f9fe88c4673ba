package org.mpp.store;

import org.mpp.MppException;

/** The database could not be reached or refused a statement. Usually passing: callers retry with backoff. */
public class StoreException extends MppException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
