package org.mpp.node;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.mpp.Names;
import org.mpp.ladder.Rendition;
import org.mpp.media.BadInputException;
import org.mpp.media.MediaException;

/**
 * The names a job's files will get, checked at ingest, before any media work: a name the file system cannot hold
 * would otherwise fail the job only after the whole transcode, at its export. A rendition is written as
 * {@code <stem><maxY>p<fps>.mp4} in {@code export/<uuid>/} under a temporary name {@value #MUXER_TEMP_ADDITION} bytes
 * longer ({@code .<name>.<16 hex>.tmp}), and may be delivered with up to {@value Delivery#LONGEST_SUFFIX} more bytes
 * ({@link Delivery}); every such name must fit {@link Names#NAME_MAX_BYTES} bytes of UTF-8. A stem with a line break
 * is refused too: {@code job.deliveredFiles} holds one path per line. So are two renditions of one name. The streaming
 * package's folder, {@code <stem>-stream}, is never longer than a rendition's name ({@code <maxY>p<fps>.mp4} is at least
 * as long as {@code -stream}) and gets the same additions, so the check of the renditions covers it. Stateless.
 */
final class OutputNames {
    /** What the export's muxer adds to a name for its temporary file: "." before, "." + 16 hex digits + ".tmp" after. */
    static final int MUXER_TEMP_ADDITION = 22;
    /** The longest a rendition's file name may be, in UTF-8 bytes. */
    static final int MAX_RENDITION_NAME_BYTES = Names.NAME_MAX_BYTES - Math.max(MUXER_TEMP_ADDITION, Delivery.LONGEST_SUFFIX);

    private OutputNames() {
    }

    private static String rungs(List<Rendition> renditions, String fileName) {
        return String.join(" and ", renditions.stream().filter(r -> r.fileName().equals(fileName))
                .map(r -> r.spec().maxX() + "x" + r.spec().maxY() + " at most " + r.spec().maxFramerate() + " fps").toList());
    }

    /**
     * @throws BadInputException naming the source and the limit when a rendition's name cannot be written or listed
     * @throws MediaException when two rungs of the ladder give this source the same name (the same maxY and frame rate):
     *     their files and encoded segments would overwrite each other; the ladder must change, the source is fine
     */
    static void check(String sourceName, List<Rendition> renditions) {
        Set<String> names = new HashSet<>();
        for (Rendition r : renditions) {
            if (!names.add(r.fileName())) {
                throw new MediaException("The output ladder gives '" + Names.printable(sourceName) + "' two renditions named '"
                        + Names.printable(r.fileName()) + "' (rungs " + rungs(renditions, r.fileName()) + ": the same maxY and frame rate):"
                        + " they would overwrite each other's files; deactivate or change one of them (mpp outputs), then retry the job");
            }
        }
        if (sourceName.indexOf('\n') >= 0 || sourceName.indexOf('\r') >= 0) {
            throw new BadInputException("Source name '" + Names.printable(sourceName) + "' is refused: it holds a line break, and the"
                    + " delivered files are listed one per line; rename the file without it and submit it again");
        }
        for (Rendition r : renditions) {
            int bytes = Names.utf8Length(r.fileName());
            if (bytes > MAX_RENDITION_NAME_BYTES) {
                int stemBytes = Names.utf8Length(Stages.stem(java.nio.file.Path.of(r.fileName()))) - Names.utf8Length(r.label());
                throw new BadInputException("Source name '" + Names.printable(sourceName) + "' is too long: its rendition '"
                        + Names.printable(r.fileName()) + "' would be named with " + bytes + " bytes, and names of at most "
                        + MAX_RENDITION_NAME_BYTES + " bytes (UTF-8) fit the file system's " + Names.NAME_MAX_BYTES + " with the suffixes"
                        + " MPP adds while writing and delivering; shorten the name by at least " + (bytes - MAX_RENDITION_NAME_BYTES)
                        + " bytes (its stem has " + stemBytes + ") and submit it again");
            }
        }
    }
}
