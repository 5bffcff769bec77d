"""The build: parse the sources, validate them, apply the rules, write the artefacts, publish."""
