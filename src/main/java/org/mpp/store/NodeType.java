package org.mpp.store;

import java.util.Optional;

/**
 * The seed's {@code node.type} codes, which its HTML interface shows as the node's Type: 0 ingest, 1 transcode,
 * 2 export. An MPP node may run workers of several roles; its code is its main role: transcode when it runs any
 * transcode worker, else ingest when it runs any ingest worker, else export. Its worker counts stay in
 * {@code node.roles}. Migration V5 applies the same rule to the rows it converts.
 */
public enum NodeType {
    INGEST(0), TRANSCODE(1), EXPORT(2);

    private final int code;

    NodeType(int code) {
        this.code = code;
    }

    /** The seed's integer code of this role. */
    public int code() {
        return code;
    }

    /** The main role of a node with these worker counts; empty when it runs no worker at all. */
    public static Optional<NodeType> mainRole(int ingest, int transcode, int export) {
        if (transcode > 0) {
            return Optional.of(TRANSCODE);
        }
        if (ingest > 0) {
            return Optional.of(INGEST);
        }
        return export > 0 ? Optional.of(EXPORT) : Optional.empty();
    }

    /**
     * The main role of a node whose {@code node.roles} reads like {@code "ingest=1,transcode=4,export=1"} (see
     * {@link #workers}); empty when it runs no worker.
     */
    public static Optional<NodeType> mainRole(String roles) {
        return mainRole(workers(roles, INGEST), workers(roles, TRANSCODE), workers(roles, EXPORT));
    }

    /**
     * How many workers of {@code role} a node's {@code node.roles} gives, e.g. 4 for transcode in
     * {@code "ingest=1,transcode=4,export=1"}. A role left out counts as 0 workers; a part that is not {@code role=number}
     * with a number of 0 or more is ignored (the column is the cluster's to edit).
     */
    public static int workers(String roles, NodeType role) {
        int workers = 0;
        if (roles != null) {
            for (String part : roles.split(",")) {
                String[] kv = part.split("=", 2);
                if (kv.length != 2 || !kv[0].strip().equalsIgnoreCase(role.name())) {
                    continue;
                }
                try {
                    int n = Integer.parseInt(kv[1].strip());
                    workers = n >= 0 ? n : workers;
                } catch (NumberFormatException e) {
                    // Not one of ours ("transcode=many"): as if left out.
                }
            }
        }
        return workers;
    }
}
