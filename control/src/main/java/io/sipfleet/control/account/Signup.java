package io.sipfleet.control.account;

/** Result of creating an account: the API token is shown once, only its hash is kept. */
public record Signup(long accountId, long userId, String token) {
}
