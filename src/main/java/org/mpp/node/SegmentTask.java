package org.mpp.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.mpp.ladder.Rendition;
import org.mpp.media.Segment;

/**
 * What a transcode task carries (as JSON in {@code transcodeJob.segmentInfo}): the segment, which ingest attempt's
 * folder holds its file, and the renditions planned for the job at ingest, so that a ladder edited mid-job cannot
 * give one job's segments different renditions. {@code verify}: the transcode proves the picture intact (policy
 * verifyDuringIngest at ingest time; the ingest checked the rest).
 */
record SegmentTask(int ingestAttempt, Segment segment, List<Rendition> renditions, boolean verify) {
    private static final ObjectMapper JSON = new ObjectMapper();

    String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Segment task cannot be written as JSON", e);
        }
    }

    static SegmentTask fromJson(String json) {
        try {
            return JSON.readValue(json, SegmentTask.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not a segment task: " + e.getOriginalMessage(), e);
        }
    }
}
