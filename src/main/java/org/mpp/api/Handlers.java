package org.mpp.api;

/** The handler objects the route table points into, built once per server. */
record Handlers(Authentication auth, HealthHandlers health, MetricsHandler metrics, OpenApiHandler openApi, JobHandlers jobs,
        FileHandler files, AdminHandlers admin, EventHandlers events, WebAssets web) {
}
