/**
 * Call detail records: {@link io.sipfleet.switching.cdr.Cdr} (one JSON object per line) and the
 * non-blocking {@link io.sipfleet.switching.cdr.CdrWriter} that appends them to the cdrFile.
 */
package io.sipfleet.switching.cdr;
