package org.mpp.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.regex.Pattern;
import org.mpp.Names;
import org.mpp.ladder.Rendition;
import org.mpp.media.BadInputException;
import org.mpp.media.Segment;

/**
 * What a transcode task carries (as JSON in {@code transcodeJob.segmentInfo}): the segment, which ingest attempt's
 * folder holds its file, and the renditions planned for the job at ingest, so that a ladder edited mid-job cannot
 * give one job's segments different renditions. {@code verify}: the transcode proves the picture intact (policy
 * verifyDuringIngest at ingest time; the ingest checked the rest).
 *
 * <p>The row is read back from a database anyone with access may edit: {@link #read} checks every name in it before
 * a stage makes a path of one.
 */
record SegmentTask(int ingestAttempt, Segment segment, List<Rendition> renditions, boolean verify) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The names the ingest's splitter gives segments ({@code segment-00000.mkv}, media's Segmenter). */
    private static final Pattern SEGMENT_FILE = Pattern.compile("segment-[0-9]{5,9}\\.mkv");

    String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Segment task cannot be written as JSON", e);
        }
    }

    /** The task as written, unchecked: for code that makes no path of its names. */
    static SegmentTask fromJson(String json) {
        try {
            return JSON.readValue(json, SegmentTask.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not a segment task: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The task a row holds, with its names checked: the segment file is one plain name of the splitter's pattern, each
     * rendition's folder label one plain name, and each rendition's file exactly {@code <stem><maxY>p<fps>.mp4} for the
     * job's source. Anything else (an edited or damaged row: {@code ../../x}, an absolute path, another job's name)
     * fails the task as bad input, permanently, with the value in the message.
     *
     * @param sourceStem the stem of the job's source name, as the ingest planned the renditions from it
     * @param row names the row in messages, e.g. "transcodeJob of segment 3"
     * @throws BadInputException when the JSON or a name in it is not what an ingest writes
     */
    static SegmentTask read(String json, String sourceStem, String row) {
        SegmentTask task;
        try {
            task = JSON.readValue(json, SegmentTask.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new BadInputException("The segmentInfo of " + row + " is not a segment task as an ingest writes it ("
                    + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()) + "): the row was edited or damaged; retry the job");
        }
        if (task.segment() == null || task.renditions() == null || task.renditions().isEmpty()) {
            throw new BadInputException("The segmentInfo of " + row + " lacks its segment or renditions: the row was edited or damaged; retry the job");
        }
        String file = task.segment().file();
        if (file == null || !SEGMENT_FILE.matcher(file).matches()) {
            throw refused(row, "segment file name", file, "segment-NNNNN.mkv");
        }
        for (Rendition r : task.renditions()) {
            if (r.spec() == null || r.frameRate() == null || !Names.isPlainFileName(r.label())) {
                throw new BadInputException("The segmentInfo of " + row + " holds a rendition without a usable size or rate: the row was"
                        + " edited or damaged; retry the job");
            }
            String expected = sourceStem + r.label() + ".mp4";
            if (!expected.equals(r.fileName())) {
                throw refused(row, "rendition file name", r.fileName(), expected);
            }
        }
        return task;
    }

    private static BadInputException refused(String row, String what, String value, String expected) {
        return new BadInputException("The " + what + " '" + Names.printable(value) + "' in the segmentInfo of " + row + " is refused: it"
                + " must be one plain file name '" + Names.printable(expected) + "' (the row was edited or damaged; a name read from"
                + " the database is never followed outside the job's folders); retry the job");
    }
}
