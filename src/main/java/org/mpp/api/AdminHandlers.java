package org.mpp.api;

import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import org.mpp.ladder.OutputSpec;
import org.mpp.store.ControlStore;
import org.mpp.store.NodeStore;

/** Nodes, policies and the output ladder: what {@code mpp nodes}, {@code mpp policy} and {@code mpp outputs} change. */
final class AdminHandlers {
    private final NodeStore nodes;
    private final ControlStore control;

    AdminHandlers(NodeStore nodes, ControlStore control) {
        this.nodes = nodes;
        this.control = control;
    }

    /** A node as the API shows it; lastSeen is on the database's UTC clock, startedAt on its local time. */
    record NodeJson(long id, String uuid, String hostname, String roles, String version, String lastSeen, String startedAt,
            boolean authorised, boolean terminate, boolean active, String job) {
        static NodeJson of(NodeStore.NodeView n) {
            return new NodeJson(n.id(), String.valueOf(n.uuid()), n.hostname(), n.roles(), n.version(), String.valueOf(n.lastAccess()),
                    String.valueOf(n.startedAt()), n.authorised(), n.terminate(), n.active(), n.job() == null ? null : n.job().toString());
        }
    }

    /**
     * An output row. In a request every field may be left out of a PUT (keeping its value); a POST needs maxX and maxY and
     * takes the others as given. {@code valid} is false for a row whose values are out of range (its fields are then null).
     */
    record OutputJson(Long id, Boolean active, Boolean valid, Integer maxX, Integer maxY, Integer crf, String preset, String profile,
            Integer maxFramerate, Integer audioBitrate) {
        static OutputJson of(ControlStore.OutputRow r) {
            OutputSpec o = r.spec();
            return o == null ? new OutputJson(r.id(), r.active(), false, null, null, null, null, null, null, null)
                    : new OutputJson(r.id(), r.active(), true, o.maxX(), o.maxY(), o.crf(), o.preset(), o.profile(), o.maxFramerate(),
                            o.audioBitrate());
        }

        /** These fields over {@code old}'s (null: none), validated as the CLI's are (by {@link OutputSpec}). */
        OutputSpec spec(OutputSpec old) {
            if (old == null && (maxX == null || maxY == null || crf == null || preset == null || profile == null || maxFramerate == null
                    || audioBitrate == null)) {
                throw ApiException.badRequest("give every field: maxX, maxY, crf, preset, profile, maxFramerate, audioBitrate");
            }
            try {
                return old == null ? new OutputSpec(maxX, maxY, crf, preset, profile, maxFramerate, audioBitrate)
                        : new OutputSpec(or(maxX, old.maxX()), or(maxY, old.maxY()), or(crf, old.crf()), or(preset, old.preset()),
                                or(profile, old.profile()), or(maxFramerate, old.maxFramerate()), or(audioBitrate, old.audioBitrate()));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }

        private static <T> T or(T given, T old) {
            return given != null ? given : old;
        }
    }

    void nodes(Context ctx) {
        ctx.json(nodes.list().stream().map(NodeJson::of).toList());
    }

    void authorise(Context ctx) {
        node(ctx, nodes.setAuthorised(ctx.pathParam("id").strip(), true));
    }

    void deauthorise(Context ctx) {
        node(ctx, nodes.setAuthorised(ctx.pathParam("id").strip(), false));
    }

    void terminate(Context ctx) {
        node(ctx, nodes.terminate(ctx.pathParam("id").strip()));
    }

    private void node(Context ctx, boolean found) {
        String id = ctx.pathParam("id").strip();
        if (!found) {
            throw ApiException.notFound("no node " + id);
        }
        ctx.json(nodes.list().stream().filter(n -> id.equals(String.valueOf(n.id())) || id.equalsIgnoreCase(String.valueOf(n.uuid())))
                .findFirst().map(NodeJson::of).orElseThrow(() -> ApiException.notFound("node " + id + " went away meanwhile")));
    }

    void policies(Context ctx) {
        ctx.json(control.policyRows());
    }

    /** Sets each policy of a JSON object {@code {"name": value, ...}}; a bad one stops before any is written. */
    void setPolicies(Context ctx) {
        @SuppressWarnings("unchecked")
        Map<String, Object> body = Json.body(ctx, Map.class);
        for (Map.Entry<String, Object> e : body.entrySet()) {
            if (!ControlStore.POLICY_NAMES.contains(e.getKey())) {
                throw ApiException.badRequest("unknown policy " + e.getKey() + "; known: " + ControlStore.POLICY_NAMES);
            }
        }
        try {
            body.forEach((name, value) -> control.setPolicy(name, String.valueOf(value)));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        ctx.json(control.policyRows());
    }

    void outputs(Context ctx) {
        ctx.json(control.outputs().stream().map(OutputJson::of).toList());
    }

    void addOutput(Context ctx) {
        OutputSpec spec = Json.body(ctx, OutputJson.class).spec(null);
        long id = control.addOutput(spec);
        ctx.status(201).json(output(id));
    }

    void setOutput(Context ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiException.notFound("no output " + ctx.pathParam("id"));
        }
        ControlStore.OutputRow row = control.outputs().stream().filter(r -> r.id() == id).findFirst()
                .orElseThrow(() -> ApiException.notFound("no output " + id));
        OutputJson body = Json.body(ctx, OutputJson.class);
        boolean anyField = body.maxX() != null || body.maxY() != null || body.crf() != null || body.preset() != null
                || body.profile() != null || body.maxFramerate() != null || body.audioBitrate() != null;
        if (anyField && !control.setOutput(id, body.spec(row.spec()))) {
            throw ApiException.notFound("no output " + id);
        }
        if (body.active() != null) {
            control.setOutputActive(id, body.active());
        }
        ctx.json(output(id));
    }

    private OutputJson output(long id) {
        List<ControlStore.OutputRow> rows = control.outputs();
        return rows.stream().filter(r -> r.id() == id).findFirst().map(OutputJson::of).orElseThrow(() -> ApiException.notFound("no output " + id));
    }
}
