package org.mpp.api;

/** How Jetty reports a multipart upload over its size limits (it has no exception type of its own for that). */
final class Uploads {
    private Uploads() {
    }

    /** Whether {@code e} (or a cause) says the multipart body exceeded mpp.api.max-upload-mb. */
    static boolean tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (m.contains("413") || (m.contains("max") && (m.contains("size") || m.contains("length")))
                    || m.contains("too large") || m.contains("exceed")) {
                return true;
            }
        }
        return false;
    }
}
