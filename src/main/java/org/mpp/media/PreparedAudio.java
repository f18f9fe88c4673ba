package org.mpp.media;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.mpp.Rational;

/**
 * A source's audio track encoded to AAC before its export, into a file of its own (an M4A in the job's ingest folder),
 * so that the export copies the packets instead of encoding them after the last segment: the encode moves off the
 * job's serial tail onto a core the transcodes leave free at times. The packets are exactly those the export would
 * encode itself ({@link AudioTrackEncoder}, the same timeline), so the delivered file is the same byte for byte.
 */
final class PreparedAudio {
    private PreparedAudio() {
    }

    /**
     * Encodes the audio track of {@code source} ({@code info.audio()}, not null) at {@code kbps} into {@code target},
     * atomically: on failure or cancellation nothing is left there. The target's folder must exist.
     *
     * @throws BadInputException when the source's audio cannot be read
     * @throws MediaException when the target's folder does not exist
     * @throws DiskFullException when the folder's file system is full
     * @throws CancelledException when {@code cancel} was triggered
     */
    static void write(Path source, MediaInfo info, int kbps, Path target, Cancellation cancel) {
        // Not created here: a folder that is gone was purged with its job, whose export did without this track.
        if (!Files.isDirectory(target.toAbsolutePath().getParent())) {
            throw new MediaException("The folder of " + target + " is gone");
        }
        AVPacket pkt = avcodec.av_packet_alloc();
        try (Muxer muxer = Muxer.create(target, "mp4");
                AudioTrackEncoder audio = AudioTrackEncoder.open(source, info, kbps, muxer.wantsGlobalHeader())) {
            int stream = muxer.addStream(audio.encoder());
            muxer.start(Map.of());
            Rational tb = muxer.timeBase(stream);
            while (audio.next(pkt)) {
                cancel.check("Preparing the audio of " + source);
                avcodec.av_packet_rescale_ts(pkt, Ffmpeg.av(audio.timeBase()), Ffmpeg.av(tb));
                pkt.stream_index(stream);
                muxer.write(pkt);
            }
            muxer.finish();
        } finally {
            avcodec.av_packet_free(pkt);
        }
    }

    /**
     * Puts the packets of a prepared track into {@code into} as a finished recording at {@code kbps}, so that every
     * export at that bit rate copies them. False, with {@code into} untouched, when {@code file} does not exist or
     * {@code into} already holds a track.
     *
     * @throws MediaException when the file exists but cannot be read as a prepared track ({@code into} is untouched)
     */
    static boolean load(Path file, int kbps, double seconds, SharedAudio into) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        List<AVPacket> packets = new ArrayList<>();
        AVPacket pkt = avcodec.av_packet_alloc();
        try (Demuxer in = Demuxer.openOwn(file)) {
            if (in.streamCount() != 1 || in.stream(0).codecpar().codec_type() != avutil.AVMEDIA_TYPE_AUDIO
                    || in.stream(0).codecpar().codec_id() != avcodec.AV_CODEC_ID_AAC) {
                throw new MediaException(file + " is not a prepared AAC track");
            }
            AVCodecParameters par = in.stream(0).codecpar();
            while (in.read(pkt)) {
                // The MP4 demuxer marks the priming packet (negative time) to be discarded and adds skip-samples side data
                // for it, from the file's edit list; the encoder produced neither, and the muxer derives the same edit list
                // from the negative time again.
                pkt.flags(pkt.flags() & ~avcodec.AV_PKT_FLAG_DISCARD);
                avcodec.av_packet_free_side_data(pkt);
                packets.add(avcodec.av_packet_clone(pkt));
                avcodec.av_packet_unref(pkt);
            }
            if (packets.isEmpty() || !into.claimRecording(kbps, seconds)) {
                return false;
            }
            // What the encoder's parameters said and the file does not keep as such: the nominal bit rate (the file has the
            // measured one) and the priming (the file has it as an edit list).
            AVCodecParameters encoded = avcodec.avcodec_parameters_alloc();
            try {
                Ffmpeg.check(avcodec.avcodec_parameters_copy(encoded, par), "Copying the parameters of " + file);
                encoded.bit_rate(kbps * 1000L);
                encoded.initial_padding((int) Math.max(0, -Rational.time(packets.get(0).pts(), in.timeBase(0)).times(Rational.of(par.sample_rate())).round()));
                encoded.bits_per_coded_sample(0);
                encoded.codec_tag(0);
                into.startRecording(encoded, in.timeBase(0));
            } finally {
                avcodec.avcodec_parameters_free(encoded);
            }
            packets.forEach(into::record);
            into.finishRecording();
            return true;
        } finally {
            packets.forEach(p -> avcodec.av_packet_free(p));
            avcodec.av_packet_free(pkt);
        }
    }
}
