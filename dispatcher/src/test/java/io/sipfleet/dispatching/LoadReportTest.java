package io.sipfleet.dispatching;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoadReportTest {
    @Test void parsesWhatTheSwitchSends() {
        LoadReport r = LoadReport.parse(LoadReport.format(12, 100, 3, 30));
        assertThat(r).isEqualTo(new LoadReport(12, 100, 3, 30));
        assertThat(LoadReport.parse("ch=12/100;cps=3/30; future=1")).isEqualTo(r);
        assertThat(LoadReport.parse("cps=3/30")).isEqualTo(new LoadReport(0, 0, 3, 30));
    }

    @Test void malformedIsNoReport() {
        assertThat(LoadReport.parse(null)).isNull();
        assertThat(LoadReport.parse("")).isNull();
        assertThat(LoadReport.parse("ch=12")).isNull();
        assertThat(LoadReport.parse("ch=a/b; cps=-1/3")).isNull();
        assertThat(LoadReport.parse("load=high")).isNull();
    }

    @Test void headroomIsTheFreeShareOfTheTightestLimit() {
        assertThat(new LoadReport(0, 0, 0, 0).headroom(500, 500)).as("no limits").isEqualTo(1.0);
        assertThat(new LoadReport(25, 100, 0, 0).headroom(0, 0)).isEqualTo(0.75);
        assertThat(new LoadReport(25, 100, 0, 0).headroom(25, 0)).isEqualTo(0.5);
        assertThat(new LoadReport(0, 100, 9, 10).headroom(0, 0)).isEqualTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(new LoadReport(120, 100, 0, 0).headroom(0, 0)).as("over the limit").isZero();
    }
}
