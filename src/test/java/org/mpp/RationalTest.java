package org.mpp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RationalTest {
    @Test
    void fractionsAreReducedAndSigned() {
        assertThat(Rational.of(60000, 2002)).isEqualTo(Rational.of(30000, 1001));
        assertThat(Rational.of(1, -2)).isEqualTo(Rational.of(-1, 2));
    }

    @Test
    void parsesFractionsWholeNumbersAndDecimals() {
        assertThat(Rational.parse("30000/1001")).isEqualTo(Rational.of(30000, 1001));
        assertThat(Rational.parse("25")).isEqualTo(Rational.of(25));
        assertThat(Rational.parse("0.5")).isEqualTo(Rational.of(1, 2));
    }

    @Test
    void floorAndRoundWorkBelowZero() {
        assertThat(Rational.of(-1, 2).floor()).isEqualTo(-1);
        assertThat(Rational.of(-1, 2).round()).isEqualTo(0);
        assertThat(Rational.of(5, 2).round()).isEqualTo(3);
        assertThat(Rational.of(7, 3).floor()).isEqualTo(2);
    }

    @Test
    void arithmeticIsExact() {
        assertThat(Rational.of(1, 3).plus(Rational.of(1, 6))).isEqualTo(Rational.of(1, 2));
        assertThat(Rational.time(3003, Rational.of(1, 90000)).times(Rational.of(30000, 1001))).isEqualTo(Rational.of(1));
    }
}
