package io.sipfleet.control.account;

/** Amounts are integer cents (USD) everywhere: no float ever touches money. */
public final class Money {

    /** Deposit the balance must cover per server, counting the one being deployed: $20. */
    public static final long DEPOSIT_PER_SERVER_CENTS = 20_00;
    /** Largest single top-up accepted: catches a typo of a few extra zeros. */
    public static final long MAX_TOP_UP_CENTS = 100_000_00;

    private Money() {
    }

    /** "$20.00", "-$1.05": for messages a person reads. */
    public static String format(long cents) {
        String sign = cents < 0 ? "-" : "";
        long abs = Math.abs(cents);
        return sign + "$" + (abs / 100) + "." + String.format("%02d", abs % 100);
    }
}
