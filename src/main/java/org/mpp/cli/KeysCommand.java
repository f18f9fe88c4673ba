package org.mpp.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.mpp.store.ApiKeyStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code mpp keys}: API keys for machines that call the HTTP API ({@code Authorization: Bearer KEY}). A key is printed
 * once, when it is created; the database keeps only its SHA-256. There is no default key.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = {"List the API keys of the HTTP API, or change them with a subcommand.",
                "A new key is printed once; only its hash is stored. Send it as: Authorization: Bearer KEY"})
final class KeysCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--json", description = "Print the keys as JSON.")
    boolean json;

    @Override
    public Integer call() {
        return list(json);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the keys (names and dates; never the keys).")
    int list(@Option(names = "--json", description = "Print the keys as JSON.") boolean json) {
        return Session.run(main, s -> {
            List<ApiKeyStore.ApiKey> keys = new ApiKeyStore(s.db()).list();
            if (json) {
                Json.print(keys.stream().map(k -> Json.obj().with("id", k.id()).with("name", k.name()).with("created", k.created())
                        .with("revoked", k.revoked())).toList());
            } else if (keys.isEmpty()) {
                System.out.println("No API keys. Create one with: mpp keys create NAME");
            } else {
                TextTable t = new TextTable("ID", "NAME", "CREATED", "REVOKED");
                keys.forEach(k -> t.row(k.id(), k.name(), k.created(), k.revoked() == null ? "" : k.revoked()));
                t.print(System.out);
            }
            return 0;
        });
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key and print it (the only time it is shown).")
    int create(@Parameters(paramLabel = "NAME", description = "What the key is for (letters, digits, . _ @ -).") String name) {
        return Session.run(main, s -> {
            String key;
            try {
                key = new ApiKeyStore(s.db()).create(name);
            } catch (IllegalArgumentException e) {
                System.err.println("FAILED: " + e.getMessage());
                return Main.EXIT_USAGE;
            }
            System.err.println("API key " + name + " (shown once; keep it secret):");
            System.out.println(key);
            return 0;
        });
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key at once, on every node.")
    int revoke(@Parameters(paramLabel = "NAME", description = "The key's name.") String name) {
        return Session.run(main, s -> {
            if (!new ApiKeyStore(s.db()).revoke(name)) {
                System.err.println("FAILED: no working key " + name + " (mpp keys list shows them)");
                return Main.EXIT_FAILED;
            }
            System.out.println("Revoked key " + name);
            return 0;
        });
    }
}
