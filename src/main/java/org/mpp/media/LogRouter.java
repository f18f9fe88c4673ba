package org.mpp.media;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes FFmpeg's process-global log to whoever owns the context that wrote it. FFmpeg reports decode
 * errors only through its log (the decoders conceal and carry on), so an integrity check registers its
 * demuxer and decoder contexts here and collects the errors they print. Messages carry their context
 * as "[h264 @ 0x5581...]": the pointer is what tells concurrent jobs apart.
 */
final class LogRouter {
    private static final Logger log = LoggerFactory.getLogger("ffmpeg");
    private static final Pattern CONTEXT = Pattern.compile("@ (0x[0-9a-fA-F]+)\\]");
    private static final Map<Long, Consumer<String>> listeners = new ConcurrentHashMap<>();
    private static final java.util.List<java.util.function.BiConsumer<Integer, String>> taps = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static Callback callback;

    private LogRouter() {
    }

    static synchronized void install() {
        if (callback == null) {
            callback = new Callback();
            avutil.setLogCallback(callback);
        }
    }

    /** Sends every message FFmpeg logs at error level or worse from {@code context} to {@code listener}. */
    static void listen(Pointer context, Consumer<String> listener) {
        if (context != null && !context.isNull()) {
            listeners.put(context.address(), listener);
        }
    }

    /** Also sends every message FFmpeg logs (at the current av_log level) to {@code tap}, until the returned handle is closed. */
    static AutoCloseable tap(java.util.function.BiConsumer<Integer, String> tap) {
        taps.add(tap);
        return () -> taps.remove(tap);
    }

    static void forget(Pointer context) {
        if (context != null) {
            listeners.remove(context.address());
        }
    }

    private static final class Callback extends LogCallback {
        @Override
        public void call(int level, BytePointer msg) {
            try {
                String raw = msg.getString();
                for (java.util.function.BiConsumer<Integer, String> tap : taps) {
                    tap.accept(level, raw);
                }
                String text = raw.strip();
                if (text.isEmpty()) {
                    return;
                }
                Matcher m = CONTEXT.matcher(text);
                Consumer<String> listener = m.find() ? listeners.get(Long.parseUnsignedLong(m.group(1).substring(2), 16)) : null;
                if (listener != null && level <= avutil.AV_LOG_ERROR) {
                    listener.accept(text);
                } else if (level <= avutil.AV_LOG_ERROR) {
                    log.debug("{}", text);
                } else {
                    log.trace("{}", text);
                }
            } catch (Throwable t) {
                // Never let an exception cross back into native code.
                log.warn("FFmpeg log callback failed", t);
            }
        }
    }
}
