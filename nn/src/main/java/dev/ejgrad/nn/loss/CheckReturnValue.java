package dev.ejgrad.nn.loss;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The result of the marked method (or of every method and constructor of a marked class) must be used: it is a new
 * object, and dropping it leaves everything as it was. A loss's configuration methods return a new loss, so
 * {@code ce.labelSmoothing(0.1);} alone leaves {@code ce} as it was; write {@code ce = ce.labelSmoothing(0.1);}.
 *
 * <p>Tools match this annotation by its simple name, as they do {@code javax.annotation.CheckReturnValue} and Error
 * Prone's: Error Prone's {@code CheckReturnValue} check and IntelliJ IDEA's "Result of method call ignored"
 * inspection report a dropped result. ejgrad's build runs Error Prone with this one check as an error.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR})
public @interface CheckReturnValue {
}
