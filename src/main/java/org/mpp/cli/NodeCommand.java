package org.mpp.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.mpp.api.ApiServer;
import org.mpp.config.Settings;
import org.mpp.node.Node;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code mpp node}: one node of a cluster, until Ctrl+C / SIGTERM, terminate, or its row is deleted. */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = {"Run a node: register in the database, heartbeat, and run the worker pools of mpp.node.roles.",
                "Serves the HTTP API too when mpp.api.enabled = true.",
                "Ctrl+C or SIGTERM stops claiming, releases current work, unregisters and exits 0."})
final class NodeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Override
    public Integer call() throws InterruptedException {
        Settings settings = main.settings();
        Node node = Node.builder(settings).build();
        AtomicBoolean serving = new AtomicBoolean();
        AtomicReference<ApiServer> api = new AtomicReference<>();
        Thread hook = new Thread(() -> {
            // The API first: no request should reach a node that is stopping.
            closeApi(api);
            node.close();
            if (serving.get()) {
                // SIGTERM and Ctrl+C start the JVM's shutdown with status 128 + signal (143, 130), which no later
                // System.exit can change. The node has stopped cleanly, so end with 0 as documented. (Not when
                // start-up failed: that exit status must stay.)
                Runtime.getRuntime().halt(0);
            }
        }, "mpp-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        node.start();
        if (settings.api().enabled()) {
            try {
                api.set(RunCommand.startApi(settings, node));
            } catch (RuntimeException e) {
                node.close();
                throw e;
            }
        }
        serving.set(true);
        System.err.println("Node " + node.id() + " running; Ctrl+C stops it.");
        node.awaitStop();
        closeApi(api);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is what stopped us.
        }
        return 0;
    }

    private static void closeApi(AtomicReference<ApiServer> api) {
        ApiServer a = api.getAndSet(null);
        if (a != null) {
            a.close();
        }
    }
}
