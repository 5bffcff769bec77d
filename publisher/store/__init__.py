"""Read access to a published generation: one store interface, embedded and remote backends."""
