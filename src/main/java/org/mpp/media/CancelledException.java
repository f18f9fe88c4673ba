package org.mpp.media;

/** A long media operation stopped because its {@link Cancellation} was triggered; it left no partial file. */
public class CancelledException extends MediaException {
    public CancelledException(String operation) {
        super(operation + " was cancelled");
    }
}
