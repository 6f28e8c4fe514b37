package dev.lanes.routing;

/**
 * An endpoint. Its type, chosen when it is written, decides where it runs:
 * a {@link BlockingHandler} runs in its route's lane, an {@link AsyncHandler} on the event loop.
 */
public sealed interface Handler permits BlockingHandler, AsyncHandler {}
