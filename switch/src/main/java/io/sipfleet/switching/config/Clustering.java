package io.sipfleet.switching.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How a cluster member behaves when the cluster's shared state or its own share of the capacity
 * runs out. Only read when {@code clusterId} is set; a standalone switch ignores it.
 *
 * @param storeFailMode          what a member does with a new call while its store (Redis) is
 *                               unreachable: {@code "closed"} answers 503 "Limits Unavailable"
 *                               (the cluster's limits cannot be checked, so nothing is admitted);
 *                               {@code "open"} admits against local limits of this member's share
 *                               (cpsLimit and channelLimit divided by the number of members, rounded
 *                               up), so the cluster as a whole stays near its limits without the
 *                               store. Registrations need the store in both modes (500 with
 *                               Retry-After; the UA retries). Default {@code "closed"}.
 * @param memberChannelLimit     calls this member carries at most, >= 0, on top of the cluster's
 *                               channelLimit; 0 = no cap of its own. A call over this member's cap
 *                               but within the cluster's goes to a member with room
 *                               ({@code capacityFailoverMode}); over the cluster's limit it gets
 *                               503. Every member of a cluster should carry the same value: a
 *                               member judges the others' room by it. Default 0.
 * @param capacityFailoverMode   how a call over this member's cap reaches a member with room:
 *                               {@code "redirect"} answers 302 with the member's address as
 *                               Contact (the caller or dispatcher sends it there);
 *                               {@code "forward"} proxies it to that member (the caller sees
 *                               nothing, this member stays in the signalling path). Default
 *                               {@code "redirect"}.
 * @param channelLeaseTtlSeconds lifetime of a channel lease in the store, >= 3: a member
 *                               refreshes the leases of its calls every third of it, and a member
 *                               that dies has its channels freed by the store within it. Read at
 *                               start. Default 90.
 */
public record Clustering(
        @Default("\"closed\"") StoreFailMode storeFailMode,
        @Default("0") int memberChannelLimit,
        @Default("\"redirect\"") CapacityFailoverMode capacityFailoverMode,
        @Default("90") int channelLeaseTtlSeconds) {

    /** What a member does with new calls while the cluster's store cannot be reached. */
    public enum StoreFailMode {
        /** 503 "Limits Unavailable": never over the cluster's limits, no calls while the store is down. */
        @JsonProperty("closed") CLOSED,
        /** Local limits of this member's share: calls go on, the cluster stays near its limits. */
        @JsonProperty("open") OPEN
    }

    /** How a call over this member's own cap is handed to a member with room. */
    public enum CapacityFailoverMode {
        /** 302 Moved Temporarily, Contact: the member with room. */
        @JsonProperty("redirect") REDIRECT,
        /** Proxied to the member with room. */
        @JsonProperty("forward") FORWARD
    }
}
