package io.sipfleet.switching.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value a configuration field takes when the JSON document leaves it out, as JSON text
 * ({@code "30"}, {@code "null"}, {@code "[]"}, {@code "{}"} for a nested record whose own fields
 * then take their defaults). A field without this annotation is required.
 *
 * <p>It sits on the record component, next to the Javadoc that documents the field, so the
 * default is written in exactly one place that both the code and the reader see.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Default {
    /** The default, as JSON text. */
    String value();
}
