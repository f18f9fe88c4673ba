package org.mpp.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Slows down password guessing: after {@link #PER_USER} failed logins for one name, or {@link #PER_ADDRESS} from one
 * address, within {@link #WINDOW}, further attempts are refused (429) until the oldest failure leaves the window; a refused
 * attempt does not even check the password. Kept in this node's memory: a cluster of n nodes behind a balancer allows
 * n times as many guesses, still few against bcrypt. Thread-safe (synchronized; logins are rare).
 */
final class LoginThrottle {
    static final int PER_USER = 5;
    static final int PER_ADDRESS = 20;
    static final Duration WINDOW = Duration.ofMinutes(15);
    private static final int MAX_KEYS = 100_000;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new HashMap<>();

    LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /** How long to wait before {@code user} may try again from {@code address}; empty when a try is allowed now. */
    synchronized Optional<Duration> waitBefore(String user, String address) {
        Instant now = clock.instant();
        Duration u = wait(failures.get("u:" + user), PER_USER, now);
        Duration a = wait(failures.get("a:" + address), PER_ADDRESS, now);
        Duration longest = u.compareTo(a) >= 0 ? u : a;
        return longest.isZero() ? Optional.empty() : Optional.of(longest);
    }

    synchronized void failed(String user, String address) {
        Instant now = clock.instant();
        if (failures.size() > MAX_KEYS) {
            failures.values().removeIf(q -> q.isEmpty() || q.peekLast().isBefore(now.minus(WINDOW)));
        }
        for (String key : new String[] {"u:" + user, "a:" + address}) {
            Deque<Instant> q = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
            q.addLast(now);
            while (q.size() > PER_ADDRESS) {
                q.removeFirst();
            }
        }
    }

    synchronized void succeeded(String user) {
        failures.remove("u:" + user);
    }

    private static Duration wait(Deque<Instant> q, int limit, Instant now) {
        if (q == null) {
            return Duration.ZERO;
        }
        while (!q.isEmpty() && !q.peekFirst().isAfter(now.minus(WINDOW))) {
            q.removeFirst();
        }
        if (q.size() < limit) {
            return Duration.ZERO;
        }
        // The try is allowed again when enough failures have left the window.
        Instant nth = q.stream().skip(q.size() - limit).findFirst().orElseThrow();
        return Duration.between(now, nth.plus(WINDOW));
    }
}
