//! Against an in-process fake registry: what Verdaccio cannot be made to do.
