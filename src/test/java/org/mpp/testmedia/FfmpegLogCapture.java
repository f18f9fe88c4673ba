package org.mpp.testmedia;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.av_log_get_level;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mpp.media.FfmpegLog;

/**
 * Captures FFmpeg's log lines while open (try-with-resources), through MPP's own log router
 * ({@link FfmpegLog#tap}), so that tests never replace the callback the integrity check depends on. Captures are
 * serialised: one open capture at a time in the JVM.
 */
public final class FfmpegLogCapture implements AutoCloseable {
    private static final Semaphore LOCK = new Semaphore(1);
    private static final Pattern PREFIX = Pattern.compile("^\\[([^\\]@]+?) @ (0x[0-9a-fA-F]+)\\]");
    private static volatile FfmpegLogCapture current;

    static {
        // MPP's LogRouter owns FFmpeg's log callback; a second callback would replace it and blind the integrity
        // check in every later test of the JVM. Tap the router instead.
        FfmpegLog.tap((level, text) -> {
            FfmpegLogCapture c = current;
            if (c != null) {
                c.add(level, text);
            }
        });
    }

    /**
     * One line.
     *
     * @param level AV_LOG_* (AV_LOG_ERROR = 16, AV_LOG_WARNING = 24, AV_LOG_INFO = 32)
     * @param text  as formatted by FFmpeg, with its "[name @ 0x...] " prefix when it has one, newline included
     */
    public record Message(int level, String text) {
        /** The name in the prefix ("h264", "mov,mp4,m4a,3gp,3g2,mj2", "swscaler"), or null. */
        public String component() {
            Matcher m = PREFIX.matcher(text);
            return m.find() ? m.group(1) : null;
        }

        /** The context pointer in the prefix ("0x7f3c4c0b2a40"), or null: tells concurrent decoders apart. */
        public String context() {
            Matcher m = PREFIX.matcher(text);
            return m.find() ? m.group(2) : null;
        }

        /** Whether level is AV_LOG_ERROR or worse. */
        public boolean isError() {
            return level <= AV_LOG_ERROR;
        }
    }

    private final List<Message> messages = Collections.synchronizedList(new ArrayList<>());
    private final int previousLevel;
    private boolean closed;

    private FfmpegLogCapture() {
        previousLevel = av_log_get_level();
    }

    /** Installs the capturing callback; blocks while another capture is open. */
    public static FfmpegLogCapture start() {
        LOCK.acquireUninterruptibly();
        FfmpegLogCapture c = new FfmpegLogCapture();
        if (c.previousLevel < AV_LOG_ERROR) {
            av_log_set_level(AV_LOG_ERROR);
        }
        current = c;
        return c;
    }

    private void add(int level, String text) {
        messages.add(new Message(level & 0xff, text));
    }

    /** Everything captured so far. */
    public List<Message> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /** Messages at AV_LOG_ERROR or worse. */
    public List<Message> errors() {
        return messages().stream().filter(Message::isError).toList();
    }

    /** Stops capturing: lines go to System.err again (see the class comment); restores the log level. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            current = null;
            av_log_set_level(previousLevel);
        } finally {
            LOCK.release();
        }
    }
}
