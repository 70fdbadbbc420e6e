package io.sipfleet.bench;
final class Placeholder {}
