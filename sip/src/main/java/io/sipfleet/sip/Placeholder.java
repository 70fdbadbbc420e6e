package io.sipfleet.sip;
final class Placeholder {}
