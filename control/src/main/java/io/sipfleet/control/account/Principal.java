package io.sipfleet.control.account;

/** Who a request acts for: resolved from the bearer token, the only source of the account id. */
public record Principal(long accountId, long userId) {
}
