package org.mpp.media;

/**
 * The input itself is unusable (not media, no video, truncated, corrupt, absurd dimensions). Retrying
 * cannot help: the job should fail and its source be quarantined. The message names the file and says
 * what is wrong with it in words an uploader understands.
 */
public class BadInputException extends MediaException {
    public BadInputException(String message) {
        super(message);
    }
}
