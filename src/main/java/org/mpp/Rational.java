package org.mpp;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * An exact fraction, used for frame rates, time bases and times that must not drift (segment
 * boundaries, output frame slots). Always reduced, denominator positive. Serialises as "num/den".
 */
public record Rational(long num, long den) implements Comparable<Rational> {
    public static final Rational ZERO = new Rational(0, 1);

    public Rational {
        if (den == 0) {
            throw new IllegalArgumentException("denominator is 0 in " + num + "/" + den);
        }
        if (den < 0) {
            num = -num;
            den = -den;
        }
        long g = gcd(Math.abs(num), den);
        if (g > 1) {
            num /= g;
            den /= g;
        }
    }

    public static Rational of(long num, long den) {
        return new Rational(num, den);
    }

    public static Rational of(long whole) {
        return new Rational(whole, 1);
    }

    /** Parses "30000/1001", "30" or "29.97" (the last as an exact decimal fraction). */
    @JsonCreator
    public static Rational parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        if (slash >= 0) {
            return new Rational(Long.parseLong(t.substring(0, slash).trim()), Long.parseLong(t.substring(slash + 1).trim()));
        }
        java.math.BigDecimal d = new java.math.BigDecimal(t);
        return new Rational(d.unscaledValue().longValueExact(), java.math.BigInteger.TEN.pow(Math.max(0, d.scale())).longValueExact());
    }

    /** This time (a count of {@code timeBase} units) in seconds, exactly. */
    public static Rational time(long pts, Rational timeBase) {
        return new Rational(Math.multiplyExact(pts, timeBase.num), timeBase.den);
    }

    public boolean isPositive() {
        return num > 0;
    }

    public double toDouble() {
        return (double) num / den;
    }

    public Rational plus(Rational o) {
        return new Rational(Math.addExact(Math.multiplyExact(num, o.den), Math.multiplyExact(o.num, den)), Math.multiplyExact(den, o.den));
    }

    public Rational minus(Rational o) {
        return plus(new Rational(-o.num, o.den));
    }

    public Rational times(Rational o) {
        return new Rational(Math.multiplyExact(num, o.num), Math.multiplyExact(den, o.den));
    }

    public Rational inverse() {
        return new Rational(den, num);
    }

    /** The largest whole number not above this value. */
    public long floor() {
        return Math.floorDiv(num, den);
    }

    /** The nearest whole number, halves rounded up. */
    public long round() {
        return Math.floorDiv(2 * num + den, 2 * den);
    }

    public static Rational min(Rational a, Rational b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public int compareTo(Rational o) {
        return Long.compare(Math.multiplyExact(num, o.den), Math.multiplyExact(o.num, den));
    }

    @JsonValue
    @Override
    public String toString() {
        return den == 1 ? Long.toString(num) : num + "/" + den;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a == 0 ? 1 : a;
    }
}
