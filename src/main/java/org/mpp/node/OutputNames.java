package org.mpp.node;

import java.util.List;
import org.mpp.Names;
import org.mpp.ladder.Rendition;
import org.mpp.media.BadInputException;

/**
 * The names a job's files will get, checked at ingest, before any media work: a name the file system cannot hold
 * would otherwise fail the job only after the whole transcode, at its export. A rendition is written as
 * {@code <stem><maxY>p<fps>.mp4} in {@code export/<uuid>/} under a temporary name {@value #MUXER_TEMP_ADDITION} bytes
 * longer ({@code .<name>.<16 hex>.tmp}), and may be delivered with up to {@value Delivery#LONGEST_SUFFIX} more bytes
 * ({@link Delivery}); every such name must fit {@link Names#NAME_MAX_BYTES} bytes of UTF-8. A stem with a line break
 * is refused too: {@code job.deliveredFiles} holds one path per line. Stateless.
 */
final class OutputNames {
    /** What the export's muxer adds to a name for its temporary file: "." before, "." + 16 hex digits + ".tmp" after. */
    static final int MUXER_TEMP_ADDITION = 22;
    /** The longest a rendition's file name may be, in UTF-8 bytes. */
    static final int MAX_RENDITION_NAME_BYTES = Names.NAME_MAX_BYTES - Math.max(MUXER_TEMP_ADDITION, Delivery.LONGEST_SUFFIX);

    private OutputNames() {
    }

    /**
     * @throws BadInputException naming the source and the limit when a rendition's name cannot be written or listed
     */
    static void check(String sourceName, List<Rendition> renditions) {
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
