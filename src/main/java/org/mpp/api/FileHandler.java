package org.mpp.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mpp.client.MppClient;

/**
 * {@code GET /api/v1/jobs/{id}/files/<path>}: any file of a job's export folder (the MP4 files, the stream package),
 * with Range requests (206) so that a player can stream HLS/DASH or seek in an MP4 straight from the API.
 */
final class FileHandler {
    private final JobHandlers jobs;
    private final MppClient client;

    FileHandler(JobHandlers jobs, MppClient client) {
        this.jobs = jobs;
        this.client = client;
    }

    void download(Context ctx) throws IOException {
        var job = jobs.find(ctx);
        String rel = ctx.pathParam("path");
        Path f = job.uuid() == null ? null : ExportFiles.resolve(client.exportFolder(job.uuid()), rel).orElse(null);
        if (f == null) {
            throw ApiException.notFound("job " + job.id() + " has no file " + org.mpp.Names.printable(rel));
        }
        long size = Files.size(f);
        ctx.header("Accept-Ranges", "bytes").contentType(ExportFiles.contentType(f));
        // Not Javalin's writeSeekableStream: it answers "bytes=1000-1999" with everything from 1000 to a chunk's end.
        ByteRange range;
        try {
            range = ByteRange.parse(ctx.header("Range"), size).orElse(null);
        } catch (ByteRange.Unsatisfiable e) {
            ctx.header("Content-Range", "bytes */" + size);
            throw new ApiException(416, "range_not_satisfiable", "the file has " + size + " bytes");
        }
        InputStream in = Files.newInputStream(f);
        if (range == null) {
            ctx.header("Content-Length", String.valueOf(size)).result(in);
            return;
        }
        in.skipNBytes(range.first());
        ctx.status(206).header("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size)
                .header("Content-Length", String.valueOf(range.length())).result(new BoundedInputStream(in, range.length()));
    }

    /** The first {@code limit} bytes of a stream; closing it closes the stream. */
    private static final class BoundedInputStream extends java.io.FilterInputStream {
        private long left;

        BoundedInputStream(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
