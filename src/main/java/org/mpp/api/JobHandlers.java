package org.mpp.api;

import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.mpp.MppException;
import org.mpp.client.MppClient;
import org.mpp.node.SourceFiles;
import org.mpp.store.JobStore;
import org.mpp.store.JobView;
import org.mpp.store.Status;

/** The jobs endpoints: submit (upload or a file already in the source folder), list, look at and steer a job. */
final class JobHandlers {
    private static final int MAX_PAGE = 500;
    private final MppClient client;
    private final JobStore jobs;
    private final long maxUploadBytes;
    private final Clock clock;

    JobHandlers(MppClient client, JobStore jobs, long maxUploadBytes, Clock clock) {
        this.client = client;
        this.jobs = jobs;
        this.maxUploadBytes = maxUploadBytes;
        this.clock = clock;
    }

    /** {@code POST /api/v1/jobs} with JSON: queue a file already in the source folder. */
    record SubmitBody(String sourceName, Integer priority, String callbackUrl) {
    }

    /** {@code PUT /api/v1/jobs/{id}/priority}. */
    record PriorityBody(Integer priority) {
    }

    void submit(Context ctx) throws IOException {
        String type = String.valueOf(ctx.contentType()).toLowerCase(Locale.ROOT);
        UUID job;
        if (type.startsWith("application/json")) {
            SubmitBody body = Json.body(ctx, SubmitBody.class);
            if (body.sourceName() == null) {
                throw ApiException.badRequest("give {\"sourceName\": \"a file in the source folder\"}");
            }
            URI callback = callback(body.callbackUrl() != null ? body.callbackUrl() : ctx.queryParam("callbackUrl"));
            try {
                job = client.submitSource(body.sourceName(), body.priority() == null ? priorityParam(ctx) : body.priority(), callback);
            } catch (MppException e) {
                throw ApiException.notFound(e.getMessage());
            }
        } else if (type.startsWith("multipart/form-data")) {
            job = upload(ctx);
        } else {
            String name = ctx.queryParam("name");
            if (name == null || name.isBlank()) {
                throw ApiException.badRequest("a raw upload needs ?name=FILE (or send multipart/form-data with a 'file' field)");
            }
            long declared = ctx.req().getContentLengthLong();
            if (declared > maxUploadBytes) {
                throw tooLarge();
            }
            job = store(ctx.req().getInputStream(), name, priorityParam(ctx), callback(ctx.queryParam("callbackUrl")));
        }
        ctx.status(201).json(json(jobs.job(job).orElseThrow()));
    }

    private UUID upload(Context ctx) throws IOException {
        UploadedFile file;
        try {
            file = ctx.uploadedFile("file");
        } catch (Exception e) {
            // Jetty's ServletException comes through Kotlin undeclared; Jetty stopped reading at the cap and removed its parts.
            if (Uploads.tooLarge(e)) {
                throw tooLarge();
            }
            throw ApiException.badRequest("cannot read the multipart body: " + e.getMessage());
        }
        if (file == null) {
            throw ApiException.badRequest("the multipart body has no 'file' field");
        }
        String p = ctx.formParam("priority");
        int priority = p == null ? priorityParam(ctx) : Params.parseInt(p, "priority");
        String c = ctx.formParam("callbackUrl");
        URI callback = callback(c != null ? c : ctx.queryParam("callbackUrl"));
        try (InputStream in = file.content()) {
            return store(in, file.filename(), priority, callback);
        }
    }

    private UUID store(InputStream in, String name, int priority, URI callback) throws IOException {
        try {
            return client.submit(in, name, maxUploadBytes, priority, callback);
        } catch (SourceFiles.TooLargeException e) {
            throw tooLarge();
        }
    }

    /** The job's callback URL (its events are POSTed there), checked before anything is written; null when none is given. */
    private static URI callback(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        try {
            return org.mpp.config.WebhookUrls.check(url);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("callbackUrl: " + e.getMessage());
        }
    }

    private ApiException tooLarge() {
        return ApiException.tooLarge("an upload may have at most " + maxUploadBytes / (1024 * 1024) + " MiB (mpp.api.max-upload-mb)");
    }

    void list(Context ctx) {
        String s = ctx.queryParam("status");
        Integer status = s == null ? null : status(s);
        int limit = Math.min(MAX_PAGE, Math.max(0, Params.intParam(ctx, "limit", 50)));
        int offset = Math.max(0, Params.intParam(ctx, "offset", 0));
        // No media info in a page of jobs: parsing every job's probe (its keyframe list) at each poll costs more than it shows.
        List<JobJson> page = jobs.list(status, limit, offset).stream()
                .map(j -> JobJson.of(j, j.uuid() == null ? null : client.exportFolder(j.uuid()), clock, false)).toList();
        ctx.json(page);
    }

    void get(Context ctx) {
        ctx.json(json(find(ctx)));
    }

    void pause(Context ctx) {
        JobView j = withUuid(ctx);
        changed(jobs.setPaused(j.uuid(), true), j);
        ctx.json(json(reread(j)));
    }

    void resume(Context ctx) {
        JobView j = withUuid(ctx);
        changed(jobs.setPaused(j.uuid(), false), j);
        ctx.json(json(reread(j)));
    }

    void priority(Context ctx) {
        JobView j = withUuid(ctx);
        PriorityBody body = Json.body(ctx, PriorityBody.class);
        if (body.priority() == null) {
            throw ApiException.badRequest("give {\"priority\": N}");
        }
        changed(jobs.setPriority(j.uuid(), body.priority()), j);
        ctx.json(json(reread(j)));
    }

    void retry(Context ctx) throws IOException {
        JobView j = withUuid(ctx);
        try {
            client.retry(j);
        } catch (MppException e) {
            throw ApiException.conflict(e.getMessage());
        }
        ctx.json(json(reread(j)));
    }

    void delete(Context ctx) {
        JobView j = withUuid(ctx);
        changed(jobs.delete(j.uuid()), j);
        ctx.status(204);
    }

    /** The job named by the {id} path parameter (number or UUID). */
    JobView find(Context ctx) {
        String id = ctx.pathParam("id");
        return jobs.find(id.strip()).orElseThrow(() -> ApiException.notFound("no job " + id));
    }

    private JobView withUuid(Context ctx) {
        JobView j = find(ctx);
        if (j.uuid() == null) {
            throw ApiException.conflict("job " + j.id() + " has no UUID yet; a running node gives it one within seconds, then try again");
        }
        return j;
    }

    private JobView reread(JobView j) {
        return jobs.job(j.uuid()).orElseThrow(() -> ApiException.notFound("job " + j.id() + " was deleted meanwhile"));
    }

    private static void changed(boolean changed, JobView j) {
        if (!changed) {
            throw ApiException.notFound("job " + j.id() + " no longer exists");
        }
    }

    private JobJson json(JobView j) {
        return JobJson.of(j, j.uuid() == null ? null : client.exportFolder(j.uuid()), clock);
    }

    private static int priorityParam(Context ctx) {
        return Params.intParam(ctx, "priority", 0);
    }

    /** A status code, or a status name as the API shows it ("complete", "failed"). */
    private static int status(String s) {
        for (int code : new int[] {Status.IMPORTED, Status.INGESTING, Status.TRANSCODING, Status.TRANSCODED, Status.EXPORTING,
                Status.COMPLETE, Status.FAILED}) {
            if (s.equals(String.valueOf(code)) || s.equalsIgnoreCase(Status.jobName(code))) {
                return code;
            }
        }
        throw ApiException.badRequest("unknown status '" + s + "'; use a code (0-5, 13) or a name such as complete or failed");
    }
}
