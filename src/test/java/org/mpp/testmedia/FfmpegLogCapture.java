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
import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;

/**
 * Captures FFmpeg's log lines while open (try-with-resources), through {@code avutil.setLogCallback}.
 *
 * <p>FFmpeg's log callback is process-global: one capture at a time (others block in {@link #start()}), and it
 * also catches messages from any other FFmpeg work in the JVM, which {@link Message#context()} tells apart. Lines
 * arrive formatted by {@code av_log_format_line}, e.g. {@code "[h264 @ 0x7f3c4c0b2a40] error while decoding MB 3 2,
 * bytestream -5\n"}; lines logged without a context have no prefix. Only levels up to {@code av_log_get_level()}
 * are delivered; if that is quieter than AV_LOG_ERROR it is raised to AV_LOG_ERROR while capturing.
 *
 * <p>{@link #close()} cannot reinstate an earlier callback (FFmpeg has no getter, and handing
 * {@code av_log_default_callback} a va_list from Java crashes): after a capture the callback stays installed and
 * prints each line to {@code System.err}, which is what FFmpeg's default does minus colours and repeat folding.
 * Code that installs its own callback later replaces it as usual.
 */
public final class FfmpegLogCapture implements AutoCloseable {
    private static final Semaphore LOCK = new Semaphore(1);
    private static final Pattern PREFIX = Pattern.compile("^\\[([^\\]@]+?) @ (0x[0-9a-fA-F]+)\\]");
    /** Kept reachable: native code holds this function pointer. */
    private static final LogCallback CAPTURE;
    private static volatile FfmpegLogCapture current;

    static {
        Loader.load(avutil.class);
        CAPTURE = new LogCallback() {
            @Override
            public void call(int level, BytePointer msg) {
                FfmpegLogCapture c = current;
                if (c != null) {
                    c.add(level, msg.getString());
                } else {
                    System.err.print(msg.getString());
                }
            }
        };
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
        avutil.setLogCallback(CAPTURE);
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
