package dev.lanes.typed;

import java.util.Optional;

/** A response a route declares besides its own ({@link ExtraResponse}), compiled for the document. */
record DeclaredResponse(int status, String description, Optional<Shape> shape) {}
