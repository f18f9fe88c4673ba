package org.mpp.media;

import org.mpp.Rational;

/**
 * One piece of a source, cut at keyframes without re-encoding, that any node can transcode on its own.
 * Segments partition the source's frames by presentation time: a frame belongs to the segment whose
 * [from, to) holds its timestamp, so every frame lands in exactly one segment.
 *
 * @param index 0-based position in the source
 * @param file file name inside the job's segment folder
 * @param from presentation time (seconds, source clock) of the segment's first frame
 * @param to presentation time where the next segment starts, or where the video ends for the last one
 * @param firstPacket presentation time of the first packet stored in the file (earlier than {@code from}
 *     when the file carries a lead-in GOP that open-GOP pictures need as reference)
 * @param frames how many source frames the segment owns
 */
public record Segment(int index, String file, Rational from, Rational to, Rational firstPacket, long frames) {
}
