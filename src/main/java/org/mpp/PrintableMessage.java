package org.mpp;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback's {@code %msg} with control characters escaped ({@link Names#printable}): log lines quote file names that
 * uploaders chose, and a name with a line break or a terminal escape must not forge a log line or rewrite the
 * operator's screen. Stack traces are printed apart from the message and keep their lines. Registered by {@link LogSetup}
 * as {@code %safeMsg}.
 */
public final class PrintableMessage extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return Names.printable(event.getFormattedMessage());
    }
}
