/**
 * How Lanes wires logging it does not own (Netty's) into the {@link java.lang.System.Logger} the
 * core logs through. Internal: not API, may change without notice.
 */
package dev.lanes.internal.logging;
