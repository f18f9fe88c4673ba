package org.mpp.api;

import io.javalin.http.Context;
import java.io.IOException;
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
        // Javalin answers a Range header with 206 and Content-Range, and sets Accept-Ranges; it closes the stream.
        ctx.writeSeekableStream(Files.newInputStream(f), ExportFiles.contentType(f), Files.size(f));
    }
}
