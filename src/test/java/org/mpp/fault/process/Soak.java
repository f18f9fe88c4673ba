package org.mpp.fault.process;

import java.time.Duration;

/**
 * Short (CI) or long (soak) mode of the process-level fault tests, from system properties: {@code -Dmpp.soak=true}
 * selects the long mode, and {@code -Dmpp.soak.NAME=VALUE} overrides one parameter of either mode. Each test class
 * documents the parameters it reads and their defaults in both modes.
 */
final class Soak {
    private Soak() {
    }

    /** True with {@code -Dmpp.soak=true}. */
    static boolean on() {
        return Boolean.getBoolean("mpp.soak");
    }

    /** {@code mpp.soak.NAME} when set, else the default of the current mode. */
    static int integer(String name, int shortDefault, int longDefault) {
        return Integer.getInteger("mpp.soak." + name, on() ? longDefault : shortDefault);
    }

    /** {@code mpp.soak.NAME} (a decimal number) when set, else the default of the current mode. */
    static double decimal(String name, double shortDefault, double longDefault) {
        String v = System.getProperty("mpp.soak." + name);
        return v == null || v.isBlank() ? (on() ? longDefault : shortDefault) : Double.parseDouble(v.trim());
    }

    /** {@code mpp.soak.NAME} in seconds when set, else the default of the current mode. */
    static Duration seconds(String name, double shortDefault, double longDefault) {
        return Duration.ofMillis(Math.round(decimal(name, shortDefault, longDefault) * 1000));
    }

    /**
     * The nodes' timing: {@link ProcessCluster.Timing#SHORT} (lease 6 s, heartbeat 1 s) in short mode, reference.conf's
     * defaults (lease 30 s, heartbeat 2 s) in long mode; {@code mpp.soak.lease-seconds} and
     * {@code mpp.soak.heartbeat-seconds} override either.
     */
    static ProcessCluster.Timing timing() {
        ProcessCluster.Timing base = on() ? ProcessCluster.Timing.DEFAULTS : ProcessCluster.Timing.SHORT;
        return new ProcessCluster.Timing(
                seconds("heartbeat-seconds", base.heartbeat().toMillis() / 1000.0, base.heartbeat().toMillis() / 1000.0),
                seconds("lease-seconds", base.lease().toMillis() / 1000.0, base.lease().toMillis() / 1000.0), base.poll());
    }

    /** "short" or "long", for figures. */
    static String mode() {
        return on() ? "long" : "short";
    }
}
