/**
 * The switch's configuration snapshot: {@link io.sipfleet.switching.config.SwitchConfig} (one
 * versioned JSON document per server, every field documented on the record), the
 * {@link io.sipfleet.switching.config.ConfigHolder} that swaps it atomically, and the
 * {@link io.sipfleet.switching.config.ConfigFileWatcher} that reloads it on SIGHUP or file change.
 */
package io.sipfleet.switching.config;
