"""The ``clusterscord`` command."""
