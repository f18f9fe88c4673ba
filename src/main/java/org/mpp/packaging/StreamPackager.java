package org.mpp.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.mpp.config.Settings;
import org.mpp.config.Settings.Format;
import org.mpp.ladder.Rendition;
import org.mpp.media.BadInputException;
import org.mpp.media.Cancellation;
import org.mpp.media.CmafTrack;
import org.mpp.media.DiskFullException;
import org.mpp.media.MediaEngine;
import org.mpp.media.MediaException;
import org.mpp.media.MediaEngine.TrackSource;
import org.mpp.media.MediaInfo;
import org.mpp.media.Segment;
import org.mpp.media.StillShot;
import org.mpp.media.Thumbnails;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a job's streaming package from its finished MP4 renditions: the folder {@code <stem>-stream/} beside them with
 * one set of CMAF tracks (a video track per rendition, an audio track per audio bit rate), the HLS playlists and/or the
 * DASH manifest over them, a poster and scrubbing thumbnails. Everything is cut by packet copy; nothing is re-encoded.
 *
 * <p>The package is built in a hidden folder beside its target and renamed into place when complete, its manifests
 * written last: no reader ever sees a playlist naming a file that is not there, and a failed or cancelled attempt
 * leaves nothing under the package's name. Thread-safe: packages of different jobs may be written at once.
 */
public final class StreamPackager {
    /** The package folder's name is the source's stem plus this. */
    public static final String SUFFIX = "-stream";
    /** The WebVTT track naming the scrubbing thumbnails' tiles in their sprite sheets. */
    public static final String THUMBNAILS = "thumbnails.vtt";
    private static final int TILE_WIDTH = 160;
    private static final int POSTER_MAX_WIDTH = 1280;
    private static final Logger log = LoggerFactory.getLogger(StreamPackager.class);
    private final MediaEngine media;
    private final Settings.Packaging settings;

    /** A finished rendition: what it is and its MP4 file. */
    public record Rendered(Rendition rendition, Path file) {
    }

    /** A written package: its folder and its manifests (the HLS master playlist and/or the DASH manifest), in it. */
    public record StreamPackage(Path dir, List<Path> manifests) {
    }

    public StreamPackager(MediaEngine media, Settings.Packaging settings) {
        this.media = media;
        this.settings = settings;
    }

    /** The package's folder name for a source's stem. */
    public static String folderName(String stem) {
        return stem + SUFFIX;
    }

    /**
     * The package's stills that {@code segment}'s transcode takes on its way into {@code dir} (which the caller makes):
     * none when the formats ask for no streaming package.
     */
    public List<StillShot> stillShots(Segment segment, MediaInfo info, List<Rendition> renditions, Path dir) {
        if (!settings.streaming()) {
            return List.of();
        }
        return media.stillShots(segment, info, renditions, settings.thumbnailSeconds(), TILE_WIDTH, POSTER_MAX_WIDTH, dir);
    }

    /** As below, the stills decoded from the renditions. */
    public Optional<StreamPackage> write(String stem, List<Rendered> renditions, boolean withAudio, Path outDir, Cancellation cancel) {
        return write(stem, renditions, withAudio, outDir, List.of(), cancel);
    }

    /**
     * Writes {@code outDir/<stem>-stream/} from {@code renditions} (ladder order, largest first), replacing what an earlier
     * attempt left there. Empty when the formats ask for neither HLS nor DASH.
     *
     * @param withAudio whether the renditions carry an audio track (the source had one)
     * @param shotDirs the folders the segments' transcodes took their {@link #stillShots} into, one per segment (empty for
     *     none): the poster and thumbnails are assembled from them, or decoded from the renditions where one is missing
     * @throws org.mpp.media.MediaException when a rendition cannot be read or packaged
     * @throws DiskFullException when the folder's file system is full
     */
    public Optional<StreamPackage> write(String stem, List<Rendered> renditions, boolean withAudio, Path outDir, List<Path> shotDirs,
            Cancellation cancel) {
        if (!settings.streaming()) {
            return Optional.empty();
        }
        if (renditions.isEmpty()) {
            throw new IllegalArgumentException("No rendition to package for " + stem);
        }
        Path target = outDir.resolve(folderName(stem));
        Path temp = outDir.resolve("." + folderName(stem) + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            Files.createDirectories(temp);
            List<Path> manifests = build(renditions, withAudio, temp, shotDirs, cancel);
            cancel.check("Packaging " + target);
            deleteTree(target);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            return Optional.of(new StreamPackage(target, manifests.stream().map(m -> target.resolve(temp.relativize(m))).toList()));
        } catch (IOException e) {
            throw DiskFullException.of("Writing the streaming package " + target, target, e);
        } catch (BadInputException e) {
            // The renditions are MPP's own output, not the uploader's source: a retry may do, the source is not to blame.
            throw new MediaException("Packaging " + target + " failed: " + e.getMessage(), e);
        } finally {
            deleteTree(temp);
        }
    }

