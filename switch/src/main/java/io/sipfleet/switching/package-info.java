/** The switch role: registrar, stateful proxy, limits, keep-alives, CDRs, metrics. */
package io.sipfleet.switching;
