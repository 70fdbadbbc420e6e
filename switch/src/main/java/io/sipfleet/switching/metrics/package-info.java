/**
 * Prometheus metrics of the switch: {@link io.sipfleet.switching.metrics.SwitchMetrics} (the
 * named meters) and {@link io.sipfleet.switching.metrics.MetricsServer} ({@code GET /metrics}).
 */
package io.sipfleet.switching.metrics;