    private List<Path> build(List<Rendered> renditions, boolean withAudio, Path dir, List<Path> shotDirs, Cancellation cancel)
            throws IOException {
        List<TrackSource> videos = new ArrayList<>();
        Map<Integer, TrackSource> audios = new LinkedHashMap<>();
        for (Rendered r : renditions) {
            videos.add(new TrackSource("video-" + r.rendition().label(), r.file()));
            int kbps = r.rendition().spec().audioBitrate();
            if (withAudio) {
                audios.putIfAbsent(kbps, new TrackSource("audio-" + kbps + "k", r.file()));
            }
        }
        List<CmafTrack> tracks = media.writeCmafTracks(videos, List.copyOf(audios.values()), settings.segmentSeconds(), dir, cancel);
        // The poster from the largest rendition, the tiles from the smallest: taken by the segments' transcodes, which run
        // on every node at once, or else decoded here, after the last segment, where nothing else of the job runs. (Decoding
        // them on a thread of their own while the tracks were cut saved nothing measurable on 2 cores.)
        double duration = tracks.get(0).durationSeconds();
        Optional<Thumbnails> taken = shotDirs.isEmpty() ? Optional.empty()
                : media.assembleStills(shotDirs, duration, settings.thumbnailSeconds(), dir, cancel);
        if (taken.isEmpty() && !shotDirs.isEmpty()) {
            log.info("The stills taken by the transcodes do not cover {} s of {}: decoding them from the renditions", duration, dir);
        }
        Thumbnails stills = taken.isPresent() ? taken.get() : media.writeStills(renditions.get(0).file(),
                renditions.get(renditions.size() - 1).file(), duration, settings.thumbnailSeconds(), TILE_WIDTH, POSTER_MAX_WIDTH, dir, cancel);
        ThumbnailTrack.writeVtt(stills, dir.resolve(THUMBNAILS));
        Map<String, CmafTrack> byId = new LinkedHashMap<>();
        tracks.forEach(t -> byId.put(t.id(), t));
        List<Path> manifests = new ArrayList<>();
        // Manifests last: everything they name is written by now.
        if (settings.formats().contains(Format.HLS)) {
            manifests.add(writeHls(renditions, audios, byId, dir));
        }
        if (settings.formats().contains(Format.DASH)) {
            manifests.add(write(dir.resolve(DashManifest.NAME), DashManifest.of(tracks)));
        }
        return manifests;
    }

    /** Every track's media playlist, every video track's I-frame playlist, then the master playlist naming them: its path. */
    private static Path writeHls(List<Rendered> renditions, Map<Integer, TrackSource> audios, Map<String, CmafTrack> byId, Path dir)
            throws IOException {
        List<HlsPlaylists.Variant> variants = new ArrayList<>();
        Map<CmafTrack, String> audioNames = new LinkedHashMap<>();
        for (Rendered r : renditions) {
            CmafTrack video = byId.get("video-" + r.rendition().label());
            TrackSource audioSource = audios.get(r.rendition().spec().audioBitrate());
            CmafTrack audio = audioSource == null ? null : byId.get(audioSource.id());
            variants.add(new HlsPlaylists.Variant(video, audio));
            if (audio != null) {
                // One NAME in every audio group: RFC 8216 4.3.4.1.1 wants each group of a TYPE to have the same members with
                // identical attributes but URI and CHANNELS; hls.js before 1.5 (the dashboard's 1.4.12) stops with a fatal
                // audioTrackLoadError when a switch to a rendition of another audio bit rate finds no track of the same name.
                audioNames.put(audio, "AAC");
            }
        }
        for (CmafTrack t : byId.values()) {
            write(dir.resolve(t.id()).resolve(HlsPlaylists.MEDIA), HlsPlaylists.media(t));
            if (t.kind() == CmafTrack.Kind.VIDEO) {
                write(dir.resolve(t.id()).resolve(HlsPlaylists.IFRAMES), HlsPlaylists.iFrames(t));
            }
        }
        return write(dir.resolve(HlsPlaylists.MASTER), HlsPlaylists.master(variants, audioNames));
    }

    private static Path write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    /** Removes a folder and everything in it, if it exists. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new UncheckedIOException("Cannot remove " + dir, e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        }
    }
}
