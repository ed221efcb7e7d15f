"""Actors: the registry and mention rules (:mod:`.mentions`); the measure (:mod:`.measure`)."""
