package io.sipfleet.sip.transaction;

/**
 * The states of the four RFC 3261 17 state machines, plus Accepted from RFC 6026 (INVITE
 * transactions after a 2xx). Each transaction uses the subset its figure shows: INVITE client
 * CALLING/PROCEEDING/ACCEPTED/COMPLETED, non-INVITE client TRYING/PROCEEDING/COMPLETED, INVITE
 * server PROCEEDING/ACCEPTED/COMPLETED/CONFIRMED, non-INVITE server TRYING/PROCEEDING/COMPLETED;
 * all end in TERMINATED.
 */
public enum TransactionState {
    CALLING, TRYING, PROCEEDING, ACCEPTED, COMPLETED, CONFIRMED, TERMINATED
}
