package org.mpp.api;

import java.util.Optional;

/**
 * One byte range of a {@code Range: bytes=...} header (RFC 9110 §14): {@code a-b}, {@code a-} or {@code -n}. Several
 * ranges in one header are answered with the whole file (allowed: a server may ignore Range).
 *
 * @param first index of the first byte
 * @param last index of the last byte (inclusive)
 */
record ByteRange(long first, long last) {
    /** Thrown for a range that starts beyond the file (answered 416). */
    static final class Unsatisfiable extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    long length() {
        return last - first + 1;
    }

    /**
     * The range asked for a file of {@code size} bytes; empty when there is no Range header, or one this parser does not
     * take (the whole file is sent).
     *
     * @throws Unsatisfiable when the range lies wholly beyond the file
     */
    static Optional<ByteRange> parse(String header, long size) {
        if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
            return Optional.empty();
        }
        String spec = header.substring(6).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return Optional.empty();
        }
        try {
            String a = spec.substring(0, dash).strip();
            String b = spec.substring(dash + 1).strip();
            if (a.isEmpty()) {
                long n = Long.parseLong(b);
                if (n <= 0 || size == 0) {
                    throw new Unsatisfiable();
                }
                return Optional.of(new ByteRange(Math.max(0, size - n), size - 1));
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
            if (first >= size) {
                throw new Unsatisfiable();
            }
            return first <= last ? Optional.of(new ByteRange(first, last)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
