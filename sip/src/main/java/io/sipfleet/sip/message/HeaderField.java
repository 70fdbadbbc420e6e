package io.sipfleet.sip.message;

/** One header line: the canonical name for known headers (the written name otherwise) and its value. */
public record HeaderField(String name, String value) {}
